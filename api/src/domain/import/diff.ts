/**
 * Drift between a host's output and the catalog (rule C27 inventory-drift,
 * docs/research/passthrough-rules.md): devices added or gone, the compared fields that differ, and
 * IOMMU groups whose members changed.
 * Only facts the host reports are compared: a format without drivers says nothing about them.
 */
import type { NodeRecord } from '../catalog/schemas.ts'
import { matchDevices } from './match.ts'
import { COMPARED_FIELDS, type FieldChange, type HostDevice, type ImportDiff } from './schemas.ts'

export function diffHost(node: NodeRecord | null, host: readonly HostDevice[]): ImportDiff {
  const hostGroups = groupsOf(host.map((h) => [h.address, h.iommuGroup]))
  if (node === null) {
    return {
      nodeAdded: true,
      devices: { added: [...host], removedFromHost: [], changed: [], unchanged: 0 },
      groups: { added: [...hostGroups.keys()].sort((a, b) => a - b), removedFromHost: [], changed: [] },
    }
  }
  const matches = matchDevices(node, host)
  const matchedRecords = new Set(matches.values())
  const devices: ImportDiff['devices'] = { added: [], removedFromHost: [], changed: [], unchanged: 0 }
  for (const h of host) {
    const i = matches.get(h.address)
    if (i === undefined) {
      devices.added.push(h)
      continue
    }
    const record = node.devices[i]!
    const changes = fieldChanges(record, h)
    if (changes.length === 0) devices.unchanged++
    else devices.changed.push({ address: h.address, label: record.label, changes })
  }
  node.devices.forEach((d, i) => {
    if (!matchedRecords.has(i))
      devices.removedFromHost.push({ address: d.address, label: d.label, vendorDevice: d.vendorDevice })
  })
  return { nodeAdded: false, devices, groups: diffGroups(node, matches, hostGroups) }
}

/** The compared fields the host reports and the record holds differently. */
export function fieldChanges(record: NodeRecord['devices'][number], h: HostDevice): FieldChange[] {
  const changes: FieldChange[] = []
  if (record.address === null) changes.push({ field: 'address', catalog: null, host: h.address })
  for (const field of COMPARED_FIELDS) {
    const value = h[field]
    if (value !== undefined && value !== record[field])
      changes.push({ field, catalog: record[field], host: value })
  }
  return changes
}

function diffGroups(
  node: NodeRecord,
  matches: Map<string, number>,
  hostGroups: Map<number, string[]>,
): ImportDiff['groups'] {
  const groups: ImportDiff['groups'] = { added: [], removedFromHost: [], changed: [] }
  // A host output without groups (lspci -nnk alone) says nothing about them.
  if (hostGroups.size === 0) return groups
  const hostAddressOf = new Map([...matches].map(([address, i]) => [i, address]))
  const catalogGroups = groupsOf(
    node.devices.map((d, i) => [d.address ?? hostAddressOf.get(i) ?? `(${d.label})`, d.iommuGroup]),
  )
  for (const id of [...hostGroups.keys()].sort((a, b) => a - b)) {
    if (!node.iommuGroups.some((g) => g.id === id)) groups.added.push(id)
  }
  for (const { id } of node.iommuGroups) {
    const hostMembers = hostGroups.get(id)
    const catalogMembers = catalogGroups.get(id) ?? []
    if (hostMembers === undefined) groups.removedFromHost.push(id)
    else if (hostMembers.join() !== catalogMembers.join())
      groups.changed.push({ id, catalogMembers, hostMembers })
  }
  return groups
}

/** group id → sorted member addresses; devices without a group (or group -1) are left out. */
function groupsOf(pairs: [string, number | undefined][]): Map<number, string[]> {
  const groups = new Map<number, string[]>()
  for (const [address, group] of pairs) {
    if (group === undefined || group < 0) continue
    groups.set(group, [...(groups.get(group) ?? []), address].sort())
  }
  return groups
}
