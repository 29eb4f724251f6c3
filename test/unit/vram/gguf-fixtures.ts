/**
 * GGUF headers as @huggingface/gguf's gguf() returns them (JSON: bigints as numbers), built
 * from each model's published hyperparameters. The tensor lists follow llama.cpp's names and
 * shapes (src/llama-model.cpp load_tensors); the tokenizer arrays are left out, as the API allows.
 */
import type { GgufHeader, GgufTensorInfo } from '../../../api/src/domain/vram/gguf-schemas.ts'

/** enum ggml_type (ggml/include/ggml.h). */
export const F32 = 0
export const F16 = 1
export const Q8_0 = 8
export const Q4_K = 12
export const Q6_K = 14

const t = (name: string, shape: number[], dtype: number): GgufTensorInfo => ({
  name,
  shape,
  dtype,
  n_dims: shape.length,
  offset: 0,
})

/**
 * SmolLM2-135M (HuggingFaceTB/SmolLM2-135M config.json: 30 layers, hidden 576, 9 heads, 3 KV
 * heads, intermediate 1536, vocab 49152, tied embeddings), every matrix Q8_0, norms F32.
 */
export function smollm2Q8(): GgufHeader {
  const tensors: GgufTensorInfo[] = [t('token_embd.weight', [576, 49152], Q8_0)]
  for (let i = 0; i < 30; i++) {
    const b = `blk.${i}`
    tensors.push(
      t(`${b}.attn_norm.weight`, [576], F32),
      t(`${b}.attn_q.weight`, [576, 576], Q8_0),
      t(`${b}.attn_k.weight`, [576, 192], Q8_0),
      t(`${b}.attn_v.weight`, [576, 192], Q8_0),
      t(`${b}.attn_output.weight`, [576, 576], Q8_0),
      t(`${b}.ffn_norm.weight`, [576], F32),
      t(`${b}.ffn_gate.weight`, [576, 1536], Q8_0),
      t(`${b}.ffn_up.weight`, [576, 1536], Q8_0),
      t(`${b}.ffn_down.weight`, [1536, 576], Q8_0),
    )
  }
  tensors.push(t('output_norm.weight', [576], F32))
  return {
    metadata: {
      'general.architecture': 'llama',
      'general.name': 'SmolLM2 135M',
      'general.file_type': 7,
      'llama.block_count': 30,
      'llama.context_length': 8192,
      'llama.embedding_length': 576,
      'llama.feed_forward_length': 1536,
      'llama.attention.head_count': 9,
      'llama.attention.head_count_kv': 3,
      'llama.rope.dimension_count': 64,
      'llama.vocab_size': 49152,
    },
    tensorInfos: tensors,
  }
}

/**
 * DeepSeek-V3 (deepseek-ai/DeepSeek-V3 config.json: 61 layers, hidden 7168, 128 heads,
 * q_lora_rank 1536, kv_lora_rank 512, qk_rope 64, qk_nope 128, v_head 128, 256 routed experts
 * of 2048, 8 active, 1 shared, first 3 layers dense of 18432, vocab 129280) as converted with
 * MLA: key_length 576 = 512 + 64, value_length 512, head_count_kv 1, *_mla the real head sizes.
 */
export function deepseekV3(): GgufHeader {
  const E = 7168
  const tensors: GgufTensorInfo[] = [t('token_embd.weight', [E, 129280], Q4_K)]
  for (let i = 0; i < 61; i++) {
    const b = `blk.${i}`
    tensors.push(
      t(`${b}.attn_norm.weight`, [E], F32),
      t(`${b}.attn_q_a.weight`, [E, 1536], Q4_K),
      t(`${b}.attn_q_a_norm.weight`, [1536], F32),
      t(`${b}.attn_q_b.weight`, [1536, 128 * 192], Q4_K),
      t(`${b}.attn_kv_a_mqa.weight`, [E, 576], Q4_K),
      t(`${b}.attn_kv_a_norm.weight`, [512], F32),
      t(`${b}.attn_k_b.weight`, [128, 512, 128], Q8_0),
      t(`${b}.attn_v_b.weight`, [512, 128, 128], Q8_0),
      t(`${b}.attn_output.weight`, [128 * 128, E], Q4_K),
      t(`${b}.ffn_norm.weight`, [E], F32),
    )
    if (i < 3) {
      tensors.push(
        t(`${b}.ffn_gate.weight`, [E, 18432], Q4_K),
        t(`${b}.ffn_up.weight`, [E, 18432], Q4_K),
        t(`${b}.ffn_down.weight`, [18432, E], Q6_K),
      )
    } else {
      tensors.push(
        t(`${b}.ffn_gate_inp.weight`, [E, 256], F32),
        t(`${b}.exp_probs_b.bias`, [256], F32),
        t(`${b}.ffn_gate_exps.weight`, [E, 2048, 256], Q4_K),
        t(`${b}.ffn_up_exps.weight`, [E, 2048, 256], Q4_K),
        t(`${b}.ffn_down_exps.weight`, [2048, E, 256], Q6_K),
        t(`${b}.ffn_gate_shexp.weight`, [E, 2048], Q4_K),
        t(`${b}.ffn_up_shexp.weight`, [E, 2048], Q4_K),
        t(`${b}.ffn_down_shexp.weight`, [2048, E], Q6_K),
      )
    }
  }
  tensors.push(t('output_norm.weight', [E], F32), t('output.weight', [E, 129280], Q6_K))
  return {
    metadata: {
      'general.architecture': 'deepseek2',
      'general.name': 'DeepSeek V3',
      'general.file_type': 15,
      'deepseek2.block_count': 61,
      'deepseek2.context_length': 163840,
      'deepseek2.embedding_length': E,
      'deepseek2.feed_forward_length': 18432,
      'deepseek2.attention.head_count': 128,
      'deepseek2.attention.head_count_kv': 1,
      'deepseek2.attention.key_length': 576,
      'deepseek2.attention.value_length': 512,
      'deepseek2.attention.key_length_mla': 192,
      'deepseek2.attention.value_length_mla': 128,
      'deepseek2.attention.q_lora_rank': 1536,
      'deepseek2.attention.kv_lora_rank': 512,
      'deepseek2.rope.dimension_count': 64,
      'deepseek2.leading_dense_block_count': 3,
      'deepseek2.expert_count': 256,
      'deepseek2.expert_used_count': 8,
      'deepseek2.expert_shared_count': 1,
      'deepseek2.expert_feed_forward_length': 2048,
      'deepseek2.vocab_size': 129280,
    },
    tensorInfos: tensors,
  }
}

/**
 * Qwen3-Next-80B-A3B (Qwen/Qwen3-Next-80B-A3B-Instruct config.json: 48 layers, hidden 2048,
 * full attention every 4th layer with 16 heads, 2 KV heads, head_dim 256; gated delta net
 * between: linear_conv_kernel_dim 4, 16 key heads of 128, 32 value heads of 128; 512 experts
 * of 512, 10 active). The recurrent tensors are abbreviated to one projection per block: the
 * test is about the memory, not the file size.
 */
export function qwen3Next(): GgufHeader {
  const E = 2048
  const tensors: GgufTensorInfo[] = [t('token_embd.weight', [E, 151936], Q4_K)]
  for (let i = 0; i < 48; i++) {
    const b = `blk.${i}`
    tensors.push(t(`${b}.attn_norm.weight`, [E], F32))
    if ((i + 1) % 4 === 0) {
      tensors.push(
        t(`${b}.attn_q.weight`, [E, 16 * 256 * 2], Q4_K),
        t(`${b}.attn_k.weight`, [E, 512], Q4_K),
        t(`${b}.attn_v.weight`, [E, 512], Q6_K),
        t(`${b}.attn_output.weight`, [4096, E], Q4_K),
      )
    } else {
      tensors.push(t(`${b}.ssm_in.weight`, [E, 12288], Q4_K), t(`${b}.ssm_out.weight`, [4096, E], Q4_K))
    }
    tensors.push(
      t(`${b}.ffn_gate_inp.weight`, [E, 512], F32),
      t(`${b}.ffn_gate_exps.weight`, [E, 512, 512], Q4_K),
      t(`${b}.ffn_up_exps.weight`, [E, 512, 512], Q4_K),
      t(`${b}.ffn_down_exps.weight`, [512, E, 512], Q6_K),
    )
  }
  tensors.push(t('output_norm.weight', [E], F32), t('output.weight', [E, 151936], Q6_K))
  return {
    metadata: {
      'general.architecture': 'qwen3next',
      'general.name': 'Qwen3 Next 80B A3B',
      'general.file_type': 15,
      'qwen3next.block_count': 48,
      'qwen3next.context_length': 262144,
      'qwen3next.embedding_length': E,
      'qwen3next.feed_forward_length': 5120,
      'qwen3next.attention.head_count': 16,
      'qwen3next.attention.head_count_kv': 2,
      'qwen3next.attention.key_length': 256,
      'qwen3next.attention.value_length': 256,
      'qwen3next.expert_count': 512,
      'qwen3next.expert_used_count': 10,
      'qwen3next.expert_feed_forward_length': 512,
      'qwen3next.ssm.conv_kernel': 4,
      'qwen3next.ssm.state_size': 128,
      'qwen3next.ssm.group_count': 16,
      'qwen3next.ssm.time_step_rank': 32,
      'qwen3next.ssm.inner_size': 4096,
      'qwen3next.full_attention_interval': 4,
      'qwen3next.vocab_size': 151936,
    },
    tensorInfos: tensors,
  }
}
