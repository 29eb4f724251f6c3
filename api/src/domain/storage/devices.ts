/**
 * Resolves each node's `storage[]` into a device with its drive specs, its path to the CPU and
 * its tier. Tier membership is a rule over the specs (TIER_RULES), never a hand-made list.
 */
import type { Catalog } from '../catalog/catalog.ts'
import type { DriveModel, NodeRecord, StorageDevice } from '../catalog/schemas.ts'
import { usableBytes } from './rates.ts'
import { PCIE_LANE_MBPS, pcieMBps } from '../catalog/units.ts'
import type { DeclaredDisks, StorageTierDevice, TierId, TierRule } from './schemas.ts'

/** Seed: "4TB+ NVMe for model repositories" (Storage Architecture for AI → Capacity Storage). */
export const CAPACITY_TIER_MIN_BYTES = 4e12
/** More than PCIe 3.0 x4 can carry (4 × PCIE_LANE_MBPS[3] = 3,938 MB/s): only PCIe 4.0-class drives qualify. */
export const FAST_TIER_MIN_READ_MBPS = 5000

/** A drive joins the first tier whose rule it meets, in this order. */
export const TIER_RULES: TierRule[] = [
  {
    tier: 'hba-mass',
    rule: 'behind a SAS HBA',
    source: 'seed: Capacity Storage ("HBA-connected mass storage for datasets")',
  },
  {
    tier: 'nvme-capacity',
    rule: 'NVMe, capacity ≥ 4 TB (4 × 10^12 bytes)',
    source: 'seed: Capacity Storage ("4TB+ NVMe for model repositories")',
  },
  {
    tier: 'nvme-fast',
    rule:
      `NVMe, sequential read ≥ ${FAST_TIER_MIN_READ_MBPS.toLocaleString('en-US')} ` +
      `MB/s (more than PCIe 3.0 x4 carries: a PCIe 4.0-class drive)`,
    source:
      `seed: Fast Storage Tier ("NVMe SSDs for model loading and ` +
      `caching"); PCIe 3.0 128b/130b = ${PCIE_LANE_MBPS[3]} MB/s per lane`,
  },
  { tier: 'nvme-standard', rule: 'any other NVMe (slower, or speed unknown)', source: 'remainder' },
]

/** The tier a drive meets first, with the measured value that put it there. */
function tierOf(
  entry: StorageDevice,
  capacityBytes: number | null,
  readMBps: number | null,
): { tier: TierId; reason: string } {
  if (entry.attachment === 'hba') return { tier: 'hba-mass', reason: 'attached behind a SAS HBA' }
  if (capacityBytes !== null && capacityBytes >= CAPACITY_TIER_MIN_BYTES) {
    return { tier: 'nvme-capacity', reason: `NVMe with ${capacityBytes / 1e12} TB ≥ 4 TB` }
  }
  if (readMBps !== null && readMBps >= FAST_TIER_MIN_READ_MBPS) {
    return { tier: 'nvme-fast', reason: `NVMe reading ${readMBps} MB/s ≥ ${FAST_TIER_MIN_READ_MBPS} MB/s` }
  }
  const why = readMBps === null ? 'read speed unknown' : `${readMBps} MB/s < ${FAST_TIER_MIN_READ_MBPS} MB/s`
  return { tier: 'nvme-standard', reason: `NVMe under 4 TB, ${why}` }
}

function pathOf(
  node: NodeRecord,
  entry: StorageDevice,
  drive: DriveModel | undefined,
): StorageTierDevice['path'] {
  const controller = node.devices.find((d) => d.address === entry.controller)
  const controllerName = controller ? `${controller.label}: ${controller.name}` : entry.controller
  if (entry.attachment === 'nvme') {
    const pcie = drive?.pcie ?? null
    const note = pcie
      ? `NVMe direct to the CPU/chipset, PCIe ${pcie.generation}.0 x${pcie.lanes}`
      : 'NVMe direct; link unknown'
    return {
      kind: 'nvme-direct',
      controller: entry.controller,
      controllerName,
      pcie,
      pcieMBps: pcie ? pcieMBps(pcie) : null,
      note,
    }
  }
  const switches = [...new Set(node.devices.filter((d) => d.role === 'pcie-switch-port').map((d) => d.name))]
  const via =
    switches.length > 0 ? `; the node also has ${switches.join(', ')} ports, probably on the HBA card` : ''
  return {
    kind: 'behind-hba',
    controller: entry.controller,
    controllerName,
    pcie: null,
    pcieMBps: null,
    note: `SAS disks behind the HBA; the HBA's own PCIe link is not in the catalog${via}`,
  }
}

/**
 * Two identical SAS HBAs next to PLX switch ports are probably one dual-IOC card
 * (docs/research/passthrough-rules.md §10.4).
 */
export function hbaSingleCardWarning(node: NodeRecord): string | null {
  const hbas = node.devices.filter((d) => d.role === 'sas-hba')
  const oneModel = hbas.length >= 2 && new Set(hbas.map((h) => h.vendorDevice)).size === 1
  if (!oneModel || !node.devices.some((d) => d.role === 'pcie-switch-port')) return null
  return (
    `${hbas.map((h) => h.label).join(' and ')} (${hbas[0]!.vendorDevice}) sit next to PLX ` +
    `switch ports: probably one dual-IOC card (e.g. SAS 9300-16i), so they are not independent ` +
    `paths — one card failure takes both (docs/research/passthrough-rules.md §10.4)`
  )
}

function warningsOf(node: NodeRecord, d: Omit<StorageTierDevice, 'warnings'>): string[] {
  const w: string[] = []
  if (d.hostOs)
    w.push(
      'Host OS/boot drive: fine for caches and scratch; bulk data ' +
        'here competes with the host and is at risk on a reinstall',
    )
  if (d.capacityBytes === null)
    w.push(
      'Capacity unknown: the catalog lists no disks behind the HBA; declare them (declaredDisks) to plan with them',
    )
  if (d.enduranceTbw === null)
    w.push(
      d.driveModel
        ? `No rated endurance (TBW) published for ${d.driveName}`
        : 'Endurance unknown (no disk model)',
    )
  if (d.attachment === 'hba') {
    const single = hbaSingleCardWarning(node)
    if (single) w.push(single)
  }
  return w
}

/** One storage entry as a planner device; `declared` disks replace an HBA entry's unknowns. */
export function resolveDevice(
  catalog: Catalog,
  node: NodeRecord,
  entry: StorageDevice,
  declared?: DeclaredDisks,
): StorageTierDevice {
  const drive = catalog.driveModels.find((m) => m.slug === entry.driveModel)
  const perDisk = (x: number | undefined) => (declared && x !== undefined ? x * declared.count : null)
  const capacityBytes = declared
    ? declared.capacityBytes * declared.count
    : (entry.capacityBytes ?? drive?.capacityBytes ?? null)
  const read = declared ? perDisk(declared.sequentialReadMBps) : (drive?.sequentialReadMBps ?? null)
  const { tier, reason } = tierOf(entry, capacityBytes, read)
  const base = {
    node: node.id,
    storageId: entry.id,
    label: declared
      ? `${entry.label} (declared: ${declared.count} × ${declared.capacityBytes / 1e12} TB)`
      : entry.label,
    tier,
    tierReason: reason,
    attachment: entry.attachment,
    driveModel: drive?.slug ?? null,
    driveName: drive?.name ?? null,
    diskCount: declared ? declared.count : entry.attachment === 'nvme' ? 1 : null,
    capacityBytes,
    usableBytes: capacityBytes === null ? null : usableBytes(capacityBytes),
    sequentialReadMBps: read,
    sequentialWriteMBps: declared
      ? perDisk(declared.sequentialWriteMBps)
      : (drive?.sequentialWriteMBps ?? null),
    randomReadIops: declared ? perDisk(declared.randomReadIops) : (drive?.randomReadIops ?? null),
    randomWriteIops: declared ? null : (drive?.randomWriteIops ?? null),
    enduranceTbw: declared ? perDisk(declared.enduranceTbw) : (drive?.enduranceTbw ?? null),
    path: pathOf(node, entry, drive),
    hostOs: entry.hostUse.some((u) => u === 'os-storage' || u === 'boot-disk'),
    declared: declared !== undefined,
  }
  return { ...base, warnings: warningsOf(node, base) }
}

/** Every storage device of the lab (or of one node), declared disks applied by storage id. */
export function resolveDevices(
  catalog: Catalog,
  nodeId?: string,
  declared: ReadonlyMap<string, DeclaredDisks> = new Map(),
): StorageTierDevice[] {
  const nodes = nodeId === undefined ? catalog.nodes : catalog.nodes.filter((n) => n.id === nodeId)
  return nodes.flatMap((node) =>
    node.storage.map((entry) => resolveDevice(catalog, node, entry, declared.get(entry.id))),
  )
}

/** Sustained read a device delivers: its drive, capped by its own PCIe link. */
export function deviceReadMBps(d: StorageTierDevice): number | null {
  if (d.sequentialReadMBps === null) return null
  return d.path.pcieMBps === null ? d.sequentialReadMBps : Math.min(d.sequentialReadMBps, d.path.pcieMBps)
}

export function deviceWriteMBps(d: StorageTierDevice): number | null {
  if (d.sequentialWriteMBps === null) return null
  return d.path.pcieMBps === null ? d.sequentialWriteMBps : Math.min(d.sequentialWriteMBps, d.path.pcieMBps)
}
