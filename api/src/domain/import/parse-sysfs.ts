/**
 * `find /sys/kernel/iommu_groups/ -type l` (or `ls -d /sys/kernel/iommu_groups/*\/devices/*`):
 * one symlink per device, `/sys/kernel/iommu_groups/<group>/devices/<bdf>` (kernel
 * Documentation/ABI/testing/sysfs-kernel-iommu_groups; docs/research/host-formats.md).
 * It carries only the address and the group.
 */
import { groupNumber, hostDevice, normaliseAddress, numberedLines } from './normalise.ts'
import type { HostDevice, UnparsedLine } from './schemas.ts'

const LINK = /^\/sys\/kernel\/iommu_groups\/(\d+)\/devices\/([0-9a-f:.]+)\/?$/i
// What `find` prints without -type l: the group folders and their files. Not devices, not errors.
const GROUP_ENTRY = /^\/sys\/kernel\/iommu_groups(?:\/\d+(?:\/(?:devices|type|reserved_regions))?)?\/?$/

export function parseSysfs(
  text: string,
  source: string,
): { devices: HostDevice[]; unparsed: UnparsedLine[] } {
  const devices: HostDevice[] = []
  const unparsed: UnparsedLine[] = []
  for (const { line, text: raw } of numberedLines(text)) {
    const t = raw.trim()
    if (t === '' || GROUP_ENTRY.test(t)) continue
    const m = LINK.exec(t)
    const address = m ? normaliseAddress(m[2]!) : null
    const group = groupNumber(m?.[1])
    if (!m || address === null || group === null) {
      unparsed.push({ line, text: raw, reason: 'not /sys/kernel/iommu_groups/<N>/devices/<dddd:bb:dd.f>' })
      continue
    }
    const d = hostDevice(address, source)
    d.iommuGroup = group
    devices.push(d)
  }
  return { devices, unparsed }
}
