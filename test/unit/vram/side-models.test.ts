/** Models loaded next to the planned one on its main GPU: a vision projector and a draft model. */
import { describe, expect, it } from 'vitest'
import { resolveRemoteModel } from '../../../api/src/fetch/resolve-remote-model.ts'
import { policyFromVars } from '../../../api/src/fetch/fetch-policy.ts'
import { planVramFit } from '../../../api/src/domain/vram/plan-vram-fit.ts'
import { VramFitRequestSchema } from '../../../api/src/domain/vram/schemas.ts'
import { fixtureFetch } from '../../fixtures/remote-models.ts'
import { F16, smollm2Q8 } from './gguf-fixtures.ts'
import { catalog, plan, pointerOf } from './helpers.ts'

/** https://huggingface.co/HuggingFaceTB/SmolLM2-1.7B/blob/main/config.json */
const smollm2_17b = {
  model_type: 'llama',
  num_hidden_layers: 24,
  hidden_size: 2048,
  num_attention_heads: 32,
  num_key_value_heads: 32,
  intermediate_size: 8192,
  vocab_size: 49152,
  max_position_embeddings: 8192,
  tie_word_embeddings: true,
}

describe('a speculative-decoding draft model', () => {
  it("puts the draft's weights, KV cache and compute buffer on the main GPU", () => {
    const answer = plan({
      model: { config: smollm2_17b },
      quantization: 'Q4_K_M',
      draft: { gguf: smollm2Q8() },
      contextLength: 4096,
      targets: ['caraxes'],
    })
    // SmolLM2-135M Q8_0 (tied): 30 blocks 112,942,080 + output_norm 2,304 + token_embd duplicated as output 30,081,024
    //   + KV 30 × 4096 × (3·64 + 3·64) × 2 B = 94,371,840
    //   + compute (FA on, B = 512, C = 4096), the output head is the peak: ggml-alloc puts the 2 KiB token
    //     ids at offset 0 (freed after the embedding lookup, a hole nothing later fits), keeps the unused
    //     embedding input [576, B] f32 for the whole graph, then the final norm [576, B] and the logits
    //     [49152, B] f32: 2,048 + 4·B·(49152 + 2·576) = 103,024,640 (docs/research/vram-formulas.md#compute-buffer)
    const b = answer.results[0]!.breakdown!
    expect(b.draftModelBytes).toBe(143_025_408 + 94_371_840 + 103_024_640)
    expect(answer.results[0]!.perGpu[0]!.sideModelsBytes).toBe(b.draftModelBytes)
    expect(b.totalGpuBytes).toBe(
      b.weightsGpuBytes + b.kvCacheBytes + b.computeBufferBytes + b.overheadBytes + b.draftModelBytes,
    )
  })

  it('over a split, only the main GPU (the first of the split) holds the draft, and pays it before its layers', () => {
    const base = {
      model: 'llama-3.1-70b',
      runtime: 'llama.cpp' as const,
      contextLength: 4096,
      targets: ['meraxes', 'caraxes'],
    }
    const alone = plan(base).results[0]!
    const withDraft = plan({ ...base, draft: 'llama-3.2-1b' }).results[0]!
    expect(withDraft.perGpu.length).toBeGreaterThan(1)
    const [main, ...rest] = withDraft.perGpu
    expect(main!.sideModelsBytes).toBe(withDraft.breakdown!.draftModelBytes)
    expect(rest.every((g) => g.sideModelsBytes === 0)).toBe(true)
    expect(withDraft.perGpu.every((g) => g.freeBytes >= 0)).toBe(true)
    // The draft takes room the main GPU's layers had: never more layers than without it.
    expect(withDraft.gpuLayers!).toBeLessThanOrEqual(alone.gpuLayers!)
  })

  it('refuses a draft whose vocabulary differs by more than 128 tokens (llama.cpp speculative.cpp)', () => {
    expect(pointerOf(() => plan({ model: 'llama-3.1-8b', draft: { gguf: smollm2Q8() } }))).toBe('/draft')
    expect(pointerOf(() => plan({ model: 'llama-3.1-8b', draft: 'no-such-model' }))).toBe('/draft')
    expect(pointerOf(() => plan({ model: 'llama-3.1-8b', draft: 'llama-3.2-3b', mode: 'lora' }))).toBe(
      '/draft',
    )
  })
})

describe('a vision projector (mmproj)', () => {
  it('sums the tensors of an mmproj header onto the main GPU', () => {
    const mmproj = {
      metadata: { 'general.architecture': 'clip' },
      tensorInfos: [
        { name: 'v.blk.0.attn_q.weight', shape: [1152, 1152], dtype: F16 },
        { name: 'mm.0.weight', shape: [1152, 1152], dtype: F16 },
      ],
    }
    const answer = plan({ model: 'gemma-3-12b', projector: { gguf: mmproj }, targets: ['meraxes'] })
    // 2 × 1152 × 1152 × 2 bytes (F16)
    expect(answer.results[0]!.breakdown!.projectorBytes).toBe(5_308_416)
    const host = plan({
      model: 'gemma-3-12b',
      projector: { gguf: mmproj, offload: false },
      targets: ['meraxes'],
    })
    expect(host.results[0]!.breakdown!.projectorBytes).toBe(0)
    expect(host.assumptions.find((a) => a.term === 'projector')!.formula).toMatch(/host RAM/)
  })

  it('counts the projector layer of an Ollama manifest, as Ollama loads it', async () => {
    const fetch = (url: string, init?: RequestInit) => fixtureFetch(new Request(url, init))
    const req = VramFitRequestSchema.parse({ model: 'smolvlm:256m', targets: ['caraxes'] })
    const answer = planVramFit(
      await resolveRemoteModel(req, catalog.llmModels, { policy: policyFromVars({}), fetch }),
      catalog,
    )
    expect(answer.results[0]!.breakdown!.projectorBytes).toBe(851_251_104)
  })
})
