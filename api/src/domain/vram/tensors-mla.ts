/**
 * Attention tensors of a multi-head latent attention block (DeepSeek V2/V3), as
 * ggml-org/llama.cpp `src/llama-model.cpp` creates them for LLM_ARCH_DEEPSEEK2 from a GGUF
 * written by today's convert_hf_to_gguf.py (the split attn_k_b / attn_v_b form; legacy files
 * hold one attn_kv_b of the same element count).
 */
import type { Architecture, TensorSpec } from './tensors.ts'

export function mlaAttentionTensors(a: Architecture, blk: string, il: number): TensorSpec[] {
  const m = a.mla!
  const E = a.hiddenSize
  const H = a.heads
  const qk = m.nopeHeadDim + m.ropeHeadDim
  const t = (name: string, shape: number[]): TensorSpec => ({ name: `${blk}.${name}`, layer: il, shape })
  const q =
    m.qLoraRank === null
      ? [t('attn_q.weight', [E, H * qk])]
      : [
          t('attn_q_a.weight', [E, m.qLoraRank]),
          t('attn_q_a_norm.weight', [m.qLoraRank]),
          t('attn_q_b.weight', [m.qLoraRank, H * qk]),
        ]
  return [
    t('attn_norm.weight', [E]),
    ...q,
    t('attn_kv_a_mqa.weight', [E, m.kvLoraRank + m.ropeHeadDim]),
    t('attn_kv_a_norm.weight', [m.kvLoraRank]),
    t('attn_k_b.weight', [m.nopeHeadDim, m.kvLoraRank, H]),
    t('attn_v_b.weight', [m.kvLoraRank, m.valueHeadDim, H]),
    t('attn_output.weight', [H * m.valueHeadDim, E]),
  ]
}
