/**
 * Which ggml type each tensor gets under a llama-quantize preset: an emulation of
 * ggml-org/llama.cpp `src/llama-quant.cpp` (llama_model_quantize_impl + llama_tensor_get_type),
 * for the non-IQ1/IQ2/IQ3 presets, as summarised in docs/research/vram-formulas.md#quantization-presets.
 */
import { PRESET_DEFAULT_TYPE, withShapeFallback, fitsBlocks, type GgmlType, type QuantPreset } from './ggml-types.ts'
import type { Architecture, TensorSpec } from './tensors.ts'

/** `use_more_bits`: first and last eighth, and every third layer between (≈ half the layers). */
export function useMoreBits(i: number, n: number): boolean {
  const eighth = Math.trunc(n / 8)
  return i < eighth || i >= Math.trunc((7 * n) / 8) || (i - eighth) % 3 === 2
}

/** llama.cpp types llama/qwen2 models with 80 layers as LLM_TYPE_70B (llama-model.cpp load_hparams). */
function is70B(a: Architecture): boolean {
  return a.layers === 80 && ['llama', 'qwen2'].includes(a.llamaCppArchitecture) && a.heads !== a.kvHeads
}

/** llama_model_quantize_impl: only matrices whose name ends in "weight"; norms and the router stay F32. */
function isQuantizable(t: TensorSpec): boolean {
  return t.shape.length >= 2 && t.name.endsWith('.weight') && !t.name.includes('_norm') && !t.name.includes('ffn_gate_inp')
}

type Rule = (ctx: { preset: QuantPreset; type: GgmlType; t: TensorSpec; a: Architecture }) => GgmlType

/** output.weight, and token_embd when embeddings are tied (it then doubles as the output). */
const outputRule: Rule = ({ preset, type, t }) => {
  if (preset === 'MXFP4') return 'Q8_0'
  if (!fitsBlocks(type, t.shape[0]!)) return 'Q8_0'
  return type === 'Q8_0' ? 'Q8_0' : 'Q6_K'
}

/** attn_v and the fused attn_qkv, counted by layer (qs.i_attention_wv). */
const attnVRule: Rule = ({ preset, type, t, a }) => {
  const i = t.layer
  let next = type
  const gqa = a.heads / a.kvHeads
  if (preset === 'Q2_K') next = gqa >= 4 ? 'Q4_K' : 'Q3_K'
  else if (preset === 'Q3_K_M') next = i < 2 ? 'Q5_K' : 'Q4_K'
  else if (preset === 'IQ4_XS' && gqa >= 4) next = 'Q5_K'
  else if ((preset === 'Q4_K_M' || preset === 'Q5_K_M') && useMoreBits(i, a.layers)) next = 'Q6_K'
  else if (preset === 'Q4_K_S' && i < 4) next = 'Q5_K'
  if (is70B(a) && (next === 'Q3_K' || next === 'Q4_K')) next = 'Q5_K'
  if (a.moe?.experts === 8) next = 'Q8_0'
  return next
}

/** ffn_down and ffn_down_exps, by block index. */
const ffnDownRule: Rule = ({ preset, type, t, a }) => {
  const i = t.layer
  const n = a.layers
  if (preset === 'Q2_K') return 'Q3_K'
  if (preset === 'Q3_K_M') return i < Math.trunc(n / 16) ? 'Q5_K' : 'Q4_K'
  if (preset === 'Q4_K_M' || preset === 'Q5_K_M') return useMoreBits(i, n) ? 'Q6_K' : type
  if (preset === 'IQ4_XS') return i < Math.trunc(n / 8) ? 'Q5_K' : type
  if (preset === 'Q4_K_S') return i < Math.trunc(n / 8) ? 'Q5_K' : type
  return type
}

const ATTN_OUTPUT_MOE8_BUMP: readonly QuantPreset[] = ['Q2_K', 'Q3_K_M', 'Q4_K_S', 'Q4_K_M', 'IQ4_XS']

const attnOutputRule: Rule = ({ preset, type, a }) => {
  if (a.moe?.experts === 8) return ATTN_OUTPUT_MOE8_BUMP.includes(preset) ? 'Q5_K' : type
  if (preset === 'Q2_K') return 'Q3_K'
  if (preset === 'Q3_K_M') return 'Q4_K'
  return type
}

function ruleFor(t: TensorSpec, a: Architecture): Rule | null {
  const n = t.name
  if (n === 'output.weight' || (a.tiedEmbeddings && n === 'token_embd.weight')) return outputRule
  if (n === 'token_embd.weight') return null // untied input embedding keeps the default type
  if (n.includes('attn_v.weight') || n.includes('attn_qkv.weight')) return attnVRule
  if (n.includes('attn_k.weight')) return ({ type }) => (a.moe?.experts === 8 ? 'Q8_0' : type)
  if (n.includes('ffn_down')) return ffnDownRule
  if (n.includes('attn_output.weight')) return attnOutputRule
  return null
}

/** The type a tensor is stored as in a file made by `llama-quantize <f16> <preset>`. */
export function tensorType(t: TensorSpec, a: Architecture, preset: QuantPreset): GgmlType {
  if (!isQuantizable(t)) return 'F32'
  if (preset === 'F16' || preset === 'BF16') return preset
  const base = PRESET_DEFAULT_TYPE[preset]
  if (preset === 'MXFP4') {
    // MXFP4_MOE: 3-D expert tensors MXFP4, every other matrix (output included) Q8_0.
    return withShapeFallback(t.shape.length >= 3 ? 'MXFP4' : 'Q8_0', t.shape[0]!)
  }
  const rule = ruleFor(t, a)
  const chosen = rule ? rule({ preset, type: base, t, a }) : base
  return withShapeFallback(chosen, t.shape[0]!)
}
