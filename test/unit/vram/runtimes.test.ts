/**
 * Runtime profiles (api/src/domain/vram/runtimes.ts), checked against the rules of the runtimes' source:
 * ollama/ollama server/routes.go (default num_ctx by VRAM), server/sched.go (automaticGenerationBatch),
 * llm/llama_server.go (-c num_ctx·np -np np); ggml-org/llama.cpp tools/server/server.cpp (4 auto slots,
 * unified KV), common/common.h (fit_params_target 1024 MiB, fit_params_min_ctx 4096).
 */
import { describe, expect, it } from 'vitest'
import { ollamaAutomaticBatch, ollamaDefaultContext } from '../../../api/src/domain/vram/runtimes.ts'
import { labGpus } from '../../../api/src/domain/vram/targets.ts'
import { catalog, GIB, MIB, plan, only, planError } from './helpers.ts'

const applied = (r: ReturnType<typeof only>) =>
  Object.fromEntries(r.settings!.fromProfile.map((f) => [f.field, f.value]))

describe('runtime ollama (the default)', () => {
  it('qwen2.5:14b on CARAXES runs with num_ctx 4096 and num_batch 512, and says both came from the profile', () => {
    const a = plan({ model: 'qwen2.5:14b', runtime: 'ollama', targets: ['caraxes'] })
    expect(a.runtime.id).toBe('ollama')
    const r = only(a)
    // 8 GiB < 23 GiB ⇒ 4096 (routes.go); 4096 tokens ≤ 4096 ⇒ batch 512 (sched.go generationBatchForContext).
    expect(r.settings).toMatchObject({
      contextLength: 4096,
      ubatch: 512,
      parallel: 1,
      kvUnified: false,
      flashAttention: true,
      cacheTypeK: 'f16',
      cacheTypeV: 'f16',
    })
    expect(applied(r)).toMatchObject({ contextLength: 4096, ubatch: 512, parallel: 1 })
    expect(r.settings!.fromProfile.find((f) => f.field === 'contextLength')!.rule).toContain(
      '8 GiB of VRAM on caraxes',
    )
    expect(a.settings).toMatchObject({ contextLength: 4096, ubatch: 512 })
    expect(plan({ model: 'qwen2.5:14b', targets: ['caraxes'] }).runtime.id).toBe('ollama')
  })

  it('MERAXES (24 GiB) gets 32768 tokens and, with VRAM to spare, a 1024 batch', () => {
    const r = only(plan({ model: 'qwen2.5:14b', targets: ['meraxes'] }))
    // Predicted: 8.98 GB file + 2·48·8·(5120/40)·32768·2 B = 6.44 GB of f16 KV = 15.4 GB ≤ 75 % of 25.8 GB,
    // and the 768 MiB surcharge fits under 80 %: batch 1024 (sched.go generationBatchFits).
    expect(r.settings).toMatchObject({ contextLength: 32768, ubatch: 1024 })
  })

  it('caps the VRAM tier at the trained context (llm/server.go NewLlamaServer)', () => {
    expect(only(plan({ model: 'gemma-2-9b', targets: ['meraxes'] })).settings!.contextLength).toBe(8192)
  })

  it('caps a num_ctx above the trained context, and says so (llm/server.go NewLlamaServer)', () => {
    const a = plan({ model: 'qwen2.5-7b', contextLength: 65536, targets: ['meraxes'] })
    expect(only(a).settings!.contextLength).toBe(32768)
    expect(applied(only(a)).contextLength).toBe(32768)
    expect(a.warnings.join(' ')).toContain('Ollama caps num_ctx at 32768')
    expect(
      only(plan({ model: 'qwen2.5-7b', runtime: 'llama.cpp', contextLength: 65536, targets: ['meraxes'] }))
        .settings!.contextLength,
    ).toBe(65536)
  })

  it('the default context tiers at 23 and 47 GiB', () => {
    expect(ollamaDefaultContext(8 * GIB)).toBe(4096)
    expect(ollamaDefaultContext(23 * GIB)).toBe(32768)
    expect(ollamaDefaultContext(48 * GIB)).toBe(262144)
  })

  it('the automatic batch backs off when the predicted VRAM leaves no headroom', () => {
    const meraxes = labGpus(catalog).filter((g) => g.node.id === 'meraxes')
    expect(ollamaAutomaticBatch(65536, 5e9, meraxes, true)).toBe(2048) // 5 GB ≤ 60 % of 25.8 GB
    expect(ollamaAutomaticBatch(65536, 17e9, meraxes, true)).toBe(1024) // > 60 %, ≤ 75 %
    expect(ollamaAutomaticBatch(65536, 21e9, meraxes, true)).toBe(512) // > 80 %
    const caraxes = labGpus(catalog).filter((g) => g.node.id === 'caraxes')
    expect(ollamaAutomaticBatch(8192, 1e9, caraxes, false)).toBe(256) // CUDA, no FA, ≤ 8 GiB card, > 4096 tokens
  })

  it('parallel requests each get num_ctx cells (-c num_ctx·np -np np, not unified)', () => {
    const one = only(plan({ model: 'llama-3.1-8b', contextLength: 4096, targets: ['meraxes'] }))
    const two = only(plan({ model: 'llama-3.1-8b', contextLength: 4096, parallel: 2, targets: ['meraxes'] }))
    expect(two.breakdown!.kvCacheBytes).toBe(2 * one.breakdown!.kvCacheBytes)
  })

  it("keeps llama.cpp --fit's 1024 MiB per GPU free on top of the 457 MiB CUDA context", () => {
    const r = only(plan({ model: 'llama-3.1-8b', contextLength: 4096, targets: ['caraxes'] }))
    expect(r.perGpu[0]!.overheadBytes).toBe((457 + 1024) * MIB)
    expect(r.settings!.fitMarginBytes).toBe(1024 * MIB)
  })

  it('leaves cross-node sets out of "all" and plans an explicit one on its best node, saying why', () => {
    const all = plan({ model: 'llama-3.1-70b', contextLength: 8192, targets: 'all' })
    expect(all.results.every((r) => !r.target.crossNode)).toBe(true)
    expect(all.warnings.join(' ')).toContain('cannot split a model across nodes')
    const split = only(plan({ model: 'llama-3.1-70b', contextLength: 8192, targets: ['meraxes', 'caraxes'] }))
    const alone = only(plan({ model: 'llama-3.1-70b', contextLength: 8192, targets: ['meraxes'] }))
    // Adding CARAXES's GPU must not lower what MERAXES holds alone (issue: adding a GPU never
    // lowers gpuLayers); Ollama cannot use it across the node boundary, so the set is MERAXES.
    expect(split.gpuLayers).toBe(alone.gpuLayers)
    expect(split.verdict).toBe(alone.verdict)
    expect(split.perGpu.map((g) => g.node)).toEqual(['meraxes'])
    expect(split.notes.join(' ')).toContain('ollama/ollama#4643')
    expect(all.runtime.crossNode).toBe(false)
  })

  it('refuses what Ollama cannot be told, naming the field', () => {
    expect(planError({ model: 'llama-3.1-8b', cacheTypeK: 'q8_0', cacheTypeV: 'f16' })).toMatchObject({
      kind: 'invalid',
      pointer: '/cacheTypeV',
    })
    expect(planError({ model: 'llama-3.1-8b', kvCacheType: 'q5_1' })).toMatchObject({
      kind: 'invalid',
      pointer: '/kvCacheType',
    })
    expect(planError({ model: 'llama-3.1-8b', noKvOffload: true })).toMatchObject({
      kind: 'invalid',
      pointer: '/noKvOffload',
    })
    expect(planError({ model: 'llama-3.1-8b', tensorSplit: [1], targets: ['meraxes'] })).toMatchObject({
      kind: 'invalid',
      pointer: '/tensorSplit',
    })
  })
})

describe('runtime ollama: what its tags hold', () => {
  // Ollama's free margin is LLAMA_ARG_FIT_TARGET.
  it('gemma3:12b carries its vision projector; Ollama keeps projector + 1 GiB free for it', () => {
    const r = only(plan({ model: 'gemma3:12b', contextLength: 4096, targets: ['meraxes'] }))
    // SigLIP: 843,383,232 B = 804.3 MiB → ceil to 805 MiB + 1024 MiB (llm/llama_server.go mmprojFitTargetMiB).
    expect(r.settings!.projector).toEqual({ bytes: 843_383_232, onGpu: true })
    expect(r.settings!.fitMarginBytes).toBe((805 + 1024) * MIB)
    expect(r.perGpu[0]!.overheadBytes).toBe((457 + 805 + 1024) * MIB)
    expect(applied(r).fitMarginBytes).toBe((805 + 1024) * MIB)
  })

  // MXFP4 experts, BF16 rest: ≈ 14 GB as ollama.com lists it.
  it("gpt-oss:20b is Ollama's recipe; the registry id is MXFP4_MOE", () => {
    const tag = plan({ model: 'gpt-oss:20b', targets: ['meraxes'] })
    expect(tag.model.bytesByType.Q8_0 ?? 0).toBe(0)
    expect(tag.model.bytesByType.BF16).toBeGreaterThan(0)
    expect(Math.abs(tag.model.weightsBytes / 1e9 - 14) / 14).toBeLessThan(0.03)
    expect(tag.warnings.join(' ')).toContain('its own recipe')
    const stock = plan({ model: 'gpt-oss-20b', quantization: 'MXFP4', targets: ['meraxes'] })
    // llama-bench prints "gpt-oss 20B MXFP4 MoE 11.27 GiB" (ggml-org/llama.cpp#16991)
    expect(stock.model.weightsBytes / 2 ** 30).toBeCloseTo(11.27, 1)
  })

  it('llama.cpp loads no projector unless told (--mmproj), and a text-only tag has none', () => {
    expect(
      only(plan({ model: 'gemma3:12b', runtime: 'llama.cpp', contextLength: 4096, targets: ['meraxes'] }))
        .settings!.projector,
    ).toBeNull()
    expect(only(plan({ model: 'qwen2.5:14b', targets: ['meraxes'] })).settings!.projector).toBeNull()
  })
})

describe('runtime llama-server', () => {
  it('defaults to 4 slots sharing one unified KV cache and the trained context, shrunk by --fit to what fits', () => {
    const r = only(plan({ model: 'llama-3.1-8b', runtime: 'llama-server', targets: ['caraxes'] }))
    const s = r.settings!
    expect(s).toMatchObject({ parallel: 4, kvUnified: true, ubatch: 512 })
    expect(s.contextLength % 256).toBe(0)
    expect(s.contextLength).toBeLessThan(131072)
    expect(s.contextLength).toBeGreaterThanOrEqual(4096)
    expect(r.verdict).toBe('fits')
    expect(applied(r).contextLength).toBe(s.contextLength)
    // One unified stream: the KV is that of -c cells, not 4 × -c (f16 Llama 3.1 8B: 128 KiB a cell).
    expect(r.breakdown!.kvCacheBytes).toBe(s.contextLength * 128 * 1024)
    const more = only(
      plan({
        model: 'llama-3.1-8b',
        runtime: 'llama-server',
        contextLength: s.contextLength + 512,
        targets: ['caraxes'],
      }),
    )
    expect(more.verdict).not.toBe('fits')
  })

  // On MERAXES: Llama 3.1 8B's 16 GiB of KV does not fit, a 32k-class Qwen does.
  it('keeps the trained context where it fits', () => {
    const r = only(plan({ model: 'qwen2.5-7b', runtime: 'llama-server', targets: ['meraxes'] }))
    expect(r.settings!.contextLength).toBe(32768)
  })

  it('with -np N and no unified cache, each slot gets -c / N cells', () => {
    const r = only(
      plan({
        model: 'llama-3.1-8b',
        runtime: 'llama-server',
        contextLength: 8192,
        parallel: 2,
        targets: ['meraxes'],
      }),
    )
    expect(r.settings).toMatchObject({ parallel: 2, kvUnified: false })
    expect(r.breakdown!.kvCacheBytes).toBe(8192 * 128 * 1024)
  })

  it('a unified cache widens sliding windows by the slots (llama-kv-cache-iswa.cpp n_swa·n_seq_max + n_ubatch)', () => {
    const unified = only(
      plan({ model: 'gemma-3-12b', runtime: 'llama-server', contextLength: 32768, targets: ['meraxes'] }),
    )
    const single = only(
      plan({ model: 'gemma-3-12b', runtime: 'llama.cpp', contextLength: 32768, targets: ['meraxes'] }),
    )
    // 40 window layers × (pad256(1024·4 + 512) − pad256(1024 + 512)) cells × 8 KiB (Hkv 8 × Dh 256 × 2 × 2 B).
    expect(unified.breakdown!.kvCacheBytes - single.breakdown!.kvCacheBytes).toBe(
      40 * (4608 - 1536) * 8 * 1024,
    )
  })
})

describe('runtime llama.cpp: separate K and V types, -ts, -nkvo', () => {
  it('sizes K and V by their own types', () => {
    const r = only(
      plan({
        model: 'llama-3.1-8b',
        runtime: 'llama.cpp',
        contextLength: 8192,
        cacheTypeK: 'q8_0',
        cacheTypeV: 'q4_0',
        targets: ['meraxes'],
      }),
    )
    // 32 layers × 8192 cells × 1024 values × (34/32 + 18/32) B.
    expect(r.breakdown!.kvCacheBytes).toBe((32 * 8192 * 1024 * (34 + 18)) / 32)
    expect(r.settings).toMatchObject({ cacheTypeK: 'q8_0', cacheTypeV: 'q4_0' })
  })

  it('a quantized V needs flash attention; a quantized K alone does not', () => {
    expect(
      planError({ model: 'llama-3.1-8b', runtime: 'llama.cpp', cacheTypeV: 'q8_0', flashAttention: false }),
    ).toMatchObject({ pointer: '/cacheTypeV' })
    expect(
      only(
        plan({
          model: 'llama-3.1-8b',
          runtime: 'llama.cpp',
          contextLength: 4096,
          cacheTypeK: 'q8_0',
          flashAttention: false,
          targets: ['meraxes'],
        }),
      ).verdict,
    ).toBe('fits')
  })

  it('-nkvo keeps the whole KV cache in host memory and off the GPU', () => {
    const r = only(
      plan({
        model: 'llama-3.1-8b',
        runtime: 'llama.cpp',
        contextLength: 65536,
        noKvOffload: true,
        targets: ['caraxes'],
      }),
    )
    expect(r.breakdown!.kvCacheBytes).toBe(0)
    expect(r.hostMemory!.kvCacheBytes).toBe(8 * GIB) // 65536 cells × 128 KiB
    expect(r.verdict).toBe('fits')
    // At a full context, attention reads all 8 GiB from host memory (40 GB/s catalogued): under 5 t/s.
    expect(r.tokensPerSecondAtFullContext!).toBeLessThan(40e9 / (8 * GIB))
  })

  it('-ts sets the layer shares of a split', () => {
    const even = only(
      plan({
        model: 'llama-3.1-70b',
        runtime: 'llama.cpp',
        contextLength: 4096,
        targets: ['meraxes', 'caraxes'],
        tensorSplit: [1, 1],
      }),
    )
    const [m, c] = even.perGpu
    const held = (g: typeof m) => (g!.layers ? g!.layers.last - g!.layers.first + 1 : 0)
    expect(Math.abs(held(m) - held(c))).toBeLessThanOrEqual(1)
    expect(
      planError({ model: 'llama-3.1-70b', runtime: 'llama.cpp', targets: ['meraxes'], tensorSplit: [1, 1] }),
    ).toMatchObject({ pointer: '/tensorSplit' })
  })
})
