/**
 * POST /api/v1/plan/storage-tier: places items onto the lab's storage tiers (greedy, see
 * PLACEMENT_ORDER) and answers, per item, the device, ranked alternatives with reasons, the
 * room left, load and copy times with their bottlenecks, the endurance cost and the warnings.
 */
import type { Catalog } from '../catalog/catalog.ts'
import { TIER_RULES, resolveDevices } from './devices.ts'
import { collectDeclaredDisks } from './declared.ts'
import { itemWarnings, unplacedReason } from './item-warnings.ts'
import { copyTimes, enduranceOf, loadTimes } from './item-times.ts'
import { PLACEMENT_ORDER, placeItem, placementOrder, type Placement, type Slot } from './placement.ts'
import type { DeviceUsage, StorageItemPlan, StoragePlan } from './plan-schemas.ts'
import { PURPOSE_RULES } from './purposes.ts'
import { FREE_SPACE_RESERVE, TCP_EFFICIENCY, yearsToTbw } from './rates.ts'
import { PCIE_LANE_MBPS, round } from '../catalog/units.ts'
import type { StorageItem, StoragePlanRequest } from './schemas.ts'
import { groupTiers } from './tiers.ts'
import { requireNode } from '../catalog/lookup.ts'

/** A PCIe lane's rate for answer text, 4 significant digits: 984.6, 1,969. */
const laneMBps = (generation: number) =>
  PCIE_LANE_MBPS[generation]!.toLocaleString('en-US', { maximumSignificantDigits: 4 })

const ASSUMPTIONS = [
  `Usable capacity = capacity × ${1 - FREE_SPACE_RESERVE} (${FREE_SPACE_RESERVE * 100} % kept free: ` +
    'OpenZFS "Workload Tuning → Free Space"; SSDs write-amplify as they fill)',
  "Rates are datasheet sequential MB/s (decimal) and random IOPS; sustained writes past an SSD's SLC cache " +
    'are slower',
  'Load time = size / min(drive read, drive PCIe link, [network,] GPU PCIe link for model files); ' +
    `PCIe per lane: Gen 3 ${laneMBps(3)} MB/s, Gen 4 ${laneMBps(4)} MB/s (128b/130b)`,
  `Copy time = size / min(source read, link Mbps / 8 × ${TCP_EFFICIENCY} TCP efficiency, destination write); ` +
    'unknown rates are left out and listed',
  'Endurance: years = TBW × 10^12 / (daily host writes × 365); write amplification not modelled; ' +
    'a mirror writes every byte to both drives',
  'HBA disks are assumed to be hard disks (the seed calls them mass storage): ' +
    'random or latency-sensitive items rank them last',
  'Declared HBA disks form one pool: capacity and sequential rates = count × per disk (striped, best case); ' +
    'a mirror inside the pool costs twice the size',
]

/** Every reader must be a known node; a 404 names the one that is not. */
function checkReaders(catalog: Catalog, items: readonly StorageItem[]): StorageItem[] {
  return items.map((item, i) => ({
    ...item,
    readers: item.readers.map((r, j) => requireNode(catalog, r, `/items/${i}/readers/${j}`).id),
  }))
}

function itemPlan(
  catalog: Catalog,
  item: StorageItem,
  order: number,
  placed: Placement | null,
  ranked: Placement['ranked'],
  slots: Slot[],
): StorageItemPlan {
  const first = placed ? ranked.find((r) => r.slot === placed.slot)! : null
  const ref = (s: Slot) => ({
    node: s.device.node,
    storageId: s.device.storageId,
    label: s.device.label,
    tier: s.device.tier,
  })
  const devices = slots.map((s) => s.device)
  return {
    name: item.name,
    purpose: item.purpose,
    sizeBytes: item.sizeBytes,
    placementOrder: order,
    verdict: placed ? 'placed' : 'does-not-fit',
    recommended: placed
      ? {
          ...ref(placed.slot),
          reason: `${first!.candidate.reason}. Why this tier order: ${PURPOSE_RULES[item.purpose].why}`,
          capacityLeftBytes: placed.slot.usableBytes! - placed.slot.placedBytes,
          mirror: placed.mirror ? ref(placed.mirror) : null,
        }
      : null,
    alternatives: ranked.filter((r) => r !== first).map((r, i) => ({ ...r.candidate, rank: i + 1 })),
    whyNot: placed ? null : unplacedReason(item, ranked),
    loadTimes: placed ? loadTimes(catalog, item, placed.slot.device) : [],
    copyTimes: placed ? copyTimes(catalog, item, placed.slot.device, devices) : [],
    endurance: placed ? enduranceOf(item, placed) : [],
    warnings: itemWarnings(catalog, item, placed, ranked),
  }
}

function usageOf(s: Slot): DeviceUsage {
  const tbw = s.device.enduranceTbw
  return {
    node: s.device.node,
    storageId: s.device.storageId,
    label: s.device.label,
    tier: s.device.tier,
    usableBytes: s.usableBytes,
    placedBytes: s.placedBytes,
    leftBytes: s.usableBytes === null ? null : s.usableBytes - s.placedBytes,
    items: s.items,
    dailyWritesBytes: s.dailyWritesBytes,
    yearsToTbw: tbw !== null && s.dailyWritesBytes > 0 ? round(yearsToTbw(tbw, s.dailyWritesBytes), 2) : null,
  }
}

export function planStorageTier(request: StoragePlanRequest, catalog: Catalog): StoragePlan {
  const declared = collectDeclaredDisks(catalog, request)
  const items = checkReaders(catalog, request.items)
  const devices = resolveDevices(catalog, undefined, declared)
  const slots: Slot[] = devices.map((device) => ({
    device,
    usableBytes: device.usableBytes,
    placedBytes: 0,
    items: [],
    dailyWritesBytes: 0,
  }))
  const results = new Array<StorageItemPlan>(items.length)
  placementOrder(items).forEach((index, n) => {
    const item = items[index]!
    const { placement, ranked } = placeItem(item, slots)
    results[index] = itemPlan(catalog, item, n + 1, placement, ranked, slots)
  })
  return {
    order: PLACEMENT_ORDER,
    items: results,
    unplaced: results
      .filter((r) => r.verdict === 'does-not-fit')
      .map((r) => ({ name: r.name, reason: r.whyNot! })),
    devices: slots.map(usageOf),
    tiers: groupTiers(devices),
    rules: TIER_RULES,
    assumptions: ASSUMPTIONS,
  }
}
