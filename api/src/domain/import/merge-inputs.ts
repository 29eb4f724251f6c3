/**
 * Several host outputs → one device list. One input may give the groups (sysfs), another the
 * drivers (lspci -nnk): each field is taken from the most trusted input that reports it, in
 * docs/research/host-formats.md's order of preference; a disagreement is reported.
 */
import {
  COMPARED_FIELDS,
  IMPORT_FORMATS,
  type HostDevice,
  type ImportConflict,
  type ParsedInput,
} from './schemas.ts'

const NAME_FIELDS = ['vendorName', 'deviceName', 'description'] as const

export function mergeInputs(inputs: readonly ParsedInput[]): {
  devices: HostDevice[]
  conflicts: ImportConflict[]
} {
  const ranked = [...inputs].sort(
    (a, b) => IMPORT_FORMATS.indexOf(a.format) - IMPORT_FORMATS.indexOf(b.format),
  )
  const byAddress = new Map<string, HostDevice>()
  const conflicts: ImportConflict[] = []
  for (const input of ranked) {
    for (const device of input.devices) {
      const seen = byAddress.get(device.address)
      if (seen) mergeInto(seen, device, conflicts)
      else byAddress.set(device.address, { ...device, sources: [...device.sources] })
    }
  }
  const devices = [...byAddress.values()].sort((a, b) => a.address.localeCompare(b.address))
  return { devices, conflicts }
}

/** Fills the fields `kept` lacks from `other`; reports the fields where they disagree. */
function mergeInto(kept: HostDevice, other: HostDevice, conflicts: ImportConflict[]) {
  for (const field of COMPARED_FIELDS) {
    const value = other[field]
    if (value === undefined) continue
    if (kept[field] === undefined) {
      Object.assign(kept, { [field]: value })
      kept.fieldSources = { ...kept.fieldSources, [field]: other.sources[0]! }
    } else if (kept[field] !== value) {
      conflicts.push({
        address: kept.address,
        field,
        kept: kept[field] ?? null,
        ignored: value,
        keptFrom: kept.sources[0]!,
        ignoredFrom: other.sources[0]!,
      })
    }
  }
  for (const field of NAME_FIELDS)
    if (kept[field] === undefined && other[field] !== undefined) kept[field] = other[field]
  for (const s of other.sources) if (!kept.sources.includes(s)) kept.sources.push(s)
}
