/**
 * lspci's human format, as users paste it (docs/research/host-formats.md, "Parsing rules"):
 * - `lspci -nnk` (with or without -D, -v, -PP): a device line, then TAB-indented detail lines
 *   (`Subsystem: … [3842:3081]`, `Kernel driver in use: nvidia`, with -v `Flags: … IOMMU group 31`);
 * - the IOMMU-group shell loop (Arch wiki "PCI passthrough via OVMF"): `IOMMU Group N:`
 *   headers with indented `lspci -nns` lines, or one line per device `IOMMU Group N <line>`;
 * - HikariKnight/ls-iommu's `IOMMU Group  31: 0000:0e:00.0 VGA … [0300] …` (no colon after the class).
 * - with `-PP` the device address is its path from the root port, `00:01.1/01:00.0/02:00.0`:
 *   the element before the device is its upstream bridge (the planner's C7 reads it).
 * Names contain brackets (`TU104 [GeForce RTX 2080 SUPER]`): the IDs are the LAST
 * `[vvvv:dddd]` before the optional `(rev xx)` / `(prog-if xx [name])`.
 */
import { groupNumber, hostDevice, normaliseAddress, numberedLines } from './normalise.ts'
import type { HostDevice, UnparsedLine } from './schemas.ts'

const DEVICE =
  /^(?:IOMMU [Gg]roup\s+(\d+):?\s+)?(?:([0-9a-f]{4,8}):)?([0-9a-f]{2}):([01][0-9a-f])\.([0-7])\s+(.*?)\s*\[([0-9a-f]{4})\]:?\s+(.*?)\s*\[([0-9a-f]{4}):([0-9a-f]{4})\](?:\s+\(rev\s+[0-9a-f]{2}\))?(?:\s+\(prog-if\s+[0-9a-f]{2}(?:\s+\[[^\]]*\])?\))?\s*$/i
const STARTS_LIKE_DEVICE =
  /^(?:IOMMU [Gg]roup\s+\d+:?\s+)?(?:[0-9a-f]{4,8}:)?[0-9a-f]{2}:[01][0-9a-f]\.[0-7]\s/i
/** `[dddd:]bb:dd.f/bb:dd.f/…` (lspci -PP) at the start of a line: the device is the last element. */
const PATH =
  /^((?:[0-9a-f]{4,8}:)?)((?:[0-9a-f]{2}:[01][0-9a-f]\.[0-7]\/)+)([0-9a-f]{2}:[01][0-9a-f]\.[0-7])(?=\s)/i
/** lspci -P (one P) prints `00:01.1/00.0`: the bus of the device is missing. */
const SHORT_PATH = /^(?:[0-9a-f]{4,8}:)?[0-9a-f]{2}:[01][0-9a-f]\.[0-7]\/[01][0-9a-f]\.[0-7]/i
const GROUP_HEADER = /^IOMMU [Gg]roup\s+(\d+):?\s*$/
const SUBSYSTEM = /^Subsystem:\s+(.*?)\s*\[([0-9a-f]{4}):([0-9a-f]{4})\]\s*$/i
const DRIVER = /^Kernel driver in use:\s+(\S+)\s*$/
const FLAGS_GROUP = /^Flags:.*\bIOMMU group (\d+)/

export function parseLspciText(
  text: string,
  source: string,
): { devices: HostDevice[]; unparsed: UnparsedLine[] } {
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
    if (SHORT_PATH.test(t)) {
      unparsed.push({ line, text: raw, reason: 'lspci -P paths lack bus numbers: run lspci -PP -nnk' })
      current = undefined
      continue
    }
    const { line: deviceLine, upstream } = splitPath(t)
    if (STARTS_LIKE_DEVICE.test(deviceLine)) {
      const found = deviceOf(deviceLine, source, group)
      if (found && upstream !== null) found.upstreamBridge = upstream
      current = found ?? undefined
      if (found === null) {
        unparsed.push({
          line,
          text: raw,
          reason:
            'PCI domain wider than 4 hex digits (Intel VMD) or group number too large: the catalog cannot hold it',
        })
      } else if (current) {
        if (withDetails) current.subsystem = null
        if (withKernel) current.driver = null
        devices.push(current)
      } else {
        unparsed.push({
          line,
          text: raw,
          reason: /\[[0-9a-f]{4}:[0-9a-f]{4}\]/i.test(t)
            ? 'not an lspci -nn device line'
            : 'no numeric IDs: run lspci with -nn',
        })
      }
      continue
    }
    if (current && /^\s/.test(raw)) {
      detail(current, t)
      continue
    }
    unparsed.push({
      line,
      text: raw,
      reason: /^\s/.test(raw)
        ? 'detail line without a device line above it'
        : 'not an lspci device line or IOMMU group header',
    })
  }
  return { devices, unparsed }
}

/** A -PP line as a plain device line plus the device's upstream bridge (null without a path). */
function splitPath(line: string): { line: string; upstream: string | null } {
  const m = PATH.exec(line)
  if (!m) return { line, upstream: null }
  const [whole, domain = '', parents, device] = m
  const bridges = parents!.split('/').filter(Boolean)
  const dom = domain || '0000:'
  return {
    line: `${dom}${device}${line.slice(whole.length)}`,
    upstream: normaliseAddress(`${dom}${bridges.at(-1)}`),
  }
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
