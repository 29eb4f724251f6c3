/**
 * Tensors of a BERT-style embedding model as llama.cpp creates them (src/llama-model.cpp,
 * LLM_ARCH_BERT and LLM_ARCH_NOMIC_BERT): token, token-type and (BERT) learned position
 * embeddings with an embedding norm, then per block attention, FFN and two norms; no output
 * head. BERT keeps biases everywhere and an ungated FFN; nomic-bert fuses Q/K/V, gates its
 * FFN and has no biases or position table (rotary).
 */
import type { Architecture, TensorSpec } from './tensors.ts'

/** BERT's segment embeddings (type_vocab_size 2); XLM-R has 1, a 2 × E difference. */
const TOKEN_TYPES = 2

export function bertTensorList(a: Architecture): TensorSpec[] {
  const E = a.hiddenSize
  const F = a.ffnSize
  const nomic = a.llamaCppArchitecture === 'nomic-bert'
  const input = (name: string, shape: number[]): TensorSpec => ({ name, layer: -1, shape })
  const list: TensorSpec[] = [
    input('token_embd.weight', [E, a.vocabSize]),
    input('token_types.weight', [E, TOKEN_TYPES]),
    input('token_embd_norm.weight', [E]),
    input('token_embd_norm.bias', [E]),
  ]
  if (!nomic) list.push(input('position_embd.weight', [E, a.contextLength]))
  for (let il = 0; il < a.layers; il++) {
    const t = (name: string, shape: number[]): TensorSpec => ({ name: `blk.${il}.${name}`, layer: il, shape })
    const withBias = (name: string, shape: number[]) =>
      nomic ? [t(`${name}.weight`, shape)] : [t(`${name}.weight`, shape), t(`${name}.bias`, [shape[1]!])]
    const attention = nomic
      ? [t('attn_qkv.weight', [E, 3 * E])]
      : [...withBias('attn_q', [E, E]), ...withBias('attn_k', [E, E]), ...withBias('attn_v', [E, E])]
    const ffn = nomic
      ? [t('ffn_up.weight', [E, F]), t('ffn_gate.weight', [E, F]), t('ffn_down.weight', [F, E])]
      : [...withBias('ffn_up', [E, F]), ...withBias('ffn_down', [F, E])]
    list.push(
      ...attention,
      ...withBias('attn_output', [E, E]),
      t('attn_output_norm.weight', [E]),
      t('attn_output_norm.bias', [E]),
      ...ffn,
      t('layer_output_norm.weight', [E]),
      t('layer_output_norm.bias', [E]),
    )
  }
  return list
}
