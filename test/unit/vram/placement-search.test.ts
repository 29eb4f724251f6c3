/**
 * bestPlacement and expertOffloadPlacement start their searches at a memory bound (placement.ts
 * layerBound / expertBound). Whatever placement.ts charges per GPU, the answer must be the one
 * the plain linear searches over splitLayers give (a split of these GPUs in this order, each
 * holding something): most layers from L + 1 down, smallest --n-cpu-moe K from 1 up.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fitModel } from '../../../api/src/domain/vram/fit-inference.ts'
import type { QuantPreset } from '../../../api/src/domain/vram/ggml-types.ts'
import {
  bestPlacement,
  expertOffloadPlacement,
  splitLayers,
  type FitModel,
  type PlacementGpu,
} from '../../../api/src/domain/vram/placement.ts'
import { weightLayout } from '../../../api/src/domain/vram/weights.ts'
import { catalog, GIB, MIB } from './helpers.ts'

function linearBest(fm: FitModel, gpus: PlacementGpu[]) {
  for (let n = fm.layers + 1; n > 0; n--) if (splitLayers(fm, gpus, n)) return n
  return 0
}

function linearExperts(fm: FitModel, gpus: PlacementGpu[]) {
  if (!fm.weights.layerExpertBytes.some((b) => b > 0)) return null
  for (let k = 1; k <= fm.layers; k++) if (splitLayers(fm, gpus, fm.layers + 1, k)) return k
  return null
}

const gpuArb = fc.record({
  vramBytes: fc.integer({ min: 2, max: 96 }).map((g) => g * GIB),
  overheadBytes: fc.constantFrom(969 * MIB, 1024 * MIB),
})
const caseArb = fc.record({
  model: fc.constantFrom(...catalog.llmModels),
  quant: fc.constantFrom<QuantPreset>('Q2_K', 'Q4_K_M', 'Q8_0'),
  contextLength: fc.constantFrom(2048, 8192, 32768),
  gpus: fc.array(gpuArb, { minLength: 1, maxLength: 3 }),
})

describe('placement searches', () => {
  it('give the same -ngl and --n-cpu-moe as the linear searches', () => {
    fc.assert(
      fc.property(caseArb, ({ model, quant, contextLength, gpus }) => {
        const settings = {
          contextLength: Math.min(contextLength, model.maxContextLength),
          kvCacheType: 'f16' as const,
          flashAttention: true,
          parallel: 1,
          ubatch: 512,
        }
        const fm = fitModel(model, weightLayout(model, quant), settings)
        expect(bestPlacement(fm, gpus).gpuLayers).toBe(linearBest(fm, gpus))
        expect(expertOffloadPlacement(fm, gpus)?.cpuMoeLayers ?? null).toBe(linearExperts(fm, gpus))
      }),
      { numRuns: 300, seed: 14 },
    )
  })
})
