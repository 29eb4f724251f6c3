/** The lab's GPUs, read from the catalog, and the GPU sets a request's `targets` names. */
import type { Catalog } from '../catalog/catalog.ts'
import { gpuModelOf, nearest } from '../catalog/lookup.ts'
import type { GpuModel, NodeRecord } from '../catalog/schemas.ts'
import { PlanInputError } from '../plan-input-error.ts'

export interface LabGpu {
  node: NodeRecord
  model: GpuModel
  /** The PCI address, to tell two identical cards of one node apart. */
  address: string | null
}

export function labGpus(catalog: Catalog): LabGpu[] {
  return catalog.nodes.flatMap((node) =>
    node.devices.flatMap((d) => {
      const model = gpuModelOf(catalog, d)
      return model ? [{ node, model, address: d.address }] : []
    }),
  )
}

function resolveOne(gpus: LabGpu[], text: string, index: number): LabGpu[] {
  const wanted = text.trim().toLowerCase()
  const found = gpus.filter((g) => g.node.id === wanted || g.model.slug === wanted)
  if (found.length > 0) return found
  const names = [...new Set(gpus.flatMap((g) => [g.node.id, g.model.slug]))]
  throw new PlanInputError('not-found', `/targets/${index}`, `No node or GPU "${text}" in the lab. Known: ${names.join(', ')} (nearest: ${nearest(wanted, names, 2).join(', ')}).`)
}

/** Every non-empty subset, biggest GPU first in each (the main host of a split). */
function allCombinations(gpus: LabGpu[]): LabGpu[][] {
  const sorted = [...gpus].sort((a, b) => b.model.vramBytes - a.model.vramBytes)
  const limit = Math.min(sorted.length, 6) // 63 combinations at most; the lab has 2 GPUs
  const sets: LabGpu[][] = []
  for (let mask = 1; mask < 1 << limit; mask++) sets.push(sorted.filter((_, i) => mask & (1 << i)))
  return sets
}

/** The GPU sets to evaluate: one per request list, or every combination for "all". */
export function resolveTargets(catalog: Catalog, targets: 'all' | string[]): LabGpu[][] {
  const gpus = labGpus(catalog)
  if (targets === 'all') return allCombinations(gpus)
  const chosen = targets.flatMap((t, i) => resolveOne(gpus, t, i))
  return [chosen.filter((g, i) => chosen.indexOf(g) === i)]
}

export function targetLabel(set: LabGpu[]): string {
  return set.map((g) => `${g.node.id.toUpperCase()} ${g.model.name}`).join(' + ')
}
