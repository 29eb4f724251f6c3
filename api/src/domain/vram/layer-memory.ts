/**
 * What one block keeps per token (KV) and per sequence (recurrent state), by architecture
 * class, as llama.cpp allocates it:
 * - attention: a K row of Hkv(il)·Dh_k and a V row of Hkv(il)·Dh_v values
 *   (`llama_hparams::n_embd_k_gqa` / `n_embd_v_gqa`, src/llama-hparams.cpp), per-layer Hkv
 *   from `attention.head_count_kv` when it is an array;
 * - MLA (DeepSeek V2/V3): one latent K row of kv_lora_rank + rope dims and no V
 *   (src/llama-kv-cache.cpp: `has_v = !is_mla`);
 * - recurrent blocks: no KV, a fixed F32 state of n_embd_r + n_embd_s values per sequence
 *   (src/llama-memory-recurrent.cpp; `recurrent_kv_size = max(1, n_seq_max)` and F32 types in
 *   `llama_model::create_memory`, src/llama-model.cpp);
 * - embedding models: no memory at all (`create_memory` returns none for BERT-style encoders).
 */
import type { Architecture } from './tensors.ts'

/** llama.cpp keeps recurrent states in F32 (recurrent_type_k/v = GGML_TYPE_F32). */
const RECURRENT_STATE_BYTES_PER_VALUE = 4

function isRecurrentLayer(a: Architecture, il: number): boolean {
  return a.recurrent !== null && a.recurrent.layers.includes(il)
}

function kvHeadsOf(a: Architecture, il: number): number {
  return a.kvHeadsByLayer?.[il] ?? a.kvHeads
}

/** Values of the K row and of the V row one cell of layer `il` holds (0 = no such row). */
export function kvRowValues(a: Architecture, il: number): { k: number; v: number } {
  const heads = kvHeadsOf(a, il)
  if (a.embeddingModel || isRecurrentLayer(a, il) || heads === 0) return { k: 0, v: 0 }
  if (a.mla) return { k: a.mla.kvLoraRank + a.mla.ropeHeadDim, v: 0 }
  return { k: heads * a.headDim, v: heads * (a.valueHeadDim ?? a.headDim) }
}

/** Fixed recurrent state of layer `il` for `parallel` sequences, whatever the context. */
export function recurrentStateBytes(a: Architecture, il: number, parallel: number): number {
  if (!a.recurrent || !isRecurrentLayer(a, il)) return 0
  const values = a.recurrent.rollingStateValues + a.recurrent.stateValues
  return Math.max(1, parallel) * values * RECURRENT_STATE_BYTES_PER_VALUE
}
