/**
 * Greedy placement of items onto devices without overfilling any. Items go in PLACEMENT_ORDER;
 * each takes its best-ranked device that has room (capacity known and ≥ its size), and a
 * second device on the same node when it asks for a mirror.
 */
import type { PurposeRule } from './purposes.ts'
import { PURPOSE_RULES, tierOrder } from './purposes.ts'
import type { StorageCandidate } from './plan-schemas.ts'
import type { StorageItem, StorageTierDevice } from './schemas.ts'

export const PLACEMENT_ORDER =
  'latency-sensitive items first (fewest good homes), then mirrored items (they need two drives), ' +
  'then largest first; ties keep request order'

export interface Slot {
  device: StorageTierDevice
  /** null = capacity unknown: never placed onto. */
  usableBytes: number | null
  placedBytes: number
  items: string[]
  dailyWritesBytes: number
}

export interface Placement {
  slot: Slot
  mirror: Slot | null
  /** Bytes the item takes from `slot` (twice its size for a mirror inside one multi-disk pool). */
  bytesOnSlot: number
  ranked: { slot: Slot; candidate: StorageCandidate }[]
}

export function fmtBytes(n: number): string {
  const [unit, div] =
    n >= 1e12 ? ['TB', 1e12] : n >= 1e9 ? ['GB', 1e9] : n >= 1e6 ? ['MB', 1e6] : ['bytes', 1]
  return `${Number((n / div).toPrecision(3))} ${unit}`
}

export const randomOrLatency = (item: StorageItem) => item.latencySensitive || item.access === 'random'

/** Indices of `items` in placement order. */
export function placementOrder(items: readonly StorageItem[]): number[] {
  const key = (it: StorageItem) => [
    it.latencySensitive ? 0 : 1,
    it.redundancy === 'mirror' ? 0 : 1,
    -it.sizeBytes,
  ]
  return items
    .map((it, i) => ({ k: key(it), i }))
    .sort((a, b) => a.k[0]! - b.k[0]! || a.k[1]! - b.k[1]! || a.k[2]! - b.k[2]! || a.i - b.i)
    .map((x) => x.i)
}

/** A mirror inside one declared pool of ≥ 2 disks costs the pool twice the size. */
function poolMirror(item: StorageItem, d: StorageTierDevice): boolean {
  return item.redundancy === 'mirror' && (d.diskCount ?? 1) >= 2
}

export function bytesNeeded(item: StorageItem, d: StorageTierDevice): number {
  return poolMirror(item, d) ? item.sizeBytes * 2 : item.sizeBytes
}

const left = (s: Slot) => (s.usableBytes === null ? null : s.usableBytes - s.placedBytes)

/**
 * The drive's rate for the item's access pattern (IOPS when random or latency-sensitive, else
 * MB/s) and read/write mix: a time-weighted (harmonic) mean of the read and write rates, since
 * each byte read or written takes 1/rate. Without readPercent the item is read-only. -1 when a
 * rate it needs is unknown, so such drives rank last.
 */
export function perfOf(item: StorageItem, d: StorageTierDevice): number {
  const random = randomOrLatency(item)
  const read = random ? d.randomReadIops : d.sequentialReadMBps
  const write = random ? d.randomWriteIops : d.sequentialWriteMBps
  const reads = (item.readPercent ?? 100) / 100
  if (read === null || (reads < 1 && write === null)) return -1
  return reads === 1 ? read : 1 / (reads / read + (1 - reads) / write!)
}

function reasonOf(
  item: StorageItem,
  s: Slot,
  rule: PurposeRule,
  order: string[],
  fits: boolean | null,
  isLocal: boolean,
): string {
  const d = s.device
  const need = bytesNeeded(item, d)
  const room = left(s)
  const parts = [
    fits === null
      ? 'capacity unknown (no disks catalogued behind the HBA): declare them with declaredDisks to plan here'
      : fits
        ? `fits, ${fmtBytes(room! - need)} usable left after`
        : `does not fit: needs ${fmtBytes(need)}, ${fmtBytes(Math.max(room!, 0))} usable left`,
    `${d.tier} is choice ${order.indexOf(d.tier) + 1} of ${order.length} for a ${item.purpose}`,
    randomOrLatency(item)
      ? d.randomReadIops === null
        ? 'random IOPS unknown'
        : `${d.randomReadIops.toLocaleString('en-US')} random read IOPS`
      : d.sequentialReadMBps === null
        ? 'read rate unknown'
        : `${d.sequentialReadMBps} MB/s sequential read`,
  ]
  const mixed = perfOf(item, d)
  if (item.readPercent !== undefined && item.readPercent < 100 && mixed >= 0) {
    const unit = randomOrLatency(item) ? 'IOPS' : 'MB/s'
    parts.push(`${Math.round(mixed).toLocaleString('en-US')} ${unit} at ${item.readPercent} % reads`)
  }
  if (!isLocal)
    parts.push(`remote: on ${d.node}, its readers (${item.readers.join(', ')}) reach it over the network`)
  if (d.hostOs && rule.bulk) parts.push('host OS/boot drive: bulk data here is warned')
  return parts.join('; ')
}

/** Every device ranked for one item: fits, local to a reader, not bulk-on-OS-drive, tier preference, speed, room. */
export function rankSlots(item: StorageItem, slots: Slot[]): Placement['ranked'] {
  const rule = PURPOSE_RULES[item.purpose]
  const order = tierOrder(item.purpose, randomOrLatency(item))
  const scored = slots.map((slot) => {
    const room = left(slot)
    const fits = room === null ? null : room >= bytesNeeded(item, slot.device)
    const isLocal = item.readers.length === 0 || item.readers.includes(slot.device.node)
    const key = [
      fits === true ? 0 : fits === null ? 1 : 2,
      isLocal ? 0 : 1,
      slot.device.hostOs && rule.bulk ? 1 : 0,
      order.indexOf(slot.device.tier),
      -perfOf(item, slot.device),
      -(room ?? 0),
    ]
    return { slot, fits, key, reason: reasonOf(item, slot, rule, order, fits, isLocal) }
  })
  scored.sort((a, b) => a.key.reduce((acc, v, i) => acc || v - b.key[i]!, 0))
  return scored.map((s, i) => ({
    slot: s.slot,
    candidate: {
      node: s.slot.device.node,
      storageId: s.slot.device.storageId,
      label: s.slot.device.label,
      tier: s.slot.device.tier,
      rank: i + 1,
      fits: s.fits,
      capacityLeftBytes: s.fits
        ? left(s.slot)! - bytesNeeded(item, s.slot.device)
        : s.fits === false
          ? left(s.slot)
          : null,
      reason: s.reason,
    },
  }))
}

/** Places one item (mutating the slots it lands on), or returns null when nothing has room. */
export function placeItem(
  item: StorageItem,
  slots: Slot[],
): { placement: Placement | null; ranked: Placement['ranked'] } {
  const ranked = rankSlots(item, slots)
  const first = ranked.find((r) => r.candidate.fits === true)
  if (!first) return { placement: null, ranked }
  const slot = first.slot
  const inPool = poolMirror(item, slot.device)
  const mirror =
    item.redundancy === 'mirror' && !inPool
      ? (ranked.find(
          (r) => r.slot !== slot && r.candidate.fits === true && r.slot.device.node === slot.device.node,
        )?.slot ?? null)
      : inPool
        ? slot
        : null
  const bytesOnSlot = bytesNeeded(item, slot.device)
  for (const s of new Set([slot, mirror].filter((x): x is Slot => x !== null))) {
    s.placedBytes += s === slot ? bytesOnSlot : item.sizeBytes
    s.items.push(item.name)
    s.dailyWritesBytes += item.dailyWritesBytes * (s === slot && inPool ? 2 : 1)
  }
  return { placement: { slot, mirror, bytesOnSlot, ranked }, ranked }
}
