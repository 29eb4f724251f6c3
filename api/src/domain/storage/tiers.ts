/**
 * The storage tiers of the lab, derived from the catalog: each drive joins a tier by the rules
 * in TIER_RULES; a tier reports its devices, capacity (unknown stays unknown), slowest-member
 * throughput and endurance, and the purposes it suits.
 */
import type { Catalog } from '../catalog/catalog.ts'
import { requireNode } from '../catalog/lookup.ts'
import { TIER_RULES, hbaSingleCardWarning, resolveDevices } from './devices.ts'
import { purposesSuiting } from './purposes.ts'
import type { StorageTier, StorageTierDevice, StorageTiersAnswer, TierId } from './schemas.ts'

const TIER_LABELS: Record<TierId, string> = {
  'nvme-fast': 'Fast NVMe (model loading, caches, VM disks)',
  'nvme-capacity': 'Capacity NVMe (model repositories)',
  'nvme-standard': 'Standard NVMe (caches; host OS drives)',
  'hba-mass': 'HBA mass storage (datasets, backups)',
}

/** Display order: fastest first. Membership order is TIER_RULES'. */
const DISPLAY_ORDER: TierId[] = ['nvme-fast', 'nvme-capacity', 'nvme-standard', 'hba-mass']

/** The smallest value over devices, or null when any is unknown. */
function slowest(devices: StorageTierDevice[], pick: (d: StorageTierDevice) => number | null): number | null {
  const values = devices.map(pick)
  return values.some((v) => v === null) ? null : Math.min(...(values as number[]))
}

function sumKnown(
  devices: StorageTierDevice[],
  pick: (d: StorageTierDevice) => number | null,
): number | null {
  const known = devices.map(pick).filter((v): v is number => v !== null)
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0)
}

export function summariseTier(id: TierId, devices: StorageTierDevice[]): StorageTier {
  const unknown = devices.filter((d) => d.capacityBytes === null).length
  return {
    id,
    label: TIER_LABELS[id],
    rule: TIER_RULES.find((r) => r.tier === id)!.rule,
    suits: purposesSuiting(id),
    devices,
    capacityStatus: unknown === 0 ? 'known' : unknown === devices.length ? 'unknown' : 'partial',
    capacityBytes: sumKnown(devices, (d) => d.capacityBytes),
    usableBytes: sumKnown(devices, (d) => d.usableBytes),
    sequentialReadMBps: slowest(devices, (d) => d.sequentialReadMBps),
    sequentialWriteMBps: slowest(devices, (d) => d.sequentialWriteMBps),
    randomReadIops: slowest(devices, (d) => d.randomReadIops),
    enduranceTbw: slowest(devices, (d) => d.enduranceTbw),
  }
}

/** Tiers from a list of resolved devices; empty tiers are left out. */
export function groupTiers(devices: StorageTierDevice[]): StorageTier[] {
  return DISPLAY_ORDER.map((id) =>
    summariseTier(
      id,
      devices.filter((d) => d.tier === id),
    ),
  ).filter((t) => t.devices.length > 0)
}

/** Storage tiers of the whole lab, or of one node (`nodeId`, lowercase id). */
export function deriveStorageTiers(catalog: Catalog, nodeId?: string): StorageTiersAnswer {
  const id = nodeId === undefined ? undefined : requireNode(catalog, nodeId).id
  const devices = resolveDevices(catalog, id)
  const nodes = id === undefined ? catalog.nodes : catalog.nodes.filter((n) => n.id === id)
  const warnings = nodes.flatMap((n) => {
    const w: string[] = []
    if (n.storage.length === 0) w.push(`${n.name} lists no storage devices`)
    if (!n.storage.some((s) => s.hostUse.length > 0) && n.storage.length > 0)
      w.push(`${n.name}: no boot/OS drive is catalogued, so host OS space is not accounted for`)
    const hba = n.storage.some((s) => s.attachment === 'hba') ? hbaSingleCardWarning(n) : null
    if (hba) w.push(`${n.name}: ${hba}`)
    return w
  })
  return { node: id ?? null, rules: TIER_RULES, tiers: groupTiers(devices), warnings }
}
