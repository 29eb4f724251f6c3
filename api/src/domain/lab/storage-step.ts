/**
 * The lab's contact with the storage and transfer planners: a drive as the storage planner
 * resolves it (capacity, 90 %-usable, rates), read times from it into a GPU or host memory
 * (model loads), and dataset reads across nodes priced by planTransfer.
 */
import { resolveDevice } from '../storage/devices.ts'
import { loadFromDevice, type GpuSink } from '../storage/load.ts'
import { planTransfer } from '../storage/transfer.ts'
import { TransferRequestSchema } from '../storage/schemas.ts'
import type { TransferPlan } from '../storage/transfer-schemas.ts'
import type { Bottleneck } from '../storage/schemas.ts'
import type { NodeRecord, StorageDevice } from '../catalog/schemas.ts'
import type { LabContext, LabGpu, Location } from './context.ts'

export function tierDevice(ctx: LabContext, node: NodeRecord, storage: StorageDevice) {
  return resolveDevice(ctx.catalog, node, storage)
}

function gpuSink(gpu: LabGpu): GpuSink {
  return { name: `${gpu.node.name} ${gpu.model.name}`, pcie: gpu.model.pcie }
}

/**
 * Seconds to read `bytes` from a location into a GPU (or host memory), the slowest stage named; null when
 * a rate is unknown.
 */
export function readSeconds(
  ctx: LabContext,
  at: Location,
  bytes: number,
  gpu: LabGpu | null,
): { seconds: number; bottleneck: Bottleneck } | null {
  const load = loadFromDevice(tierDevice(ctx, at.node, at.storage), bytes, gpu ? gpuSink(gpu) : null)
  return load ? { seconds: load.seconds, bottleneck: load.bottleneck } : null
}

/** A dataset read from a drive on one node by a reader on another, priced by the transfer planner. */
export function crossNodeRead(
  at: Location,
  readerNode: NodeRecord,
  bytes: number,
  ctx: LabContext,
): TransferPlan {
  const request = TransferRequestSchema.parse({
    from: `${at.node.id}:${at.storage.id}`,
    to: readerNode.id,
    bytes,
  })
  return planTransfer(request, ctx.catalog)
}
