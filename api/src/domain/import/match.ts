/**
 * Which catalog record each host device is. Records are matched by address; a record the
 * seed gave without an address (the PLX switch ports on CARAXES) is matched by
 * vendor:device and IOMMU group, the two facts it does carry, when exactly one host device fits.
 */
import type { NodeRecord } from '../catalog/schemas.ts'
import type { HostDevice } from './schemas.ts'

/** host address → index of the node's device record. */
export function matchDevices(node: NodeRecord, host: readonly HostDevice[]): Map<string, number> {
  const matches = new Map<string, number>()
  const byAddress = new Map(
    node.devices.flatMap((d, i) => (d.address === null ? [] : [[d.address, i] as const])),
  )
  for (const h of host) {
    const i = byAddress.get(h.address)
    if (i !== undefined) matches.set(h.address, i)
  }
  node.devices.forEach((record, i) => {
    if (record.address !== null) return
    const fits = host.filter(
      (h) =>
        !matches.has(h.address) &&
        !byAddress.has(h.address) &&
        h.vendorDevice === record.vendorDevice &&
        h.iommuGroup === record.iommuGroup,
    )
    if (fits.length === 1) matches.set(fits[0]!.address, i)
  })
  return matches
}
