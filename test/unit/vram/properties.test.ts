import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fitModel } from '../../../api/src/domain/vram/fit-inference.ts'
import { GPU_MARGIN_BYTES, place } from '../../../api/src/domain/vram/placement.ts'
import { RUNTIME_PROFILES } from '../../../api/src/domain/vram/runtimes.ts'
import { weightLayout } from '../../../api/src/domain/vram/weights.ts'
import type { QuantPreset } from '../../../api/src/domain/vram/ggml-types.ts'
import { catalog, plan } from './helpers.ts'

const moeModels = catalog.llmModels.filter((m) => m.moe)
// The ollama profile (the default runtime) keeps llama.cpp --fit's 1024 MiB free: the planner's 512 + 512 more.
const FIT_RESERVE = RUNTIME_PROFILES.ollama.fitMarginBytes - GPU_MARGIN_BYTES
const CARAXES_GPU = [
  {
    vramBytes: catalog.gpuModels.find((g) => g.slug === 'nvidia-rtx-2080-super')!.vramBytes,
    reservedBytes: FIT_RESERVE,
  },
]

const models = catalog.llmModels
/** Presets in increasing bits per weight. */
const ORDER: QuantPreset[] = ['Q2_K', 'Q3_K_M', 'Q4_K_S', 'Q4_K_M', 'Q5_K_S', 'Q5_K_M', 'Q6_K', 'Q8_0', 'F16']

const modelArb = fc.constantFrom(...models)
const presetArb = fc.constantFrom(...ORDER)
const kvArb = fc.constantFrom('f16' as const, 'q8_0' as const, 'q4_0' as const)
const settingsArb = fc.record({
  kvCacheType: kvArb,
  parallel: fc.integer({ min: 1, max: 4 }),
  ubatch: fc.constantFrom(256, 512, 1024),
  flashAttention: fc.constant(true),
})
const GPU_24 = [{ vramBytes: 24 * 2 ** 30 }]

/** Memory one GPU needs for the whole model (all L + 1 layers offloaded). */
function fullNeed(
  m: (typeof models)[number],
  q: QuantPreset,
  s: {
    contextLength: number
    kvCacheType: 'f16' | 'q8_0' | 'q4_0'
    parallel: number
    ubatch: number
    flashAttention: boolean
  },
) {
  return place(fitModel(m, weightLayout(m, q), s), GPU_24, m.layers + 1).perGpu[0]!.totalBytes
}

describe('vram properties (fast-check)', () => {
  it('more context never needs less memory', () => {
    fc.assert(
      fc.property(
        modelArb,
        presetArb,
        settingsArb,
        fc.integer({ min: 1, max: 65536 }),
        fc.integer({ min: 0, max: 65536 }),
        (m, q, s, c1, extra) => {
          const c2 = Math.min(c1 + extra, m.maxContextLength)
          const c = Math.min(c1, c2)
          expect(fullNeed(m, q, { ...s, contextLength: c2 })).toBeGreaterThanOrEqual(
            fullNeed(m, q, { ...s, contextLength: c }),
          )
        },
      ),
      { numRuns: 150 },
    )
  })

  it('a bigger quantization never needs less memory', () => {
    fc.assert(
      fc.property(modelArb, fc.integer({ min: 0, max: ORDER.length - 2 }), settingsArb, (m, i, s) => {
        const small = ORDER[i]!
        const big = ORDER[i + 1]!
        expect(weightLayout(m, big).fileBytes).toBeGreaterThanOrEqual(weightLayout(m, small).fileBytes)
        const ctx = Math.min(4096, m.maxContextLength)
        expect(fullNeed(m, big, { ...s, contextLength: ctx })).toBeGreaterThanOrEqual(
          fullNeed(m, small, { ...s, contextLength: ctx }),
        )
      }),
      { numRuns: 150 },
    )
  })

  it('fits in 8 GB ⇒ fits in 24 GB, and never fewer layers on the bigger card', () => {
    fc.assert(
      fc.property(modelArb, presetArb, kvArb, fc.integer({ min: 256, max: 32768 }), (m, q, kv, ctx) => {
        const input = {
          model: m.id,
          quantization: q,
          kvCacheType: kv,
          contextLength: Math.min(ctx, m.maxContextLength),
        }
        const small = plan({ ...input, targets: ['caraxes'] }).results[0]!
        const big = plan({ ...input, targets: ['meraxes'] }).results[0]!
        if (small.verdict === 'fits') expect(big.verdict).toBe('fits')
        // Expert offload keeps all L + 1 layers on the GPU (minus experts): compare -ngl only between plain placements.
        if (small.cpuMoeLayers === null && big.cpuMoeLayers === null)
          expect(big.gpuLayers!).toBeGreaterThanOrEqual(small.gpuLayers!)
        if (small.cpuMoeLayers !== null && big.cpuMoeLayers !== null)
          expect(big.cpuMoeLayers).toBeLessThanOrEqual(small.cpuMoeLayers)
      }),
      { numRuns: 60 },
    )
  })

  it('the breakdown adds up to the total, per GPU and overall', () => {
    fc.assert(
      fc.property(modelArb, presetArb, kvArb, fc.integer({ min: 256, max: 32768 }), (m, q, kv, ctx) => {
        const a = plan({
          model: m.id,
          quantization: q,
          kvCacheType: kv,
          contextLength: Math.min(ctx, m.maxContextLength),
          targets: 'all',
        })
        for (const r of a.results) {
          const b = r.breakdown!
          expect(b.weightsGpuBytes + b.kvCacheBytes + b.computeBufferBytes + b.overheadBytes).toBe(
            b.totalGpuBytes,
          )
          // Only the GPUs of the split count: one left out holds nothing and pays nothing.
          const vram = r.perGpu.reduce(
            (s, g) => s + r.target.gpus.find((t) => t.node === g.node && t.gpu === g.gpu)!.vramBytes,
            0,
          )
          expect(vram - b.totalGpuBytes).toBe(b.freeGpuBytes)
          for (const g of r.perGpu)
            expect(g.weightsBytes + g.kvCacheBytes + g.computeBufferBytes + g.overheadBytes).toBe(
              g.totalBytes,
            )
          // Nothing is lost: GPU + host weights = file, plus the tied duplicate when the output is on the GPU.
          const tiedDup =
            m.tiedEmbeddings && r.perGpu.some((g) => g.holdsOutput) ? weightLayout(m, q).inputBytes : 0
          expect(b.weightsGpuBytes + b.weightsHostBytes).toBe(a.model.weightsBytes + tiedDup)
        }
      }),
      { numRuns: 60 },
    )
  })

  it('MoE expert offload: K is the smallest --n-cpu-moe that fits, only MoE models use it, a fit never does', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...moeModels),
        presetArb,
        kvArb,
        fc.integer({ min: 256, max: 32768 }),
        (m, q, kv, ctx) => {
          const s = {
            contextLength: Math.min(ctx, m.maxContextLength),
            kvCacheType: kv,
            flashAttention: true,
            parallel: 1,
            ubatch: 512,
          }
          const r = plan({ model: m.id, quantization: q, ...s, targets: ['caraxes'] }).results[0]!
          if (r.cpuMoeLayers === null) return
          expect(r.verdict).toBe('partial-offload')
          expect(r.gpuLayers).toBe(m.layers + 1)
          const fm = fitModel(m, weightLayout(m, q), s)
          expect(place(fm, CARAXES_GPU, m.layers + 1, r.cpuMoeLayers).fits).toBe(true)
          expect(place(fm, CARAXES_GPU, m.layers + 1, r.cpuMoeLayers - 1).fits).toBe(false)
        },
      ),
      { numRuns: 40 },
    )
    for (const m of catalog.llmModels.filter((x) => !x.moe))
      expect(
        plan({ model: m.id, contextLength: Math.min(2048, m.maxContextLength), targets: ['caraxes'] })
          .results[0]!.cpuMoeLayers,
      ).toBeNull()
  })
})
