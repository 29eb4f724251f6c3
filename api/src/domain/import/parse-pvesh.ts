/**
 * `pvesh get /nodes/<node>/hardware/pci --pci-class-blacklist "" --output-format json`
 * (or json-pretty). Fields per shared/research/passthrough.md §1.1, produced by
 * proxmox/pve-common src/PVE/SysFSTools.pm `lspci()`: `id`, `class` (0x030000), `vendor`,
 * `device` (0x10de), `iommugroup` (-1 = none), and in verbose mode `subsystem_vendor`,
 * `subsystem_device`, `vendor_name`, `device_name`. It carries no driver.
 */
import { ImportInputError } from './errors.ts'
import { classFromSysfs, groupNumber, hex4, hostDevice, normaliseAddress, subsystemOf } from './normalise.ts'
import type { HostDevice, UnparsedLine } from './schemas.ts'

export function parsePvesh(text: string, source: string, input: number): { devices: HostDevice[]; unparsed: UnparsedLine[] } {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (err) {
    throw new ImportInputError(input, `not valid JSON (truncated?): ${(err as Error).message}`)
  }
  // `pvesh get` prints the array; the HTTP API wraps it in { data: [...] }.
  const items = Array.isArray(data) ? data : (data as { data?: unknown } | null)?.data
  if (!Array.isArray(items)) throw new ImportInputError(input, 'expected the JSON array that pvesh get …/hardware/pci prints')
  const devices: HostDevice[] = []
  const unparsed: UnparsedLine[] = []
  items.forEach((item, i) => {
    const parsed = parseItem(item, source)
    if (typeof parsed !== 'string') devices.push(parsed)
    else unparsed.push({ line: lineOf(text, item), text: JSON.stringify(item).slice(0, 200), reason: `item ${i}: ${parsed}` })
  })
  return { devices, unparsed }
}

/** A device, or why the item is not one. */
function parseItem(item: unknown, source: string): HostDevice | string {
  if (typeof item !== 'object' || item === null) return 'not an object'
  const o = item as Record<string, unknown>
  const address = typeof o.id === 'string' ? normaliseAddress(o.id) : null
  if (address === null) return 'no PCI address in "id"'
  const vendor = hex4(o.vendor)
  const device = hex4(o.device)
  const classCode = classFromSysfs(o.class)
  if (vendor === null || device === null || classCode === null) return 'vendor, device or class missing or not hex'
  const d = hostDevice(address, source)
  d.vendorDevice = `${vendor}:${device}`
  d.classCode = classCode
  const group = o.iommugroup === -1 || o.iommugroup === '-1' ? -1 : groupNumber(String(o.iommugroup))
  if (group !== null) d.iommuGroup = group
  // Only verbose output (the default) carries the subsystem; absent keys = not reported.
  if ('subsystem_vendor' in o || 'subsystem_device' in o) d.subsystem = subsystemOf(hex4(o.subsystem_vendor), hex4(o.subsystem_device))
  if (typeof o.vendor_name === 'string') d.vendorName = o.vendor_name
  if (typeof o.device_name === 'string') d.deviceName = o.device_name
  return d
}

/** The line of the item's id in the text (pretty JSON); 1 for one-line JSON. */
function lineOf(text: string, item: unknown): number {
  const id = (item as { id?: unknown } | null)?.id
  const at = typeof id === 'string' ? text.indexOf(JSON.stringify(id)) : -1
  return at < 0 ? 1 : text.slice(0, at).split('\n').length
}
