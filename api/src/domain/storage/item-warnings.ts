/** Warnings on one item's placement, and the reason an item did not fit. */
import type { Catalog } from '../catalog/catalog.ts'
import { findNode } from '../catalog/lookup.ts'
import { hbaSingleCardWarning } from './devices.ts'
import { fmtBytes, type Placement } from './placement.ts'
import type { StorageWarning } from './plan-schemas.ts'
import { PURPOSE_RULES, tierOrder } from './purposes.ts'
import { yearsToTbw } from './rates.ts'
import type { StorageItem } from './schemas.ts'

/** WD's SN770 and SN850X carry a 5-year limited warranty: a drive should outlive it. */
export const ENDURANCE_WARN_YEARS = 5

function redundancyWarnings(catalog: Catalog, item: StorageItem, p: Placement): StorageWarning[] {
  if (item.redundancy !== 'mirror') return []
  const d = p.slot.device
  const w: StorageWarning[] = []
  if (!p.mirror) {
    const why =
      d.diskCount === 1 || d.diskCount === null ? `${d.storageId} is a single drive` : 'the pool has one disk'
    w.push({
      code: 'redundancy-unmet',
      message:
        `Mirror requested but not given: ${why} and no other drive on ${d.node} ` +
        `has ${fmtBytes(item.sizeBytes)} usable free`,
    })
  }
  if (d.attachment === 'hba') {
    const single = hbaSingleCardWarning(findNode(catalog, d.node)!)
    if (single)
      w.push({
        code: 'hba-single-card',
        message: `Disks can be mirrored, the controller path cannot: ${single}`,
      })
  }
  return w
}

function enduranceWarnings(item: StorageItem, p: Placement): StorageWarning[] {
  if (item.dailyWritesBytes === 0) return []
  const drives = [p.slot.device, ...(p.mirror && p.mirror !== p.slot ? [p.mirror.device] : [])]
  return drives.flatMap((d): StorageWarning[] => {
    if (d.enduranceTbw === null)
      return [
        {
          code: 'endurance-unknown',
          message:
            `${d.storageId}: no rated TBW, ` +
            `so the endurance cost of ${fmtBytes(item.dailyWritesBytes)}/day is unknown`,
        },
      ]
    const years = yearsToTbw(d.enduranceTbw, item.dailyWritesBytes)
    return years < ENDURANCE_WARN_YEARS
      ? [
          {
            code: 'endurance-short',
            message:
              `${d.storageId} reaches its ${d.enduranceTbw} TBW in ${years.toFixed(1)} years at this rate, ` +
              `inside the ${ENDURANCE_WARN_YEARS}-year warranty`,
          },
        ]
      : []
  })
}

export function itemWarnings(
  catalog: Catalog,
  item: StorageItem,
  p: Placement | null,
  ranked: Placement['ranked'],
): StorageWarning[] {
  const w: StorageWarning[] = []
  const preferred = tierOrder(item.purpose, item.latencySensitive || item.access === 'random')[0]
  const unknownPreferred = ranked.find((r) => r.candidate.fits === null && r.slot.device.tier === preferred)
  if (unknownPreferred) {
    w.push({
      code: 'capacity-unknown',
      message:
        `${preferred} (${unknownPreferred.candidate.storageId}) is the first choice for a ${item.purpose} ` +
        'but its capacity is unknown; declare the disks (declaredDisks) to plan with it',
    })
  }
  if (!p) return w
  const d = p.slot.device
  if (d.hostOs && PURPOSE_RULES[item.purpose].bulk) {
    w.push({
      code: 'host-os-drive',
      message:
        `${d.storageId} is the host OS/boot drive: fine for caches, ` +
        `but a ${item.purpose} there competes with the host and is at risk on a reinstall`,
    })
  }
  if (item.readers.length > 0 && !item.readers.includes(d.node)) {
    w.push({
      code: 'remote-reader',
      message: `No reader node has room; it lives on ${d.node} and ${item.readers.join(', ')} read it over the network`,
    })
  }
  return [...w, ...redundancyWarnings(catalog, item, p), ...enduranceWarnings(item, p)]
}

export function unplacedReason(item: StorageItem, ranked: Placement['ranked']): string {
  const known = ranked.filter((r) => r.candidate.fits === false)
  const best = known.reduce<(typeof known)[number] | null>(
    (a, r) => (a && (a.candidate.capacityLeftBytes ?? 0) >= (r.candidate.capacityLeftBytes ?? 0) ? a : r),
    null,
  )
  const unknown = ranked.filter((r) => r.candidate.fits === null).map((r) => r.candidate.storageId)
  const parts = [`No device has ${fmtBytes(item.sizeBytes)} usable free`]
  if (best)
    parts.push(
      `the most room left is ${fmtBytes(Math.max(best.candidate.capacityLeftBytes ?? 0, 0))} ` +
        `on ${best.candidate.node}:${best.candidate.storageId}`,
    )
  if (unknown.length > 0)
    parts.push(`capacity unknown on ${unknown.join(', ')} (declare the disks to plan with them)`)
  return parts.join('; ')
}
