/** What GET /quantizations and GET /models/{id} show about presets: rules in words, sizes per model. */
import { z } from 'zod'
import { GGML_TYPES, PRESET_DEFAULT_TYPE, QUANT_PRESETS, type QuantPreset } from './ggml-types.ts'
import { QuantPresetSchema } from './model-schemas.ts'
import type { Architecture } from './tensors.ts'
import { defaultImatrix } from './quant-rules.ts'
import { weightLayout } from './weights.ts'

const RULES: Record<QuantPreset, string> = {
  F16: 'every matrix F16; norms and router F32',
  BF16: 'every matrix BF16; norms and router F32',
  Q8_0: 'every matrix Q8_0 (output included)',
  Q6_K: 'every matrix Q6_K; rows not a multiple of 256 fall back to Q8_0',
  Q5_K_M: 'Q5_K; attn_v and ffn_down Q6_K on use_more_bits layers; output Q6_K',
  Q5_K_S: 'Q5_K; output Q6_K',
  Q5_1: 'Q5_1; output Q6_K',
  Q5_0: 'Q5_0; output Q6_K; with an imatrix ffn_down Q5_1 in the first eighth',
  Q4_K_M:
    'Q4_K; attn_v and ffn_down Q6_K on use_more_bits layers; output Q6_K; 70B attn_v Q5_K; 8 experts attn_k/v Q8_0',
  Q4_K_S: 'Q4_K; attn_v Q5_K in the first 4 layers, ffn_down Q5_K in the first eighth; output Q6_K',
  Q4_1: 'Q4_1; output Q6_K',
  Q4_0: 'Q4_0; output Q6_K; with an imatrix ffn_down Q4_1 in the first eighth',
  Q3_K_L: 'Q3_K; attn_v, attn_output and ffn_down Q5_K; output Q6_K',
  Q3_K_M:
    'Q3_K; attn_v Q5_K (first 2) else Q4_K; ffn_down Q5_K (first sixteenth) else Q4_K; attn_output Q4_K; output Q6_K',
  Q3_K_S: 'Q3_K; output Q6_K; 70B attn_v Q5_K',
  Q2_K: 'Q2_K; attn_v Q4_K (GQA ≥ 4) or Q3_K; ffn_down and attn_output Q3_K; output Q6_K',
  Q2_K_S: 'Q2_K (needs an imatrix); attn_v Q4_K (GQA ≥ 4); ffn_down Q4_K in the first eighth; output Q6_K',
  IQ4_XS: 'IQ4_XS; attn_v Q5_K (GQA ≥ 4); ffn_down Q5_K in the first eighth without an imatrix; output Q6_K',
  IQ4_NL: 'IQ4_NL; attn_v Q5_K (GQA ≥ 4); ffn_down Q5_K in the first eighth without an imatrix; output Q6_K',
  IQ3_M: 'IQ3_S; attn_v Q4_K; attn_output Q4_K; ffn_down Q4_K in the first eighth; output Q6_K',
  IQ3_S: 'IQ3_S; attn_v Q4_K (GQA ≥ 4); output Q6_K',
  IQ3_XS:
    'IQ3_S; attn_q/k IQ3_XXS; ffn_gate/up IQ3_XXS in the middle three quarters; attn_v Q4_K (GQA ≥ 4); output Q6_K',
  IQ3_XXS:
    'IQ3_XXS (needs an imatrix); attn_q/k IQ2_S; attn_v Q4_K ' +
    '(GQA ≥ 4); attn_output IQ3_S; token_embd IQ3_S; output Q5_K',
  IQ2_M:
    'IQ2_S (needs an imatrix); attn_v Q4_K (GQA ≥ 4) else IQ3_S; ' +
    'ffn_down IQ3_S in the first eighth; token_embd IQ3_S; output Q5_K',
  IQ2_S:
    'IQ2_XS (needs an imatrix); attn_v Q4_K (GQA ≥ 4) else IQ3_S; ' +
    'ffn_down IQ3_S in the first eighth; token_embd IQ3_S; output Q5_K',
  IQ2_XS:
    'IQ2_XS (needs an imatrix); attn_v Q4_K (GQA ≥ 4) else Q2_K; ' +
    'ffn_down Q2_K in the first eighth; token_embd Q2_K; output Q5_K',
  IQ2_XXS:
    'IQ2_XXS (needs an imatrix); attn_v Q4_K (GQA ≥ 4) else Q2_K; ' +
    'ffn_down Q2_K in the first eighth; token_embd Q2_K; output Q5_K',
  IQ1_M:
    'IQ1_M (needs an imatrix); attn_v Q4_K (GQA ≥ 4) else Q2_K; attn_output ' +
    'IQ2_XXS; ffn_down Q2_K in the first eighth; token_embd Q2_K; output Q5_K',
  IQ1_S:
    'IQ1_S (needs an imatrix); attn_v Q4_K (GQA ≥ 4) else Q2_K; attn_output ' +
    'IQ2_XXS; ffn_down Q2_K in the first eighth; token_embd Q2_K; output Q5_K',
  MXFP4: 'MXFP4_MOE: expert tensors MXFP4, every other matrix Q8_0 (models that ship MXFP4 only)',
}

export const QuantizationInfoSchema = z
  .object({
    quantization: QuantPresetSchema,
    defaultType: z.string(),
    defaultBitsPerWeight: z.number(),
    rules: z.string(),
  })
  .meta({ id: 'QuantizationInfo' })

export function quantizationTable(): z.infer<typeof QuantizationInfoSchema>[] {
  return QUANT_PRESETS.map((q) => {
    const t = GGML_TYPES[PRESET_DEFAULT_TYPE[q]]
    return {
      quantization: q,
      defaultType: PRESET_DEFAULT_TYPE[q],
      defaultBitsPerWeight: (t.blockBytes * 8) / t.blockElements,
      rules: RULES[q],
    }
  })
}

export const ModelSizeSchema = z
  .object({
    quantization: QuantPresetSchema,
    weightsBytes: z.int().meta({ description: 'Tensor data of the GGUF file' }),
    imatrix: z
      .boolean()
      .meta({ description: "Sized as quantized with an importance matrix (the preset's usual practice)" }),
    gpuWeightsBytes: z
      .int()
      .meta({ description: 'On the GPU at full offload: file − token_embd (+ its duplicate when tied)' }),
    bitsPerWeight: z.number(),
  })
  .meta({ id: 'ModelSize' })

/** Emulated file size of every preset that applies to the model. */
export function modelSizes(a: Architecture): z.infer<typeof ModelSizeSchema>[] {
  return QUANT_PRESETS.filter((q) => q !== 'MXFP4' || (a.shipsMxfp4 && a.moe)).map((q) => {
    const w = weightLayout(a, q)
    const gpu = w.layerBytes.reduce((s, b) => s + b, 0) + w.outputBytes
    return {
      quantization: q,
      weightsBytes: w.fileBytes,
      imatrix: defaultImatrix(q),
      gpuWeightsBytes: gpu,
      bitsPerWeight: Math.round((w.fileBytes * 8000) / w.parameterCount) / 1000,
    }
  })
}
