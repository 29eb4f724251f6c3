/** The lab's GPUs, read from the catalog, and the GPU sets a request's `targets` names. */
import type { Catalog } from '../catalog/catalog.ts'
import type { GpuBackend } from '../catalog/gpu-schemas.ts'
import { gpuModelOf, nearest } from '../catalog/lookup.ts'
import type { GpuModel, NodeRecord, PcieLink } from '../catalog/schemas.ts'
import { PlanInputError } from '../plan-input-error.ts'
import { librarySets, NO_NODE, whatIfGpu } from './gpu-targets.ts'
import type { VramFitResult } from './schemas.ts'
import type { Targets } from './target-schemas.ts'

/** What the planner reads of a card: a library record, or an inline card's few numbers. */
export type PlanGpuModel = Pick<
  GpuModel,
  | 'slug'
  | 'name'
  | 'vramBytes'
  | 'memoryBandwidthGBps'
  | 'computeCapability'
  | 'supportsBf16'
  | 'supportsFlashAttention2'
> & {
  /** The link the card runs at in its slot; null when unknown (or unified memory). */
  pcie: PcieLink | null
}

export interface LabGpu<M extends PlanGpuModel = PlanGpuModel> {
  node: NodeRecord
  model: M
  /** The PCI address, to tell two identical cards of one node apart. */
  address: string | null
  /** The backend whose fixed cost the planner charges (backend-costs.ts). */
  backend: GpuBackend
  /** A what-if card (a library card placed in a node, or an inline card), with what was assumed. */
  hypothetical: boolean
  notes: string[]
}

/** The lab's GPUs; each runs its card's first backend (CUDA for the NVIDIA cards). */
export function labGpus(catalog: Catalog): LabGpu<GpuModel>[] {
  return catalog.nodes.flatMap((node) =>
    node.devices.flatMap((d) => {
      const model = gpuModelOf(catalog, d)
      return model
        ? [{ node, model, address: d.address, backend: model.backends[0]!, hypothetical: false, notes: [] }]
        : []
    }),
  )
}

function resolveOne(gpus: LabGpu[], text: string, index: number): LabGpu[] {
  const wanted = text.trim().toLowerCase()
  const found = gpus.filter((g) => g.node.id === wanted || g.model.slug === wanted)
  if (found.length > 0) return found
  const names = [...new Set(gpus.flatMap((g) => [g.node.id, g.model.slug]))]
  const what =
    `No node or GPU "${text}" in the lab. Known: ${names.join(', ')} ` +
    `(nearest: ${nearest(wanted, names, 2).join(', ')}).`
  throw new PlanInputError(
    'not-found',
    `/targets/${index}`,
    `${what} For a card the lab does not have, use {"gpu": "<library slug>", "node": "<node>"}.`,
  )
}

/** Every non-empty subset, biggest GPU first in each (the main host of a split). */
function allCombinations(gpus: LabGpu[]): LabGpu[][] {
  const sorted = [...gpus].sort((a, b) => b.model.vramBytes - a.model.vramBytes)
  const limit = Math.min(sorted.length, 6) // 63 combinations at most; the lab has 2 GPUs
  const sets: LabGpu[][] = []
  for (let mask = 1; mask < 1 << limit; mask++) sets.push(sorted.filter((_, i) => mask & (1 << i)))
  return sets
}

/**
 * The GPU sets to evaluate: every lab combination for "all", every library card alone for
 * "library", or one set from a list (lab GPUs, library cards in a node, inline cards).
 */
export function resolveTargets(catalog: Catalog, targets: Targets): LabGpu[][] {
  const gpus = labGpus(catalog)
  if (targets === 'all') return allCombinations(gpus)
  if (targets === 'library' || !Array.isArray(targets)) return librarySets(catalog, targets)
  const chosen = targets.flatMap((t, i) =>
    typeof t === 'string' ? resolveOne(gpus, t, i) : [whatIfGpu(catalog, t, i)],
  )
  return [chosen.filter((g, i) => chosen.indexOf(g) === i)]
}

export function targetLabel(set: LabGpu[]): string {
  const labelOf = (g: LabGpu) => {
    const where = g.node === NO_NODE ? '' : `${g.node.id.toUpperCase()} `
    return `${where}${g.model.name}${g.hypothetical ? ' (what-if)' : ''}`
  }
  return set.map(labelOf).join(' + ')
}

/** The `target` of a result: label, whether the set spans nodes, and each GPU as planned. */
export function targetOf(set: LabGpu[], crossNode: boolean): VramFitResult['target'] {
  return {
    label: targetLabel(set),
    crossNode,
    gpus: set.map((g) => ({
      node: g.node.id,
      gpu: g.model.slug,
      name: g.model.name,
      vramBytes: g.model.vramBytes,
      memoryBandwidthGBps: g.model.memoryBandwidthGBps,
      backend: g.backend,
      hypothetical: g.hypothetical,
    })),
  }
}
