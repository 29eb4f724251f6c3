/**
 * lspci's human format, as users paste it (docs/research/host-formats.md, "Parsing rules", regexes
 * DEVICE/SUBSYS/DRIVER/GRPHDR there):
 * - `lspci -nnk` (with or without -D, -v): a device line, then TAB-indented detail lines
 *   (`Subsystem: … [3842:3081]`, `Kernel driver in use: nvidia`, with -v `Flags: … IOMMU group 31`);
 * - the IOMMU-group shell loop (Arch wiki "PCI passthrough via OVMF"): `IOMMU Group N:`
 *   headers with indented `lspci -nns` lines, or one line per device `IOMMU Group N <line>`;
 * - HikariKnight/ls-iommu's `IOMMU Group  31: 0000:0e:00.0 VGA … [0300] …` (no colon after the class).
 * Names contain brackets (`TU104 [GeForce RTX 2080 SUPER]`): the IDs are the LAST
 * `[vvvv:dddd]` before the optional `(rev xx)` / `(prog-if xx [name])`.
 */
import { groupNumber, hostDevice, normaliseAddress, numberedLines } from './normalise.ts'
import type { HostDevice, UnparsedLine } from './schemas.ts'

const DEVICE =
  /^(?:IOMMU [Gg]roup\s+(\d+):?\s+)?(?:([0-9a-f]{4,8}):)?([0-9a-f]{2}):([01][0-9a-f])\.([0-7])\s+(.*?)\s*\[([0-9a-f]{4})\]:?\s+(.*?)\s*\[([0-9a-f]{4}):([0-9a-f]{4})\](?:\s+\(rev\s+[0-9a-f]{2}\))?(?:\s+\(prog-if\s+[0-9a-f]{2}(?:\s+\[[^\]]*\])?\))?\s*$/i
const STARTS_LIKE_DEVICE = /^(?:IOMMU [Gg]roup\s+\d+:?\s+)?(?:[0-9a-f]{4,8}:)?[0-9a-f]{2}:[01][0-9a-f]\.[0-7]\s/i
const GROUP_HEADER = /^IOMMU [Gg]roup\s+(\d+):?\s*$/
const SUBSYSTEM = /^Subsystem:\s+(.*?)\s*\[([0-9a-f]{4}):([0-9a-f]{4})\]\s*$/i
const DRIVER = /^Kernel driver in use:\s+(\S+)\s*$/
const FLAGS_GROUP = /^Flags:.*\bIOMMU group (\d+)/

export function parseLspciText(text: string, source: string): { devices: HostDevice[]; unparsed: UnparsedLine[] } {
  const devices: HostDevice[] = []
  const unparsed: UnparsedLine[] = []
  // -k (or -v) prints detail lines; then an absent Subsystem/driver line means "none".
  const withKernel = /^\s+Kernel (driver in use|modules):/m.test(text)
  const withDetails = withKernel || /^\s+(Subsystem|Flags):/m.test(text)
  let group: number | undefined
  let current: HostDevice | undefined
  for (const { line, text: raw } of numberedLines(text)) {
    const t = raw.trim()
    if (t === '') continue
    const header = GROUP_HEADER.exec(t)
    if (header && groupNumber(header[1]) !== null) {
      group = groupNumber(header[1])!
      current = undefined
      continue
    }
    if (STARTS_LIKE_DEVICE.test(t)) {
      const found = deviceOf(t, source, group)
      current = found ?? undefined
      if (found === null) {
        unparsed.push({ line, text: raw, reason: 'PCI domain wider than 4 hex digits (Intel VMD) or group number too large: the catalog cannot hold it' })
      } else if (current) {
        if (withDetails) current.subsystem = null
        if (withKernel) current.driver = null
        devices.push(current)
      } else {
        unparsed.push({ line, text: raw, reason: /\[[0-9a-f]{4}:[0-9a-f]{4}\]/i.test(t) ? 'not an lspci -nn device line' : 'no numeric IDs: run lspci with -nn' })
      }
      continue
    }
    if (current && /^\s/.test(raw)) {
      detail(current, t)
      continue
    }
    unparsed.push({ line, text: raw, reason: /^\s/.test(raw) ? 'detail line without a device line above it' : 'not an lspci device line or IOMMU group header' })
  }
  return { devices, unparsed }
}

/** The device of a line; undefined when the line is not one, null when it cannot be stored. */
function deviceOf(line: string, source: string, group: number | undefined): HostDevice | undefined | null {
  const m = DEVICE.exec(line)
  if (!m) return undefined
  const [, lineGroup, domain = '0000', bus, slot, fn, , cls, desc, vendor, device] = m
  const address = normaliseAddress(`${domain}:${bus}:${slot}.${fn}`)
  const g = lineGroup === undefined ? group : groupNumber(lineGroup)
  if (address === null || g === null) return null
  const d = hostDevice(address, source)
  d.classCode = cls!.toLowerCase()
  d.vendorDevice = `${vendor}:${device}`.toLowerCase()
  if (desc) d.description = desc
  if (g !== undefined) d.iommuGroup = g
  return d
}

/** Reads the detail lines the catalog uses; every other detail line (-v) is ignored. */
function detail(d: HostDevice, line: string) {
  const sub = SUBSYSTEM.exec(line)
  if (sub) d.subsystem = `${sub[2]}:${sub[3]}`.toLowerCase()
  const drv = DRIVER.exec(line)
  if (drv) d.driver = drv[1]!
  const flags = groupNumber(FLAGS_GROUP.exec(line)?.[1])
  if (flags !== null) d.iommuGroup = flags
}
