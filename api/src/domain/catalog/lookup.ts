import type { Catalog } from './catalog.ts'
import type { NodeRecord, PciDevice } from './schemas.ts'

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

/** The normalised text of a query: `0000:0e:00.0`, or `0000:0e:00` for a whole slot. */
export function formatAddress(query: AddressQuery): string {
  return query.fn === null ? query.slot : `${query.slot}.${query.fn}`
}

export function findNode(catalog: Catalog, id: string): NodeRecord | undefined {
  return catalog.nodes.find((n) => n.id === id.toLowerCase())
}

/** The devices an address query names on a node (several for a whole slot), sorted by address. */
export function devicesAt(node: NodeRecord, query: AddressQuery): PciDevice[] {
  return node.devices
    .filter((d) => d.address !== null && d.address.startsWith(`${query.slot}.`))
    .filter((d) => query.fn === null || d.address === `${query.slot}.${query.fn}`)
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
