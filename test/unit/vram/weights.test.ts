import { describe, expect, it } from 'vitest'
import { weightLayout } from '../../../api/src/domain/vram/weights.ts'
import { useMoreBits } from '../../../api/src/domain/vram/quant-rules.ts'
import { ggmlBytes, type QuantPreset } from '../../../api/src/domain/vram/ggml-types.ts'
import { LLAMA_QUANTIZE_LLAMA3_8B_GIB, WEIGHTS_TOLERANCE } from '../../../api/src/domain/vram/accuracy.ts'
import { GIB, MIB, model } from './helpers.ts'

/** |ours − published| / published. */
const relErr = (bytes: number, publishedGiB: number) => Math.abs(bytes / GIB - publishedGiB) / publishedGiB

describe('ggml block sizes (ggml src/ggml-common.h, docs/research/vram-formulas.md#weights)', () => {
  it('stores 256 values in the documented bytes per block', () => {
    expect(ggmlBytes('Q4_K', 256)).toBe(144)
    expect(ggmlBytes('Q6_K', 256)).toBe(210)
    expect(ggmlBytes('Q8_0', 256)).toBe(8 * 34)
    expect(ggmlBytes('Q4_0', 256)).toBe(8 * 18)
    expect(ggmlBytes('IQ4_XS', 256)).toBe(136)
    expect(ggmlBytes('MXFP4', 256)).toBe(8 * 17)
  })
})

describe('use_more_bits (llama.cpp src/llama-quant.cpp)', () => {
  it("picks the first and last eighth and every third layer between: 16 of Llama-3-8B's 32 layers", () => {
    const picked = Array.from({ length: 32 }, (_, i) => i).filter((i) => useMoreBits(i, 32))
    expect(picked.slice(0, 6)).toEqual([0, 1, 2, 3, 6, 9])
    expect(picked.length).toBe(16)
  })
})

// llama-quantize's printed sizes for Llama-3-8B (LLAMA_QUANTIZE_LLAMA3_8B_GIB, from QUANT_OPTIONS in
// tools/quantize/quantize.cpp). Llama 3.1 8B has the same tensor shapes, so its emulated file must match
// them within 0.5 %.
describe('weights of Llama-3.1-8B against llama-quantize sizes of Llama-3-8B (tools/quantize/quantize.cpp)', () => {
  for (const [preset, gib] of Object.entries(LLAMA_QUANTIZE_LLAMA3_8B_GIB)) {
    it(`${preset} is within 0.5 % of ${gib} GiB`, () => {
      const w = weightLayout(model('llama-3.1-8b'), preset as QuantPreset)
      expect(relErr(w.fileBytes, gib)).toBeLessThan(WEIGHTS_TOLERANCE)
    })
  }

  it('F16 is 2 bytes per matrix weight (16.06 GB for 8.03 B parameters)', () => {
    const w = weightLayout(model('llama-3.1-8b'), 'F16')
    expect(w.parameterCount).toBeGreaterThan(8.02e9)
    expect(w.parameterCount).toBeLessThan(8.04e9)
    expect(w.fileBytes / 1e9).toBeCloseTo(16.06, 1)
  })
})

describe('weights of other models against published sizes', () => {
  it('Llama-3.1-70B Q4_0 is 37.22 GiB (llama.cpp log in ollama#6279)', () => {
    expect(relErr(weightLayout(model('llama-3.1-70b'), 'Q4_0').fileBytes, 37.22)).toBeLessThan(0.005)
  })

  // docs/research/vram-formulas.md#quantization-presets
  it('Qwen2.5-72B Q4_K_M is 47.4 GB, not ~44: ffn_down (ne[0] = 29568) falls back to Q5_0/Q8_0', () => {
    const w = weightLayout(model('qwen2.5-72b'), 'Q4_K_M')
    expect(w.fileBytes / 1e9).toBeCloseTo(47.41, 1)
    const down = w.tensors.filter((t) => t.name.endsWith('ffn_down.weight'))
    expect(new Set(down.map((t) => t.type))).toEqual(new Set(['Q5_0', 'Q8_0']))
  })

  // docs/research/vram-formulas.md#model-reference
  it('gpt-oss-20b MXFP4_MOE is 12.10 GB and its output/token_embd are Q8_0', () => {
    const w = weightLayout(model('gpt-oss-20b'), 'MXFP4')
    expect(w.fileBytes / 1e9).toBeCloseTo(12.1, 1)
    expect(w.tensors.find((t) => t.name === 'token_embd.weight')?.type).toBe('Q8_0')
    expect(w.inputBytes / MIB).toBeCloseTo(587, 0)
  })

  it('Mixtral-8x7B stores attn_k and attn_v as Q8_0 in Q4_K_M (n_expert == 8 rule)', () => {
    const w = weightLayout(model('mixtral-8x7b'), 'Q4_K_M')
    const kv = w.tensors.filter((t) => /attn_[kv]\.weight$/.test(t.name))
    expect(new Set(kv.map((t) => t.type))).toEqual(new Set(['Q8_0']))
  })

  it('Llama-3.1-70B Q4_K_M bumps attn_v to Q5_K on layers without use_more_bits (LLM_TYPE_70B rule)', () => {
    const w = weightLayout(model('llama-3.1-70b'), 'Q4_K_M')
    expect(w.tensors.find((t) => t.name === 'blk.10.attn_v.weight')?.type).toBe('Q5_K')
    expect(w.tensors.find((t) => t.name === 'blk.0.attn_v.weight')?.type).toBe('Q6_K')
  })

  // Worked out independently of this code (a per-tensor emulation of llama-quantize's rules, by hand):
  // file GB and GPU-resident GiB at full offload, docs/research/vram-formulas.md#model-reference.
  it.each([
    ['llama-3.2-3b', 2.01, 1.87],
    ['qwen2.5-7b', 4.68, 4.07],
    ['qwen2.5-14b', 8.98, 7.96],
    ['qwen3-8b', 5.02, 4.35],
    ['mistral-nemo-12b', 7.47, 6.6],
    ['gemma-2-9b', 5.76, 5.36],
    ['gemma-3-12b', 7.29, 6.79],
    ['gemma-3-27b', 16.54, 15.4],
    ['phi-4', 9.06, 8.16],
    ['qwen3-30b-a3b', 18.55, 17.11],
    ['mixtral-8x7b', 28.45, 26.43],
  ])('%s Q4_K_M is %s GB with %s GiB on the GPU at full offload', (id, gb, gpuGib) => {
    const w = weightLayout(model(id), 'Q4_K_M')
    expect(Math.abs(w.fileBytes / 1e9 - gb) / gb).toBeLessThan(0.005)
    const gpu = w.layerBytes.reduce((a, b) => a + b, 0) + w.outputBytes
    expect(Math.abs(gpu / GIB - gpuGib) / gpuGib).toBeLessThan(0.005)
  })

  // docs/research/vram-formulas.md#weights-placement
  it('tied embeddings: Gemma-3-27B holds token_embd on the host and a duplicate on the GPU, 1.1 GiB each', () => {
    const w = weightLayout(model('gemma-3-27b'), 'Q4_K_M')
    expect(w.inputBytes / GIB).toBeCloseTo(1.08, 1)
    expect(w.outputBytes).toBeGreaterThan(w.inputBytes)
    expect(w.fileBytes).toBe(w.inputBytes + w.layerBytes.reduce((a, b) => a + b, 0) + w.outputHostBytes)
  })
})

// The remaining llama-quantize presets. Sizes from llama-quantize's own table (tools/quantize/quantize.cpp
// QUANT_OPTIONS, "G" = GiB, Llama-3-8B: same shapes as Llama 3.1 8B) and from the published files of
// https://huggingface.co/bartowski/Meta-Llama-3.1-70B-Instruct-GGUF (GB, all made with an imatrix).
describe('the remaining llama-quantize presets (llama.cpp src/llama-quant.cpp)', () => {
  const llamaQuantize = { Q3_K_S: 3.41, Q3_K_L: 4.03, Q4_1: 4.78, Q5_0: 5.21, Q5_1: 5.65 } as const
  for (const [preset, gib] of Object.entries(llamaQuantize)) {
    it(`Llama 3.1 8B ${preset} is within 0.5 % of llama-quantize's ${gib} GiB`, () => {
      expect(
        relErr(weightLayout(model('llama-3.1-8b'), preset as keyof typeof llamaQuantize).fileBytes, gib),
      ).toBeLessThan(0.005)
    })
  }

  // The sizes its model card lists ("Download a file" table), checked there; the smaller i-quants are
  // left out until their published sizes are checked the same way.
  const bartowski70b = { IQ4_XS: 37.9, Q3_K_L: 37.14, IQ3_M: 31.94 } as const
  for (const [preset, gb] of Object.entries(bartowski70b)) {
    it(`Llama 3.1 70B ${preset} with an imatrix is within 0.5 % of the published ${gb} GB`, () => {
      const bytes = weightLayout(model('llama-3.1-70b'), preset as keyof typeof bartowski70b, {
        imatrix: true,
      }).fileBytes
      expect(Math.abs(bytes / 1e9 - gb) / gb).toBeLessThan(0.005)
    })
  }

  it('IQ4_XS without an imatrix raises ffn_down of the first eighth to Q5_K (38.26 GB for the 70B)', () => {
    const without = weightLayout(model('llama-3.1-70b'), 'IQ4_XS', { imatrix: false })
    expect(without.fileBytes / 1e9).toBeCloseTo(38.26, 2)
    const downs = without.tensors.filter((t) => t.name.endsWith('ffn_down.weight'))
    expect(downs.filter((t) => t.type === 'Q5_K')).toHaveLength(10) // layers 0-9 of 80
    // imatrix by default
    expect(weightLayout(model('llama-3.1-70b'), 'IQ4_XS').fileBytes).toBeLessThan(without.fileBytes)
  })

  it('stores each IQ type in its documented block (bits per weight printed by llama-quantize)', () => {
    const bpw = (type: Parameters<typeof ggmlBytes>[0]) => (ggmlBytes(type, 256) * 8) / 256
    expect(bpw('IQ1_S')).toBe(1.5625) // "1.56 bpw"
    expect(bpw('IQ1_M')).toBe(1.75)
    expect(bpw('IQ2_XXS')).toBe(2.0625) // "2.06 bpw"
    expect(bpw('IQ2_XS')).toBe(2.3125) // "2.31 bpw"
    expect(bpw('IQ2_S')).toBe(2.5625)
    expect(bpw('IQ3_XXS')).toBe(3.0625) // "3.06 bpw"
    expect(bpw('IQ3_S')).toBe(3.4375) // "3.44 bpw"
    expect(bpw('IQ4_XS')).toBe(4.25)
    expect(bpw('IQ4_NL')).toBe(4.5)
  })
})
