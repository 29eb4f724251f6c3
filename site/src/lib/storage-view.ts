/**
 * Storage and transfer numbers for the storage and network pages, from the storage planner:
 * tiers (deriveStorageTiers), load times of model files from each drive into its node's GPU
 * (loadFromDevice) and copy times between nodes (planTransfer). Sample sizes are registry
 * models' Q4_K_M files, sized by the VRAM planner, so nothing is typed in by hand.
 */
import type { Catalog } from '../../../api/src/domain/catalog/catalog.ts'
import { resolveDevices } from '../../../api/src/domain/storage/devices.ts'
import { loadFromDevice, nodeGpu } from '../../../api/src/domain/storage/load.ts'
import { planTransfer } from '../../../api/src/domain/storage/transfer.ts'
import type { StorageTierDevice } from '../../../api/src/domain/storage/schemas.ts'
import { planVramFit } from '../../../api/src/domain/vram/plan-vram-fit.ts'
import { VramFitRequestSchema } from '../../../api/src/domain/vram/schemas.ts'
import { formatCapacity, formatSeconds } from './format.ts'

export interface SampleFile {
  label: string
  bytes: number
}

/** The smallest, a middle and the largest registry LLM (embedding models aside), as Q4_K_M GGUF files. */
export function sampleFiles(catalog: Catalog): SampleFile[] {
  const models = catalog.llmModels
    .filter((m) => !m.embeddingModel)
    .sort((a, b) => a.parametersBillions - b.parametersBillions)
  const picks = [
    ...new Set([models[0], models[Math.floor(models.length / 2)], models[models.length - 1]]),
  ].filter((m) => m !== undefined)
  const base = VramFitRequestSchema.parse({ model: 'placeholder', targets: 'all' })
  return picks.map((m) => {
    const bytes = planVramFit({ ...base, model: m.id, quantization: 'Q4_K_M' }, catalog).model.weightsBytes
    return { label: `${m.name} Q4_K_M (${formatCapacity(bytes)})`, bytes }
  })
}

export interface LoadRow {
  device: StorageTierDevice
  sink: string
  /** One per sample file: time and what limits it, or why unknown. */
  times: { time: string; bottleneck: string }[]
}

/** Each drive of known speed, loading each sample file into its own node's GPU. */
export function loadRows(catalog: Catalog, files: SampleFile[]): LoadRow[] {
  return resolveDevices(catalog).map((device) => {
    const node = catalog.nodes.find((n) => n.id === device.node)!
    const gpu = nodeGpu(catalog, node)
    const times = files.map((f) => {
      const load = loadFromDevice(device, f.bytes, gpu)
      return load
        ? { time: formatSeconds(load.seconds), bottleneck: load.bottleneck.name }
        : { time: 'unknown', bottleneck: 'read rate unknown (no drive model)' }
    })
    return { device, sink: gpu ? gpu.name : 'host memory', times }
  })
}

export interface TransferRow {
  what: string
  route: string
  time: string
  bottleneck: string
  unknowns: string[]
}

/** Every ordered pair of nodes, each sample file copied from the source's fastest known drive. */
export function transferRows(catalog: Catalog, files: SampleFile[]): TransferRow[] {
  const pairs = catalog.nodes.flatMap((a) => catalog.nodes.filter((b) => b !== a).map((b) => [a, b] as const))
  return pairs.flatMap(([from, to]) =>
    files.map((f) => {
      const plan = planTransfer({ from: from.id, to: to.id, bytes: f.bytes }, catalog)
      const fromLabel = plan.from.label ? ` (${plan.from.label})` : ''
      const toLabel = plan.to.label ? ` (${plan.to.label})` : ''
      const ends = `${from.name}${fromLabel} → ${to.name}${toLabel}`
      const time =
        plan.seconds === null
          ? 'unknown'
          : `${plan.unknowns.length > 0 ? '≥ ' : ''}${formatSeconds(plan.seconds)}`
      return {
        what: f.label,
        route: ends,
        time,
        bottleneck: plan.bottleneck?.name ?? plan.verdict,
        unknowns: plan.unknowns,
      }
    }),
  )
}
