import { PlanInputError } from '../plan-input-error.ts'
import type { Catalog } from './catalog.ts'
import type { GpuModel, IommuGroupRecord, NodeRecord, PciDevice } from './schemas.ts'

/** A parsed address query: one function (`0e:00.0`) or every function of a slot (`0e:00`). */
export interface AddressQuery {
  /** Normalised `dddd:bb:dd`. */
  slot: string
  /** null = all functions of the slot, as Proxmox's `hostpci` reads an address without `.f`. */
  fn: number | null
}

const ADDRESS = /^(?:([0-9a-f]{4}):)?([0-9a-f]{2}):([01][0-9a-f])(?:\.([0-7]))?$/

/**
 * Parses `0e:00.0`, `0000:0e:00.0` or `0e:00` (any case) the way Proxmox normalises PCI ids:
 * the domain defaults to 0000. Returns null for anything else.
 */
export function parseAddress(text: string): AddressQuery | null {
  const m = ADDRESS.exec(text.trim().toLowerCase())
  if (!m) return null
  const [, domain = '0000', bus, device, fn] = m
  return { slot: `${domain}:${bus}:${device}`, fn: fn === undefined ? null : Number(fn) }
}

/** The slot `dddd:bb:dd` of a device's normalised address (`dddd:bb:dd.f`); null without an address. */
export function slotOf(d: { address: string }): string
export function slotOf(d: { address: string | null }): string | null
export function slotOf(d: { address: string | null }): string | null {
  return d.address?.slice(0, -2) ?? null
}

/** The normalised text of a query: `0000:0e:00.0`, or `0000:0e:00` for a whole slot. */
export function formatAddress(query: AddressQuery): string {
  return query.fn === null ? query.slot : `${query.slot}.${query.fn}`
}

export function findNode(catalog: Catalog, id: string): NodeRecord | undefined {
  return catalog.nodes.find((n) => n.id === id.toLowerCase())
}

/** The node a request names, or a not-found error that lists the nodes that exist. */
export function requireNode(catalog: Catalog, id: string, pointer = '/node'): NodeRecord {
  const node = findNode(catalog, id)
  if (node) return node
  const known = catalog.nodes.map((n) => n.id)
  const hint = nearest(id, known, 1)[0]
  throw new PlanInputError(
    'not-found',
    pointer,
    `No node "${id}". Known nodes: ${known.join(', ')}${hint ? ` (did you mean "${hint}"?)` : ''}.`,
  )
}

/** The IOMMU group record of a node, or a not-found error that lists the node's groups. */
export function requireGroup(node: NodeRecord, groupId: number, pointer = '/group'): IommuGroupRecord {
  const group = node.iommuGroups.find((g) => g.id === groupId)
  if (group) return group
  const known = node.iommuGroups.map((g) => g.id).sort((a, b) => a - b)
  throw new PlanInputError(
    'not-found',
    pointer,
    `No IOMMU group ${groupId} on ${node.id}. Its groups: ${known.join(', ')}.`,
  )
}

export const ADDRESS_HINT = 'expected a PCI address: 0e:00.0, 0000:0e:00.0, or 0e:00 for all functions'

/**
 * The devices a PCI address names on a node (every function of a slot for `0e:00`), or an
 * error: invalid for text that is no address, not-found (with the nearest addresses) for one
 * the node does not have.
 */
export function requireDevicesAt(
  node: NodeRecord,
  text: string,
  pointer: string,
): { query: AddressQuery; devices: PciDevice[] } {
  const query = parseAddress(text)
  if (!query) throw new PlanInputError('invalid', pointer, `"${text}" is not a PCI address: ${ADDRESS_HINT}.`)
  const devices = devicesAt(node, query)
  if (devices.length > 0) return { query, devices }
  const address = formatAddress(query)
  const known = node.devices.flatMap((d) => (d.address ? [d.address] : []))
  const close = nearest(query.fn === null ? `${query.slot}.0` : address, known)
  throw new PlanInputError(
    'not-found',
    pointer,
    `No device at ${address} on ${node.id}. Nearest addresses: ${close.join(', ')}.`,
  )
}

/** The devices an address query names on a node (several for a whole slot), sorted by address. */
export function devicesAt(node: NodeRecord, query: AddressQuery): PciDevice[] {
  return node.devices
    .filter((d) => d.address !== null && d.address.startsWith(`${query.slot}.`))
    .filter((d) => query.fn === null || d.address === `${query.slot}.${query.fn}`)
}

/** The GPU reference model of a device, or undefined when it is no GPU or has no model. */
export function gpuModelOf(catalog: Catalog, device: PciDevice): GpuModel | undefined {
  return device.role === 'gpu' ? catalog.gpuModels.find((m) => m.slug === device.hardwareModel) : undefined
}

/** Devices in one IOMMU group of a node. */
export function groupMembers(node: NodeRecord, groupId: number): PciDevice[] {
  return node.devices.filter((d) => d.iommuGroup === groupId)
}

/**
 * The candidates closest to `wanted`, for "did you mean" answers: smallest edit distance
 * first, at most `limit`.
 */
export function nearest(wanted: string, candidates: readonly string[], limit = 3): string[] {
  return [...new Set(candidates)]
    .map((c) => ({ c, d: editDistance(wanted.toLowerCase(), c.toLowerCase()) }))
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, limit)
    .map((x) => x.c)
}

/** Levenshtein distance, two rows at a time. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    prev = row
  }
  return prev[b.length]!
}
