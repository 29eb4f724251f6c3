/**
 * Models given by their GGUF header: weights from the declared tensor types, exact to the
 * byte; KV from llama.cpp's formula for each architecture class.
 */
import { describe, expect, it } from 'vitest'
import { kvCacheBytes } from '../../../api/src/domain/vram/kv-cache.ts'
import { modelFromGguf } from '../../../api/src/domain/vram/model-from-gguf.ts'
import { deepseekV3, qwen3Next, smollm2Q8, Q8_0 } from './gguf-fixtures.ts'
import { plan, pointerOf } from './helpers.ts'

const kv = (ctx: number, parallel = 1, kvCacheType: 'f16' | 'q8_0' = 'f16') => ({
  contextLength: ctx,
  parallel,
  ubatch: 512,
  kvCacheType,
})

describe('a GGUF header not in the registry (SmolLM2-135M Q8_0)', () => {
  // By hand, Q8_0 = 34 bytes per 32 values, F32 = 4 bytes:
  //   token_embd 576·49152/32·34 = 30,081,024
  //   per block: 2 norms 2·2304 + q, output 2·352,512 + k, v 2·117,504 + gate, up, down 3·940,032 = 3,764,736
  //   30 blocks 112,942,080 + output_norm 2,304 → 143,025,408 bytes
  const answer = plan({ model: { gguf: smollm2Q8() }, contextLength: 8192, targets: ['caraxes'] })

  it('sums the declared tensors to the byte', () => {
    expect(answer.model.weightsBytes).toBe(143_025_408)
    expect(answer.model.quantization).toBe('Q8_0')
    expect(answer.model.name).toBe('SmolLM2 135M')
    expect(answer.model.id).toBeNull()
  })

  it('sizes the KV cache with llama.cpp n_embd_k_gqa + n_embd_v_gqa', () => {
    // 30 layers × 8192 cells × (K 3·64 + V 3·64) × 2 bytes f16 = 188,743,680
    expect(answer.results[0]!.verdict).toBe('fits')
    expect(answer.results[0]!.breakdown!.kvCacheBytes).toBe(188_743_680)
  })

  it('accepts uint64 values as decimal strings, as JSON cannot hold a bigint', () => {
    const h = smollm2Q8()
    h.metadata['llama.block_count'] = '30'
    h.tensorInfos[0]!.shape = ['576', '49152']
    expect(plan({ model: { gguf: h }, targets: ['caraxes'] }).model.weightsBytes).toBe(143_025_408)
  })

  it('names the metadata key that is missing or wrong', () => {
    const h = smollm2Q8()
    delete h.metadata['llama.block_count']
    expect(pointerOf(() => modelFromGguf(h))).toBe('/model/gguf/metadata/llama.block_count')
    const bad = smollm2Q8()
    bad.metadata['llama.attention.head_count_kv'] = [3, 3]
    expect(pointerOf(() => modelFromGguf(bad))).toBe('/model/gguf/metadata/llama.attention.head_count_kv')
  })

  it('bounds the header like an inline architecture, so an absurd one costs nothing', () => {
    const h = smollm2Q8()
    h.metadata['llama.block_count'] = 1_000_000_000
    expect(pointerOf(() => modelFromGguf(h))).toBe('/model/gguf/metadata/llama.block_count')
    const big = smollm2Q8()
    big.tensorInfos[0]!.shape = ['576', '99999999999999999']
    expect(pointerOf(() => modelFromGguf(big))).toMatch(/^\/model\/gguf\/tensorInfos\/0\/shape/)
  })

  it('names a tensor of unknown type or with rows that are not whole blocks', () => {
    const h = smollm2Q8()
    h.tensorInfos[3]!.dtype = 99
    expect(pointerOf(() => modelFromGguf(h))).toBe('/model/gguf/tensorInfos/3/dtype')
    const odd = smollm2Q8()
    odd.tensorInfos[2]!.shape = [570, 576]
    expect(odd.tensorInfos[2]!.dtype).toBe(Q8_0)
    expect(pointerOf(() => modelFromGguf(odd))).toBe('/model/gguf/tensorInfos/2/shape/0')
  })

  it('refuses a quantization for a file, whose tensor types fix it', () => {
    expect(pointerOf(() => plan({ model: { gguf: smollm2Q8() }, quantization: 'Q4_K_M' }))).toBe(
      '/quantization',
    )
  })

  it('refuses one shard of a split file', () => {
    const h = smollm2Q8()
    h.metadata['split.count'] = 2
    h.metadata['split.tensors.count'] = 600
    expect(pointerOf(() => modelFromGguf(h))).toBe('/model/gguf/tensorInfos')
  })

  it('refuses an architecture whose memory it does not model, naming it', () => {
    const h = smollm2Q8()
    h.metadata['general.architecture'] = 'llama4'
    expect(pointerOf(() => modelFromGguf(h))).toBe('/model/gguf/metadata/general.architecture')
  })
})

describe('multi-head latent attention (DeepSeek V3 GGUF)', () => {
  const file = modelFromGguf(deepseekV3())

  it('counts 671 B parameters, as published for DeepSeek-V3 without its MTP module', () => {
    // 2 × 926,679,040 (embeddings) + 61 × 187,121,664 (attention + norms) + 3 × 396,361,728 (dense FFN)
    // + 58 × 11,320,164,608 (256 routed + 1 shared expert, router) + output_norm 7,168 = 671,026,419,200
    const answer = plan({ model: { gguf: deepseekV3() }, contextLength: 8192, targets: ['meraxes'] })
    expect(answer.model.parameterCount).toBe(671_026_419_200)
    expect(answer.results[0]!.verdict).not.toBe('fits')
  })

  // llama-kv-cache.cpp: has_v = !is_mla
  it('caches one latent row of kv_lora_rank + rope = 576 values per token and no V', () => {
    expect(file.arch.mla).toEqual({
      qLoraRank: 1536,
      kvLoraRank: 512,
      ropeHeadDim: 64,
      nopeHeadDim: 128,
      valueHeadDim: 128,
    })
    // f16: 61 layers × 8192 cells × 576 × 2 bytes = 575,668,224 (549 MiB); q8_0: 576/32 × 34 = 612 bytes a row
    expect(kvCacheBytes(file.arch, kv(8192))).toBe(575_668_224)
    expect(kvCacheBytes(file.arch, kv(8192, 1, 'q8_0'))).toBe(61 * 8192 * 612)
  })
})

describe('hybrid recurrent model (Qwen3-Next GGUF)', () => {
  const file = modelFromGguf(qwen3Next())

  it('marks 36 of 48 blocks recurrent (full attention every 4th, llama.cpp full_attention_interval)', () => {
    expect(file.arch.recurrent!.layers).toHaveLength(36)
    expect(file.arch.recurrent!.layers).not.toContain(3)
    // n_embd_r = (d_conv − 1)(d_inner + 2·n_group·d_state) = 3 · (4096 + 2·16·128) = 24,576
    // n_embd_s = d_state · d_inner = 128 · 4096 = 524,288 (llama-hparams.cpp)
    expect(file.arch.recurrent).toMatchObject({ rollingStateValues: 24_576, stateValues: 524_288 })
  })

  it('adds a fixed F32 state per sequence to the KV of the 12 attention blocks', () => {
    // KV: 12 × 4096 cells × (K 2·256 + V 2·256) × 2 bytes = 100,663,296
    // state: 36 × (24,576 + 524,288) × 4 bytes = 79,036,416 (75.38 MiB) per sequence, whatever the context
    expect(kvCacheBytes(file.arch, kv(4096))).toBe(100_663_296 + 79_036_416)
    expect(kvCacheBytes(file.arch, kv(8192))).toBe(2 * 100_663_296 + 79_036_416)
    expect(kvCacheBytes(file.arch, kv(4096, 2))).toBe(2 * (100_663_296 + 79_036_416))
  })
})

describe('a hybrid model plans with its own memory formula', () => {
  it('places 12 attention layers of KV and 36 recurrent states on the GPUs, and says so', () => {
    const answer = plan({ model: { gguf: qwen3Next() }, contextLength: 4096, targets: ['meraxes'] })
    const b = answer.results[0]!.breakdown!
    expect(b.kvCacheBytes + b.kvCacheHostBytes).toBe(100_663_296 + 79_036_416)
    expect(answer.assumptions.map((a) => a.term)).toContain('recurrent state')
  })
})

describe('per-layer KV heads and embedding models', () => {
  it('reads head_count_kv as an array, 0 = a block without attention', () => {
    const h = smollm2Q8()
    h.metadata['llama.attention.head_count_kv'] = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 3 : 1))
    const file = modelFromGguf(h)
    // 15 blocks × 3 heads + 15 × 1 head = 60 heads × 2 (K, V) × 64 × 2 bytes per token
    expect(kvCacheBytes(file.arch, kv(256))).toBe(256 * 60 * 2 * 64 * 2)
  })

  it('gives a BERT-style encoder no KV cache (llama_model::create_memory returns none)', () => {
    const h = smollm2Q8()
    h.metadata = Object.fromEntries(
      Object.entries(h.metadata).map(([k, v]) => [k.replace(/^llama\./, 'bert.'), v]),
    )
    h.metadata['general.architecture'] = 'bert'
    const answer = plan({ model: { gguf: h }, contextLength: 512, targets: ['caraxes'] })
    expect(answer.results[0]!.breakdown!.kvCacheBytes).toBe(0)
    expect(answer.warnings.join(' ')).toMatch(/no KV cache/)
  })
})

describe('sliding windows and projectors in a GGUF header', () => {
  it('reads a per-layer sliding_window_pattern array as its period', () => {
    const h = smollm2Q8()
    h.metadata['llama.attention.sliding_window'] = 4096
    h.metadata['llama.attention.sliding_window_pattern'] = Array.from({ length: 30 }, (_, il) => il % 3 < 2)
    expect(modelFromGguf(h).arch.slidingWindow).toEqual({ windowTokens: 4096, pattern: 3 })
  })

  it('warns when a window is set for an architecture whose window layers it does not know', () => {
    const h = smollm2Q8()
    h.metadata['llama.attention.sliding_window'] = 4096
    const file = modelFromGguf(h)
    expect(file.arch.slidingWindow).toBeNull()
    expect(file.warnings.join(' ')).toMatch(/every layer is sized for the full context/)
  })

  it('sends an mmproj header to projector', () => {
    const h = smollm2Q8()
    h.metadata['general.architecture'] = 'clip'
    expect(pointerOf(() => modelFromGguf(h))).toBe('/model/gguf/metadata/general.architecture')
  })
})
