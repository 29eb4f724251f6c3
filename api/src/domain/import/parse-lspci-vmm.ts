/**
 * `lspci -nnD -vmm -k`, lspci's stable machine-readable format (lspci(8) "MACHINE READABLE
 * OUTPUT"; docs/research/host-formats.md): records separated by blank lines, each line
 * `Tag:<TAB>Value`, `Slot` first, unknown tags ignored. With -nn a name ends in its numeric
 * ID: the ID is the LAST `[hex]` on the line, since names contain brackets too.
 */
import { groupNumber, hostDevice, knownName, normaliseAddress, numberedLines } from './normalise.ts'
import type { HostDevice, UnparsedLine } from './schemas.ts'

const TAG = /^([A-Za-z][A-Za-z0-9]*):\s*(.*?)\s*$/
const TRAILING_ID = /^(.*?)\s*\[([0-9a-f]{4})\]$/i

interface Line {
  line: number
  text: string
}

export function parseLspciVmm(
  text: string,
  source: string,
): { devices: HostDevice[]; unparsed: UnparsedLine[] } {
  const unparsed: UnparsedLine[] = []
  const records: Line[][] = [[]]
  for (const l of numberedLines(text)) {
    if (l.text.trim() === '') records.push([])
    else if (TAG.test(l.text)) records.at(-1)!.push(l)
    else unparsed.push({ ...l, reason: 'not a "Tag:<TAB>Value" line' })
  }
  // -k adds Driver/Module tags; without them anywhere, drivers are simply not reported.
  const withKernel = /^(Driver|Module):/m.test(text)
  const devices: HostDevice[] = []
  for (const record of records.filter((r) => r.length > 0)) {
    const parsed = parseRecord(record, source, withKernel)
    if (typeof parsed === 'string') unparsed.push({ ...record[0]!, reason: parsed })
    else devices.push(parsed)
  }
  return { devices, unparsed }
}

function parseRecord(record: Line[], source: string, withKernel: boolean): HostDevice | string {
  const tags = new Map<string, string>()
  for (const { text } of record) {
    const [, tag, value] = TAG.exec(text)!
    if (!tags.has(tag!)) tags.set(tag!, value!)
  }
  const slot = tags.get('Slot')
  if (slot === undefined) return 'record without a Slot: line'
  const address = normaliseAddress(slot)
  if (address === null) return `Slot "${slot}" is not a PCI address`
  const cls = idOf(tags.get('Class'))
  const vendor = idOf(tags.get('Vendor'))
  const device = idOf(tags.get('Device'))
  if (!cls || !vendor || !device) return 'no numeric IDs: run lspci with -nn'
  const d = hostDevice(address, source)
  d.classCode = cls.id
  d.vendorDevice = `${vendor.id}:${device.id}`
  const vendorName = knownName(vendor.name)
  const deviceName = knownName(device.name)
  if (vendorName) d.vendorName = vendorName
  if (deviceName) d.deviceName = deviceName
  const sv = idOf(tags.get('SVendor'))
  const sd = idOf(tags.get('SDevice'))
  // lspci prints SVendor/SDevice only for a non-zero subsystem: absent means none.
  d.subsystem = sv && sd ? `${sv.id}:${sd.id}` : null
  if (withKernel) d.driver = tags.get('Driver') ?? null
  const group = groupNumber(tags.get('IOMMUGroup'))
  if (group !== null) d.iommuGroup = group
  return d
}

function idOf(value: string | undefined): { name: string; id: string } | null {
  const m = value === undefined ? null : TRAILING_ID.exec(value)
  return m ? { name: m[1]!, id: m[2]!.toLowerCase() } : null
}
