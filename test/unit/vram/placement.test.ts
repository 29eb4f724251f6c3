import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { computePhases } from '../../../api/src/domain/vram/compute-buffer.ts'
import { fitInference, type InferenceSettings } from '../../../api/src/domain/vram/fit-inference.ts'
import type { QuantPreset } from '../../../api/src/domain/vram/ggml-types.ts'
import type { VramFitResult } from '../../../api/src/domain/vram/schemas.ts'
import { labGpus, type LabGpu } from '../../../api/src/domain/vram/targets.ts'
import { weightLayout } from '../../../api/src/domain/vram/weights.ts'
import { catalog, GIB, model, plan, settings4k } from './helpers.ts'

const ORDER: QuantPreset[] = ['Q2_K', 'Q3_K_M', 'Q4_K_S', 'Q4_K_M', 'Q5_K_S', 'Q5_K_M', 'Q6_K', 'Q8_0', 'F16']
const gpus = labGpus(catalog)
const meraxes = gpus.find((g) => g.node.id === 'meraxes')!
const caraxes = gpus.find((g) => g.node.id === 'caraxes')!

// llama.cpp-level settings pinned, so a change of the default runtime does not move these tests.
const settingsArb = fc.record({
  contextLength: fc.integer({ min: 1, max: 128 }).map((k) => k * 256),
  kvCacheType: fc.constantFrom('f16' as const, 'q8_0' as const),
  flashAttention: fc.constant(true),
  parallel: fc.constant(1),
  ubatch: fc.constantFrom(256, 512),
})
const modelArb = fc.constantFrom(...catalog.llmModels)
type Settings = InferenceSettings

function fit(
  m: (typeof catalog.llmModels)[number],
  q: QuantPreset,
  s: Settings,
  set: LabGpu[],
): VramFitResult {
  const settings = { ...s, contextLength: Math.min(s.contextLength, m.maxContextLength) }
  return fitInference(catalog, m, weightLayout(m, q), settings, set)
}

/**
 * No worse: never fewer layers on the GPUs (-ngl, or --n-cpu-moe when both answers offload experts;
 * between the two modes the planner picks by speed, so only speed compares) and never slower.
 */
function expectNoWorse(better: VramFitResult, worse: VramFitResult) {
  if ((better.cpuMoeLayers === null) === (worse.cpuMoeLayers === null)) {
    expect(better.gpuLayers ?? 0).toBeGreaterThanOrEqual(worse.gpuLayers ?? 0)
    expect(better.cpuMoeLayers ?? 0).toBeLessThanOrEqual(worse.cpuMoeLayers ?? 0)
  }
  if (better.tokensPerSecond !== null && worse.tokensPerSecond !== null) {
    expect(better.tokensPerSecond).toBeGreaterThanOrEqual(worse.tokensPerSecond)
  }
}

const withVram = (g: LabGpu, vramBytes: number): LabGpu => ({ ...g, model: { ...g.model, vramBytes } })

describe('placement never gets worse with more hardware or a smaller quantization (fast-check)', () => {
  it('adding a GPU never lowers the layers held or the tokens/s', () => {
    fc.assert(
      fc.property(modelArb, fc.constantFrom(...ORDER), settingsArb, (m, q, s) => {
        const both = fit(m, q, s, [meraxes, caraxes])
        expectNoWorse(both, fit(m, q, s, [meraxes]))
        expectNoWorse(both, fit(m, q, s, [caraxes]))
      }),
      { numRuns: 60 },
    )
  })

  it('more VRAM on the same GPU never lowers the layers held or the tokens/s', () => {
    fc.assert(
      fc.property(
        modelArb,
        fc.constantFrom(...ORDER),
        settingsArb,
        fc.integer({ min: 1, max: 16 }),
        (m, q, s, extraGib) => {
          const bigger = withVram(caraxes, caraxes.model.vramBytes + extraGib * GIB)
          expectNoWorse(fit(m, q, s, [bigger]), fit(m, q, s, [caraxes]))
        },
      ),
      { numRuns: 60 },
    )
  })

  it('a smaller quantization never lowers the layers held or the tokens/s', () => {
    fc.assert(
      fc.property(
        modelArb,
        fc.integer({ min: 0, max: ORDER.length - 2 }),
        settingsArb,
        fc.constantFrom(meraxes, caraxes),
        (m, i, s, g) => {
          // "Smaller" tensor by tensor: shape fallbacks can make a lower preset bigger somewhere
          // (gpt-oss's 2880-wide experts turn Q4_K into Q5_0 but Q5_K into Q5_1), which is no smaller quantization.
          const small = weightLayout(m, ORDER[i]!)
          const big = weightLayout(m, ORDER[i + 1]!)
          fc.pre(small.tensors.every((t, k) => t.bytes <= big.tensors[k]!.bytes))
          expectNoWorse(fit(m, ORDER[i]!, s, [g]), fit(m, ORDER[i + 1]!, s, [g]))
        },
      ),
      { numRuns: 60 },
    )
  })

  it('every GPU in a split holds at least one layer, and each GPU stays within its VRAM', () => {
    fc.assert(
      fc.property(modelArb, fc.constantFrom(...ORDER), settingsArb, (m, q, s) => {
        const r = fit(m, q, s, [meraxes, caraxes])
        if (r.verdict === 'does-not-fit') return
        for (const g of r.perGpu) {
          expect(g.layers !== null || g.holdsOutput).toBe(true)
          expect(g.freeBytes).toBeGreaterThanOrEqual(0)
        }
      }),
      { numRuns: 60 },
    )
  })
})

describe('splits', () => {
  const s = settings4k

  // Issue #13: 21 vs 25 before.
  it('Gemma 3 27B F16 on MERAXES + CARAXES holds at least the layers MERAXES holds alone', () => {
    const alone = fit(model('gemma-3-27b'), 'F16', s, [meraxes])
    const both = fit(model('gemma-3-27b'), 'F16', s, [meraxes, caraxes])
    expect(alone.gpuLayers).toBe(25)
    expect(both.gpuLayers).toBeGreaterThan(alone.gpuLayers!)
    expect(both.perGpu).toHaveLength(2)
    // Only the first GPU streams the host-resident output matrix (ggml op offload), so only it
    // carries the big partial-offload compute buffer.
    expect(both.perGpu[0]!.computeBufferBytes).toBeGreaterThan(both.perGpu[1]!.computeBufferBytes)
    expect(both.notes.some((n) => n.startsWith('Layer split') && n.includes('-ts '))).toBe(true)
  })

  it('a model one GPU holds fully is not split: the other GPU is left out and says so', () => {
    const r = fit(model('llama-3.1-8b'), 'Q4_K_M', s, [meraxes, caraxes])
    expect(r.verdict).toBe('fits')
    expect(r.perGpu).toHaveLength(1)
    expect(r.notes.some((n) => n.includes('left out'))).toBe(true)
  })

  it('full offload over two GPUs pays the pipeline-parallel input copies on each (GGML_SCHED_MAX_COPIES = 4)', () => {
    const m = model('qwen2.5-32b')
    const settings = { ...s, contextLength: 2048 }
    const r = fit(m, 'Q6_K', settings, [meraxes, caraxes])
    expect(r.verdict).toBe('fits')
    expect(r.perGpu).toHaveLength(2)
    const p = computePhases(m, settings)
    const first = r.perGpu.find((g) => !g.holdsOutput)!
    const last = r.perGpu.find((g) => g.holdsOutput)!
    expect(first.computeBufferBytes).toBe(Math.max(p.attentionBytes, p.ffnBytes) + 3 * p.inputCopyBytes)
    // The GPU with the output head runs the graph's whole pattern: the buffer ggml-alloc
    // reserves for it (graph/allocator.ts), plus the copies.
    expect(last.computeBufferBytes).toBe(p.graphBytes! + 3 * p.inputCopyBytes)
  })

  it('a runtime without RPC (crossNodeSplit false) plans a cross-node set on one node', () => {
    const m = model('gemma-3-27b')
    const r = fitInference(catalog, m, weightLayout(m, 'F16'), s, [meraxes, caraxes], {
      crossNodeSplit: false,
    })
    expect(r.perGpu).toHaveLength(1)
    expect(r.gpuLayers).toBe(25)
    expect(r.notes.some((n) => n.includes('cannot split across nodes'))).toBe(true)
  })

  it('plans the lab sets through the public planner the same way', () => {
    // runtime llama.cpp: the default Ollama profile has no RPC and answers a cross-node set with why not.
    const r = plan({
      model: 'gemma-3-27b',
      quantization: 'F16',
      ...s,
      runtime: 'llama.cpp',
      targets: ['meraxes', 'caraxes'],
    }).results[0]!
    expect(r.gpuLayers).toBeGreaterThan(25)
  })
})
