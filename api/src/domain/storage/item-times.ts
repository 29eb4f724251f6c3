/** Load time per reader, copy time to each other node and endurance cost of one placed item. */
import type { Catalog } from '../catalog/catalog.ts'
import { findNode } from '../catalog/lookup.ts'
import { linkBetween } from '../catalog/network.ts'
import { loadFromDevice, networkStage, nodeGpu } from './load.ts'
import type { Placement } from './placement.ts'
import type { CopyTime, EnduranceCost, LoadTime } from './plan-schemas.ts'
import { PURPOSE_RULES } from './purposes.ts'
import { yearsToTbw } from './rates.ts'
import { round } from '../catalog/units.ts'
import type { Bottleneck, StorageItem, StorageTierDevice } from './schemas.ts'
import { toLabLink, transferBetween } from './transfer.ts'

/** The network stage between the device's node and a reader, or a reason it is missing. */
function readerNetwork(catalog: Catalog, from: string, to: string): Bottleneck | string | null {
  if (from === to) return null
  const link = linkBetween(catalog, from, to)
  if (!link) return `no catalogued link joins ${from} and ${to}`
  return networkStage(toLabLink(catalog, link))
}

/** Reading the whole item once, by each reader (the device's own node when none is named). */
export function loadTimes(catalog: Catalog, item: StorageItem, device: StorageTierDevice): LoadTime[] {
  const readers = item.readers.length > 0 ? item.readers : [device.node]
  return readers.map((reader) => {
    const node = findNode(catalog, reader)!
    const gpu = PURPOSE_RULES[item.purpose].loadsIntoGpu ? nodeGpu(catalog, node) : null
    const sink = gpu
      ? { sink: 'gpu' as const, sinkName: gpu.name }
      : { sink: 'host-memory' as const, sinkName: `${node.name} host memory` }
    const net = readerNetwork(catalog, device.node, reader)
    if (typeof net === 'string')
      return { reader, ...sink, seconds: null, bottleneck: null, stages: [], reason: net }
    const load = loadFromDevice(device, item.sizeBytes, gpu, net)
    if (!load)
      return {
        reader,
        ...sink,
        seconds: null,
        bottleneck: null,
        stages: [],
        reason: `read rate of ${device.storageId} unknown`,
      }
    return {
      reader,
      ...sink,
      seconds: load.seconds,
      bottleneck: load.bottleneck,
      stages: load.stages,
      reason: null,
    }
  })
}

/** Copying the item from its device to every other node of the lab. */
export function copyTimes(
  catalog: Catalog,
  item: StorageItem,
  device: StorageTierDevice,
  devices: StorageTierDevice[],
): CopyTime[] {
  const sourceNode = findNode(catalog, device.node)!
  const from = { node: sourceNode, device, devices: devices.filter((d) => d.node === device.node) }
  return catalog.nodes
    .filter((n) => n.id !== device.node)
    .map((n) => {
      const plan = transferBetween(
        catalog,
        from,
        { node: n, device: null, devices: devices.filter((d) => d.node === n.id) },
        item.sizeBytes,
      )
      return {
        toNode: n.id,
        seconds: plan.seconds,
        rawLinkSeconds: plan.rawLinkSeconds,
        bottleneck: plan.bottleneck,
        link: plan.link?.id ?? null,
        unknowns: plan.unknowns,
      }
    })
}

function enduranceOn(item: StorageItem, d: StorageTierDevice, copies: number): EnduranceCost {
  const daily = item.dailyWritesBytes * copies
  const base = { node: d.node, storageId: d.storageId, dailyWritesBytes: daily, enduranceTbw: d.enduranceTbw }
  if (daily === 0)
    return { ...base, yearsToTbw: null, reason: 'no daily writes stated: the item consumes no endurance' }
  if (d.enduranceTbw === null) {
    const why = d.driveName
      ? `${d.driveName} has no published TBW rating (catalog enduranceTbw null)`
      : 'disk model unknown, so no TBW rating'
    return { ...base, yearsToTbw: null, reason: why }
  }
  return { ...base, yearsToTbw: round(yearsToTbw(d.enduranceTbw, daily), 2), reason: null }
}

/** Endurance on each drive the item writes: both halves of a mirror; twice the writes inside one pool. */
export function enduranceOf(item: StorageItem, p: Placement): EnduranceCost[] {
  const inPool = p.mirror === p.slot
  const costs = [enduranceOn(item, p.slot.device, inPool ? 2 : 1)]
  if (p.mirror && !inPool) costs.push(enduranceOn(item, p.mirror.device, 1))
  return costs
}
