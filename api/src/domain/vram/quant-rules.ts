/**
 * Which ggml type each tensor gets under a llama-quantize preset: an emulation of
 * ggml-org/llama.cpp `src/llama-quant.cpp` (llama_tensor_get_type_impl, tensor_type_fallback,
 * tensor_requires_imatrix) for non-Falcon architectures, every preset of QUANT_PRESETS, as
 * summarised in docs/research/vram-formulas.md#quantization-presets.
 * https://github.com/ggml-org/llama.cpp/blob/master/src/llama-quant.cpp
 */
import {
  PRESET_DEFAULT_TYPE,
  withShapeFallback,
  fitsBlocks,
  type GgmlType,
  type QuantPreset,
} from './ggml-types.ts'
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
  return (
    t.shape.length >= 2 &&
    t.name.endsWith('.weight') &&
    !t.name.includes('_norm') &&
    !t.name.includes('ffn_gate_inp')
  )
}

/** What the rules read besides the tensor: the preset, whether an importance matrix was given, the model. */
interface RuleContext {
  preset: QuantPreset
  type: GgmlType
  t: TensorSpec
  a: Architecture
  imatrix: boolean
}

type Rule = (ctx: RuleContext) => GgmlType

const is = (preset: QuantPreset, ...presets: QuantPreset[]) => presets.includes(preset)
const gqa = (a: Architecture) => a.heads / a.kvHeads
const experts = (a: Architecture) => a.moe?.experts ?? 0

/** The IQ1/IQ2 mixes have a branch of their own in llama_tensor_get_type_impl. */
const LOW_BIT: readonly QuantPreset[] = ['IQ2_XXS', 'IQ2_XS', 'IQ1_S', 'IQ2_S', 'IQ2_M', 'IQ1_M']
const IQ2_S_LIKE: readonly QuantPreset[] = ['IQ2_S', 'IQ2_M']

/** output.weight, and token_embd when embeddings are tied (it then doubles as the output). */
const outputRule: Rule = ({ preset, type, t }) => {
  if (preset === 'MXFP4') return 'Q8_0'
  if (!fitsBlocks(type, t.shape[0]!)) return 'Q8_0'
  if (is(preset, 'IQ2_XXS', 'IQ2_XS', 'IQ3_XXS', 'IQ1_S', 'IQ2_S', 'IQ2_M', 'IQ1_M')) return 'Q5_K'
  return type === 'Q8_0' ? 'Q8_0' : 'Q6_K'
}

/** Untied token_embd: the very low-bit mixes raise it, every other preset keeps its default type. */
const tokenEmbdRule: Rule = ({ preset, type }) => {
  if (is(preset, 'IQ2_XXS', 'IQ2_XS', 'IQ1_S', 'IQ1_M')) return 'Q2_K'
  if (is(preset, 'IQ2_S', 'IQ2_M', 'IQ3_XXS')) return 'IQ3_S'
  return type
}

/** The IQ1/IQ2 branch: attn_v, attn_k of 8-expert models, the first eighth of ffn_down, attn_output. */
const lowBitRule =
  (category: Category): Rule =>
  ({ preset, type, t, a }) => {
    const iq2s = IQ2_S_LIKE.includes(preset)
    if (category === 'attn_v') return gqa(a) >= 4 || experts(a) >= 4 ? 'Q4_K' : iq2s ? 'IQ3_S' : 'Q2_K'
    if (category === 'attn_k' && experts(a) === 8) return 'Q4_K'
    if (category === 'ffn_down') return t.layer < Math.trunc(a.layers / 8) ? (iq2s ? 'IQ3_S' : 'Q2_K') : type
    if (category === 'attn_output') {
      if (experts(a) === 8) return 'Q5_K'
      if (is(preset, 'IQ1_S', 'IQ1_M')) return 'IQ2_XXS'
      if (iq2s) return 'IQ3_S'
    }
    return type
  }

/** attn_v and the fused attn_qkv, counted by layer (qs.i_attention_wv). */
const attnVRule: Rule = ({ preset, type, t, a, imatrix }) => {
  const i = t.layer
  const g4 = gqa(a) >= 4
  let next = type
  if (preset === 'Q2_K') next = g4 ? 'Q4_K' : 'Q3_K'
  else if (preset === 'Q2_K_S' && g4) next = 'Q4_K'
  else if (preset === 'IQ3_XXS') next = g4 ? 'Q4_K' : imatrix ? 'IQ3_XXS' : 'IQ3_S'
  else if (is(preset, 'IQ3_XS', 'IQ3_S') && g4) next = 'Q4_K'
  else if (preset === 'IQ3_M') next = 'Q4_K'
  else if (preset === 'Q3_K_M') next = i < 2 ? 'Q5_K' : 'Q4_K'
  else if (preset === 'Q3_K_L') next = 'Q5_K'
  else if (is(preset, 'IQ4_NL', 'IQ4_XS') && g4) next = 'Q5_K'
  else if (is(preset, 'Q4_K_M', 'Q5_K_M') && useMoreBits(i, a.layers)) next = 'Q6_K'
  else if (preset === 'Q4_K_S' && i < 4) next = 'Q5_K'
  if (is70B(a) && (next === 'Q3_K' || next === 'Q4_K')) next = 'Q5_K'
  if (experts(a) === 8) next = 'Q8_0'
  return next
}

const attnKRule: Rule = ({ preset, type, a }) => {
  if (experts(a) === 8) return 'Q8_0'
  if (preset === 'IQ3_XS') return 'IQ3_XXS'
  if (preset === 'IQ3_XXS') return 'IQ2_S'
  return type
}

const attnQRule: Rule = ({ preset, type }) =>
  preset === 'IQ3_XS' ? 'IQ3_XXS' : preset === 'IQ3_XXS' ? 'IQ2_S' : type

/** ffn_down and ffn_down_exps, by block index (the first match of llama.cpp's else-if chain wins). */
const ffnDownRule: Rule = ({ preset, type, t, a, imatrix }) => {
  const i = t.layer
  const n = a.layers
  const firstEighth = i < Math.trunc(n / 8)
  if (preset === 'Q2_K') return 'Q3_K'
  if (preset === 'Q2_K_S') return firstEighth ? 'Q4_K' : type
  if (preset === 'IQ3_XXS' && !imatrix) return firstEighth ? 'Q4_K' : 'Q3_K'
  if (preset === 'Q3_K_M') return i < Math.trunc(n / 16) ? 'Q5_K' : 'Q4_K'
  if (preset === 'IQ3_M' && (firstEighth || (experts(a) === 8 && useMoreBits(i, n)))) return 'Q4_K'
  if (preset === 'Q3_K_L') return 'Q5_K'
  if (preset === 'Q4_K_M') return useMoreBits(i, n) ? 'Q6_K' : type
  if (firstEighth && is(preset, 'IQ4_NL', 'IQ4_XS') && !imatrix) return 'Q5_K'
  if (preset === 'Q5_K_M' && useMoreBits(i, n)) return 'Q6_K'
  if (preset === 'Q4_K_S' && firstEighth) return 'Q5_K'
  // With an imatrix, llama-quantize guards the first ffn_down layers of Q4_0/Q5_0 with Q4_1/Q5_1.
  if (is(preset, 'Q4_0', 'Q5_0') && imatrix && firstEighth) return preset === 'Q4_0' ? 'Q4_1' : 'Q5_1'
  return type
}

const ATTN_OUTPUT_MOE8_BUMP: readonly QuantPreset[] = [
  'Q2_K',
  'IQ3_XS',
  'IQ3_XXS',
  'Q3_K_S',
  'Q3_K_M',
  'IQ4_NL',
  'Q4_K_S',
  'Q4_K_M',
  'IQ3_S',
  'IQ3_M',
  'IQ4_XS',
]
const ATTN_OUTPUT_DENSE: Partial<Record<QuantPreset, GgmlType>> = {
  Q2_K: 'Q3_K',
  IQ3_XXS: 'IQ3_S',
  Q3_K_M: 'Q4_K',
  Q3_K_L: 'Q5_K',
  IQ3_M: 'Q4_K',
}

const attnOutputRule: Rule = ({ preset, type, a }) => {
  if (experts(a) === 8) return ATTN_OUTPUT_MOE8_BUMP.includes(preset) ? 'Q5_K' : type
  return ATTN_OUTPUT_DENSE[preset] ?? type
}

/** ffn_gate / ffn_up: only IQ3_XS lowers the middle three quarters to IQ3_XXS. */
const ffnGateUpRule: Rule = ({ preset, type, t, a }) => {
  const n = a.layers
  const middle = t.layer >= Math.trunc(n / 8) && t.layer < Math.trunc((7 * n) / 8)
  return preset === 'IQ3_XS' && middle ? 'IQ3_XXS' : type
}

type Category = 'attn_v' | 'attn_k' | 'attn_q' | 'ffn_down' | 'attn_output' | 'ffn_gate_up'

/** tensor_get_category, for the names tensors.ts writes. */
function categoryOf(name: string): Category | null {
  if (name.includes('attn_v.weight') || name.includes('attn_qkv.weight')) return 'attn_v'
  if (name.includes('attn_k.weight')) return 'attn_k'
  if (name.includes('attn_q.weight')) return 'attn_q'
  if (name.includes('attn_output.weight')) return 'attn_output'
  if (name.includes('ffn_up') || name.includes('ffn_gate')) return 'ffn_gate_up'
  if (name.includes('ffn_down')) return 'ffn_down'
  return null
}

const CATEGORY_RULES: Record<Category, Rule> = {
  attn_v: attnVRule,
  attn_k: attnKRule,
  attn_q: attnQRule,
  ffn_down: ffnDownRule,
  attn_output: attnOutputRule,
  ffn_gate_up: ffnGateUpRule,
}

function ruleFor(t: TensorSpec, a: Architecture, preset: QuantPreset): Rule | null {
  const n = t.name
  if (n === 'output.weight' || (a.tiedEmbeddings && n === 'token_embd.weight')) return outputRule
  if (n === 'token_embd.weight') return tokenEmbdRule
  const category = categoryOf(n)
  if (!category) return null
  return LOW_BIT.includes(preset) ? lowBitRule(category) : CATEGORY_RULES[category]
}

/**
 * Presets whose published files are made with an importance matrix: llama-quantize refuses
 * IQ1/IQ2/IQ3_XXS tensors and Q2_K_S without one, and the IQ3/IQ4 files people download
 * (bartowski, unsloth) carry one too. The K- and legacy quants default to none, as Ollama builds them.
 */
export function defaultImatrix(preset: QuantPreset): boolean {
  return preset.startsWith('IQ') || preset === 'Q2_K_S'
}

/** How a file was made: the preset, an importance matrix, and a recipe's own type for non-expert matrices. */
export interface QuantOptions {
  imatrix?: boolean
  /** MXFP4 only: what every matrix but the experts is (MXFP4_MOE: Q8_0; Ollama's gpt-oss blobs: BF16). */
  nonExpertType?: NonExpertType
}

export const NON_EXPERT_TYPES = ['Q8_0', 'BF16', 'F16'] as const
export type NonExpertType = (typeof NON_EXPERT_TYPES)[number]

/** The type a tensor is stored as in a file made by `llama-quantize [--imatrix] <f16> <preset>`. */
export function tensorType(
  t: TensorSpec,
  a: Architecture,
  preset: QuantPreset,
  options: QuantOptions = {},
): GgmlType {
  if (!isQuantizable(t)) return 'F32'
  if (preset === 'F16' || preset === 'BF16') return preset
  const base = PRESET_DEFAULT_TYPE[preset]
  const imatrix = options.imatrix ?? defaultImatrix(preset)
  if (preset === 'MXFP4') {
    // MXFP4_MOE: 3-D expert tensors MXFP4, every other matrix (output included) Q8_0.
    return withShapeFallback(t.shape.length >= 3 ? 'MXFP4' : (options.nonExpertType ?? 'Q8_0'), t.shape[0]!)
  }
  const rule = ruleFor(t, a, preset)
  const chosen = rule ? rule({ preset, type: base, t, a, imatrix }) : base
  return withShapeFallback(chosen, t.shape[0]!)
}

const IMATRIX_TYPES: readonly GgmlType[] = ['IQ3_XXS', 'IQ2_XXS', 'IQ2_XS', 'IQ2_S', 'IQ1_M', 'IQ1_S']

/** tensor_requires_imatrix: llama-quantize stops with "this quantization requires an imatrix!". */
export function requiresImatrix(t: TensorSpec, type: GgmlType, preset: QuantPreset): boolean {
  if (t.name === 'token_embd.weight' || t.name === 'output.weight') return false
  return IMATRIX_TYPES.includes(type) || (type === 'Q2_K' && preset === 'Q2_K_S')
}
