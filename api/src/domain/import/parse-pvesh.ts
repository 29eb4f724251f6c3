/**
 * `pvesh get /nodes/<node>/hardware/pci --pci-class-blacklist "" --output-format json`
 * (or json-pretty). Fields per pve-manager PVE/API2/Hardware/PCI.pm (docs/research/host-formats.md),
 * produced by proxmox/pve-common src/PVE/SysFSTools.pm `lspci()`: `id`, `class` (0x030000), `vendor`,
 * `device` (0x10de), `iommugroup` (-1 = none), and in verbose mode `subsystem_vendor`,
 * `subsystem_device`, `vendor_name`, `device_name`. It carries no driver.
 */
import { jsonDepth } from '../json-depth.ts'
import { PlanInputError } from '../plan-input-error.ts'
import { classFromSysfs, groupNumber, hex4, hostDevice, normaliseAddress, subsystemOf } from './normalise.ts'
import type { HostDevice, UnparsedLine } from './schemas.ts'

/**
 * Deepest nesting accepted. pvesh prints an array of flat objects (2 levels; 3 inside the HTTP
 * API's { data: [...] }). The text arrives inside a request string, so the body's own depth
 * limit does not see it; bounding it here keeps JSON.stringify (the unparsed-item preview)
 * far from V8's recursion limit.
 */
export const MAX_PVESH_DEPTH = 16

/** Longest excerpt of an unparsed item. */
const PREVIEW_CHARS = 200

export function parsePvesh(
  text: string,
  source: string,
  input: number,
): { devices: HostDevice[]; unparsed: UnparsedLine[] } {
  const refuse = (message: string) => new PlanInputError('invalid', `/inputs/${input}/text`, message)
  const depth = jsonDepth(text, MAX_PVESH_DEPTH)
  if (depth > MAX_PVESH_DEPTH)
    throw refuse(`JSON nested more than ${MAX_PVESH_DEPTH} levels deep: pvesh prints a list of flat objects`)
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (err) {
    throw refuse(`not valid JSON (truncated?): ${(err as Error).message}`)
  }
  // `pvesh get` prints the array; the HTTP API wraps it in { data: [...] }.
  const items = Array.isArray(data) ? data : (data as { data?: unknown } | null)?.data
  if (!Array.isArray(items)) throw refuse('expected the JSON array that pvesh get …/hardware/pci prints')
  const devices: HostDevice[] = []
  const unparsed: UnparsedLine[] = []
  items.forEach((item, i) => {
    const report = (reason: string) =>
      unparsed.push({ line: lineOf(text, item), text: preview(item), reason: `item ${i}: ${reason}` })
    const parsed = parseItem(item, source)
    if (typeof parsed === 'string') return report(parsed)
    devices.push(parsed.device)
    parsed.problems.forEach(report)
  })
  return { devices, unparsed }
}

/** A device plus the fields left unknown because their value is malformed, or why the item is not a device. */
function parseItem(item: unknown, source: string): { device: HostDevice; problems: string[] } | string {
  if (typeof item !== 'object' || item === null) return 'not an object'
  const o = item as Record<string, unknown>
  const address = typeof o.id === 'string' ? normaliseAddress(o.id) : null
  if (address === null) return 'no PCI address in "id"'
  const vendor = hex4(o.vendor)
  const device = hex4(o.device)
  const classCode = classFromSysfs(o.class)
  if (vendor === null || device === null || classCode === null)
    return 'vendor, device or class missing or not hex'
  const d = hostDevice(address, source)
  d.vendorDevice = `${vendor}:${device}`
  d.classCode = classCode
  const problems: string[] = []
  if ('iommugroup' in o) {
    const group = iommuGroupOf(o.iommugroup)
    if (group !== null) d.iommuGroup = group
    else
      problems.push(
        `"iommugroup" ${preview(o.iommugroup)} is neither -1 nor a group number; group left unknown`,
      )
  }
  // Only verbose output (the default) carries the subsystem; absent keys = not reported.
  // A malformed one stays unknown: null would claim the host has no subsystem.
  if ('subsystem_vendor' in o || 'subsystem_device' in o) {
    const sv = hex4(o.subsystem_vendor)
    const sd = hex4(o.subsystem_device)
    if (sv !== null && sd !== null) d.subsystem = subsystemOf(sv, sd)
    else
      problems.push(
        `"subsystem_vendor" ${preview(o.subsystem_vendor)} / "subsystem_device" ` +
          `${preview(o.subsystem_device)} not both 16-bit hex; subsystem left unknown`,
      )
  }
  if (typeof o.vendor_name === 'string') d.vendorName = o.vendor_name
  if (typeof o.device_name === 'string') d.deviceName = o.device_name
  return { device: d, problems }
}

/** -1 (no IOMMU group) or a group number, as number or digits; null for anything else. */
function iommuGroupOf(value: unknown): number | null {
  if (value === -1 || value === '-1') return -1
  if (typeof value === 'number') return Number.isInteger(value) ? groupNumber(String(value)) : null
  return typeof value === 'string' ? groupNumber(value) : null
}

/**
 * A short excerpt of a JSON value for a report. Bounded: parsePvesh refused text nested past
 * MAX_PVESH_DEPTH, so JSON.stringify's recursion is shallow and the text is at most the input's.
 */
function preview(value: unknown): string {
  if (value === undefined) return 'absent'
  return JSON.stringify(value).slice(0, PREVIEW_CHARS)
}

/** The line of the item's id in the text (pretty JSON); 1 for one-line JSON. */
function lineOf(text: string, item: unknown): number {
  const id = (item as { id?: unknown } | null)?.id
  const at = typeof id === 'string' ? text.indexOf(JSON.stringify(id)) : -1
  return at < 0 ? 1 : text.slice(0, at).split('\n').length
}
