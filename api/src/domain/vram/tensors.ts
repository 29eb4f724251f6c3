/**
 * Emulates the tensor list of a GGUF file from an architecture: names and shapes as
 * convert_hf_to_gguf.py writes them (ne[0] = the row length, the input dimension of a matrix).
 * Types are assigned afterwards by the preset rules (quant-rules.ts).
 */
import type { LlmArchitecture, TensorFeature } from './model-schemas.ts'
import { mlaAttentionTensors } from './tensors-mla.ts'
import { bertTensorList } from './tensors-bert.ts'

/** What the tensor list needs to know about a model. */
export interface Architecture {
  llamaCppArchitecture: string
  layers: number
  hiddenSize: number
  heads: number
  kvHeads: number
  headDim: number
  ffnSize: number
  vocabSize: number
  tiedEmbeddings: boolean
  contextLength: number
  maxContextLength: number
  slidingWindow: { windowTokens: number; pattern: number } | null
  moe: LlmArchitecture['moe']
  tensorFeatures: TensorFeature[]
  shipsMxfp4: boolean
  valueHeadDim: number | null
  kvHeadsByLayer: number[] | null
  mla: LlmArchitecture['mla']
  recurrent: LlmArchitecture['recurrent']
  embeddingModel: boolean
}

export interface TensorSpec {
  name: string
  /** Repeating block index, or -1 for the input embedding, `layers` for the output head. */
  layer: number
  /** ggml order: ne[0] is the row length. */
  shape: number[]
}

export function elementsOf(t: TensorSpec): number {
  return t.shape.reduce((a, b) => a * b, 1)
}

const has = (a: Architecture, f: TensorFeature) => a.tensorFeatures.includes(f)

function attentionTensors(a: Architecture, blk: string, il: number): TensorSpec[] {
  const E = a.hiddenSize
  const q = a.heads * a.headDim
  const kv = a.kvHeads * a.headDim
  const t = (name: string, shape: number[]): TensorSpec => ({ name: `${blk}.${name}`, layer: il, shape })
  const out: TensorSpec[] = [t('attn_norm.weight', [E])]
  if (has(a, 'fused-qkv')) {
    out.push(t('attn_qkv.weight', [E, q + 2 * kv]))
    if (has(a, 'qkv-bias')) out.push(t('attn_qkv.bias', [q + 2 * kv]))
  } else {
    out.push(t('attn_q.weight', [E, q]), t('attn_k.weight', [E, kv]), t('attn_v.weight', [E, kv]))
    if (has(a, 'qkv-bias')) out.push(t('attn_q.bias', [q]), t('attn_k.bias', [kv]), t('attn_v.bias', [kv]))
  }
  if (has(a, 'qk-norm')) out.push(t('attn_q_norm.weight', [a.headDim]), t('attn_k_norm.weight', [a.headDim]))
  out.push(t('attn_output.weight', [q, E]))
  if (has(a, 'attn-output-bias')) out.push(t('attn_output.bias', [E]))
  if (has(a, 'attn-sinks')) out.push(t('attn_sinks.weight', [a.heads]))
  if (has(a, 'post-norms')) out.push(t('post_attention_norm.weight', [E]))
  return out
}

function ffnTensors(a: Architecture, blk: string, il: number): TensorSpec[] {
  const E = a.hiddenSize
  const t = (name: string, shape: number[]): TensorSpec => ({ name: `${blk}.${name}`, layer: il, shape })
  const out: TensorSpec[] = [t('ffn_norm.weight', [E])]
  if (a.moe && il >= a.moe.leadingDenseLayers) {
    const { experts: n, expertFfnSize: f, sharedExperts } = a.moe
    // The router (ffn_gate_inp) is kept F32 by convert and never quantized
    // (docs/research/vram-formulas.md#quantization-presets).
    out.push(t('ffn_gate_inp.weight', [E, n]))
    out.push(
      t('ffn_gate_exps.weight', [E, f, n]),
      t('ffn_up_exps.weight', [E, f, n]),
      t('ffn_down_exps.weight', [f, E, n]),
    )
    if (has(a, 'expert-bias')) {
      out.push(
        t('ffn_gate_inp.bias', [n]),
        t('ffn_gate_exps.bias', [f, n]),
        t('ffn_up_exps.bias', [f, n]),
        t('ffn_down_exps.bias', [E, n]),
      )
    }
    // DeepSeek's routing bias (e_score_correction_bias), llama.cpp LLM_TENSOR_FFN_EXP_PROBS_B.
    if (has(a, 'expert-score-bias')) out.push(t('exp_probs_b.bias', [n]))
    if (sharedExperts > 0) {
      const fs = sharedExperts * f
      out.push(
        t('ffn_gate_shexp.weight', [E, fs]),
        t('ffn_up_shexp.weight', [E, fs]),
        t('ffn_down_shexp.weight', [fs, E]),
      )
    }
  } else if (has(a, 'fused-gate-up')) {
    out.push(t('ffn_up.weight', [E, 2 * a.ffnSize]), t('ffn_down.weight', [a.ffnSize, E]))
  } else {
    out.push(
      t('ffn_gate.weight', [E, a.ffnSize]),
      t('ffn_up.weight', [E, a.ffnSize]),
      t('ffn_down.weight', [a.ffnSize, E]),
    )
  }
  if (has(a, 'post-norms')) out.push(t('post_ffw_norm.weight', [E]))
  return out
}

/** Every tensor of the file: input embedding, L repeating blocks, output head. */
export function tensorList(a: Architecture): TensorSpec[] {
  if (a.embeddingModel) return bertTensorList(a)
  const E = a.hiddenSize
  const list: TensorSpec[] = [{ name: 'token_embd.weight', layer: -1, shape: [E, a.vocabSize] }]
  for (let il = 0; il < a.layers; il++) {
    const attention = a.mla ? mlaAttentionTensors(a, `blk.${il}`, il) : attentionTensors(a, `blk.${il}`, il)
    list.push(...attention, ...ffnTensors(a, `blk.${il}`, il))
  }
  list.push({ name: 'output_norm.weight', layer: a.layers, shape: [E] })
  // Tied embeddings: no output tensor in the file; llama.cpp duplicates token_embd (§1.3).
  if (!a.tiedEmbeddings) list.push({ name: 'output.weight', layer: a.layers, shape: [E, a.vocabSize] })
  return list
}
