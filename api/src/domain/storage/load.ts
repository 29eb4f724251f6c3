/**
 * How long reading a file takes: from a drive into host memory or into a GPU, limited by the
 * slowest stage (drive read, the drive's PCIe link, the GPU's PCIe link, a network link). The
 * VRAM planner imports loadSecondsFromNode for its "loadSeconds".
 */
import type { Catalog } from '../catalog/catalog.ts'
import { gpuModelOf } from '../catalog/lookup.ts'
import type { NodeRecord, PcieLink } from '../catalog/schemas.ts'
import { resolveDevices } from './devices.ts'
import { secondsAt } from './rates.ts'
import { pcieMBps, round } from '../catalog/units.ts'
import type { Bottleneck, StorageTierDevice } from './schemas.ts'
import type { LabLink } from './transfer-schemas.ts'

export interface GpuSink {
  name: string
  pcie: PcieLink
}

export interface LoadTime {
  seconds: number
  bottleneck: Bottleneck
  drive: { node: string; storageId: string; label: string }
}

/**
 * A drive's own stages for one side: its sequential rate, then its PCIe link when known; null
 * when that rate is unknown. `name` labels the drive (transfers prefix node:storageId).
 */
export function driveStages(
  device: StorageTierDevice,
  side: 'read' | 'write',
  name = device.driveName ?? device.label,
): Bottleneck[] | null {
  const mbps = side === 'read' ? device.sequentialReadMBps : device.sequentialWriteMBps
  if (mbps === null) return null
  const stages: Bottleneck[] = [
    { kind: side === 'read' ? 'drive-read' : 'drive-write', name: `${name} sequential ${side}`, MBps: mbps },
  ]
  const p = device.path.pcie
  if (p && device.path.pcieMBps !== null)
    stages.push({
      kind: 'drive-pcie',
      name: `${name} link, PCIe ${p.generation}.0 x${p.lanes}`,
      MBps: round(device.path.pcieMBps, 1),
    })
  return stages
}

/** The network stage of a link: its slower end's NIC at the TCP payload rate (payloadMBps). */
export function networkStage(link: LabLink): Bottleneck {
  return {
    kind: 'network',
    name: `${link.bottleneck.nicName} (${link.effectiveMbps} Mbps) on ${link.id}`,
    MBps: link.payloadMBps,
  }
}

/** The stages a read from `device` passes; null when the drive's read rate is unknown. */
export function readStages(
  device: StorageTierDevice,
  gpu: GpuSink | null,
  network: Bottleneck | null = null,
): Bottleneck[] | null {
  const stages = driveStages(device, 'read')
  if (!stages) return null
  if (network) stages.push(network)
  if (gpu)
    stages.push({
      kind: 'gpu-pcie',
      name: `${gpu.name} link, PCIe ${gpu.pcie.generation}.0 x${gpu.pcie.lanes}`,
      MBps: round(pcieMBps(gpu.pcie), 1),
    })
  return stages
}

/** The slowest stage; the first listed wins a tie (the drive, the physical source). */
export function slowestStage(stages: Bottleneck[]): Bottleneck {
  return stages.reduce((a, b) => (b.MBps < a.MBps ? b : a))
}

/** Seconds to read `bytes` from a device through its stages, with the bottleneck named. */
export function loadFromDevice(
  device: StorageTierDevice,
  bytes: number,
  gpu: GpuSink | null,
  network: Bottleneck | null = null,
) {
  const stages = readStages(device, gpu, network)
  if (!stages) return null
  const bottleneck = slowestStage(stages)
  return { seconds: round(secondsAt(bytes, bottleneck.MBps), 2), bottleneck, stages }
}

/** The node's GPU with the widest PCIe link, as a load sink; null without a catalogued GPU. */
export function nodeGpu(catalog: Catalog, node: NodeRecord): GpuSink | null {
  const gpus = node.devices.flatMap((d) => {
    const m = gpuModelOf(catalog, d)
    return m ? [{ name: `${node.name} ${m.name}`, pcie: m.pcie }] : []
  })
  return gpus.reduce<GpuSink | null>(
    (best, g) => (best && pcieMBps(best.pcie) >= pcieMBps(g.pcie) ? best : g),
    null,
  )
}

/**
 * Fastest load of `bytes` from any drive of known speed on `nodeId`, into a GPU behind
 * `gpuPcie` (null = into host memory). Null when the node has no drive of known read rate
 * (CARAXES: only the HBA disks, capacity and model unknown).
 * @example loadSecondsFromNode(catalog, 'meraxes', 40e9, { generation: 4, lanes: 16 }) // 5.48 s, SN850X read
 */
export function loadSecondsFromNode(
  catalog: Catalog,
  nodeId: string,
  bytes: number,
  gpuPcie: PcieLink | null,
): LoadTime | null {
  const gpu = gpuPcie ? { name: 'GPU', pcie: gpuPcie } : null
  const loads = resolveDevices(catalog, nodeId.toLowerCase()).flatMap((d) => {
    const load = loadFromDevice(d, bytes, gpu)
    return load ? [{ load, d }] : []
  })
  if (loads.length === 0) return null
  const { load, d } = loads.reduce((a, b) => (b.load.seconds < a.load.seconds ? b : a))
  return {
    seconds: load.seconds,
    bottleneck: load.bottleneck,
    drive: { node: d.node, storageId: d.storageId, label: d.label },
  }
}
