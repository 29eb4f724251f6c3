/**
 * What a node's pages show, as plain data: the route list (one page per node in data/), the
 * device table rows, storage with its drive model, NICs with their speed, and the IOMMU groups
 * with their members. Pure functions of the catalog, so a fixture node can be rendered in tests.
 */
import type { Catalog } from '../../../api/src/domain/catalog/catalog.ts'
import { groupMembers } from '../../../api/src/domain/catalog/lookup.ts'
import type { NodeRecord, PciDevice } from '../../../api/src/domain/catalog/schemas.ts'
import { formatCapacity, formatMbps } from './format.ts'

/** getStaticPaths() for every per-node route. */
export function nodePaths(catalog: Catalog) {
  return catalog.nodes.map((node) => ({ params: { node: node.id }, props: { nodeId: node.id } }))
}

export function requireNode(catalog: Catalog, id: string): NodeRecord {
  const node = catalog.nodes.find((n) => n.id === id)
  if (!node) throw new Error(`site: no node "${id}" in data/nodes`)
  return node
}

/** Devices in the order people read lspci: by address, unaddressed last. */
export function sortedDevices(node: NodeRecord): PciDevice[] {
  return [...node.devices].sort((a, b) => (a.address ?? '~').localeCompare(b.address ?? '~'))
}

export interface StorageRow {
  id: string
  label: string
  controller: string
  attachment: string
  capacity: string
  drive: string
  readMBps: number | null
  hostUse: string[]
  notes: string[]
  provenance: NodeRecord['storage'][number]['provenance']
}

export function storageRows(node: NodeRecord, catalog: Catalog): StorageRow[] {
  return node.storage.map((s) => {
    const model = catalog.driveModels.find((m) => m.slug === s.driveModel)
    return {
      id: s.id,
      label: s.label,
      controller: s.controller,
      attachment: s.attachment,
      capacity: formatCapacity(s.capacityBytes),
      drive: model?.name ?? 'unknown',
      readMBps: model?.sequentialReadMBps ?? null,
      hostUse: s.hostUse,
      notes: s.notes,
      provenance: s.provenance,
    }
  })
}

export function nicRows(node: NodeRecord, catalog: Catalog) {
  return node.networkInterfaces.map((n) => {
    const model = catalog.nicModels.find((m) => m.slug === n.nicModel)
    return {
      ...n,
      model: model?.name ?? n.nicModel,
      medium: model?.medium ?? 'unknown',
      speed: model ? formatMbps(model.speedMbps) : 'unknown',
    }
  })
}

export interface GroupView {
  id: number
  members: PciDevice[]
  notes: string[]
  provenance: NodeRecord['iommuGroups'][number]['provenance']
}

/** Every IOMMU group of a node with its member devices, by group number. */
export function iommuGroups(node: NodeRecord): GroupView[] {
  return [...node.iommuGroups]
    .sort((a, b) => a.id - b.id)
    .map((g) => ({ id: g.id, members: groupMembers(node, g.id), notes: g.notes, provenance: g.provenance }))
}

/**
 * What people pass through, first: GPUs, then HBAs, NVMe drives, NICs and USB controllers;
 * PCIe switch ports (bridges, never a passthrough target) last. Ties keep the group order.
 */
const CANDIDATE_RANK: Partial<Record<PciDevice['role'], number>> = {
  gpu: 0,
  'sas-hba': 1,
  nvme: 2,
  ethernet: 3,
  wifi: 3,
  'usb-controller': 4,
  'pcie-switch-port': 9,
}
const OTHER_RANK = 5

function groupRank(g: GroupView): number {
  return Math.min(OTHER_RANK + 1, ...g.members.map((d) => CANDIDATE_RANK[d.role] ?? OTHER_RANK))
}

export function candidatesFirst(groups: GroupView[]): GroupView[] {
  return [...groups].sort((a, b) => groupRank(a) - groupRank(b) || a.id - b.id)
}

/** Headline numbers for the node's summary line. */
export function nodeCounts(node: NodeRecord) {
  return {
    devices: node.devices.length,
    groups: node.iommuGroups.length,
    gpus: node.devices.filter((d) => d.role === 'gpu').length,
    drives: node.storage.length,
    nics: node.networkInterfaces.length,
  }
}
