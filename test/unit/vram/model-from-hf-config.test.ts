/**
 * Models given by their Hugging Face config.json, in its own field names. Values are the
 * published configs (URLs in each case); expected KV from llama.cpp's per-layer formula.
 */
import { describe, expect, it } from 'vitest'
import { kvCacheBytes } from '../../../api/src/domain/vram/kv-cache.ts'
import { modelFromHfConfig, type HfConfig } from '../../../api/src/domain/vram/model-from-hf-config.ts'
import { plan, pointerOf } from './helpers.ts'

/** https://huggingface.co/Qwen/Qwen3-4B/blob/main/config.json (abridged to what matters and a few it ignores). */
const qwen3_4b: HfConfig = {
  architectures: ['Qwen3ForCausalLM'],
  model_type: 'qwen3',
  hidden_size: 2560,
  intermediate_size: 9728,
  num_hidden_layers: 36,
  num_attention_heads: 32,
  num_key_value_heads: 8,
  head_dim: 128,
  vocab_size: 151936,
  max_position_embeddings: 40960,
  tie_word_embeddings: true,
  rope_scaling: null,
  sliding_window: null,
  torch_dtype: 'bfloat16',
  bos_token_id: 151643,
  rms_norm_eps: 1e-6,
}

/** https://huggingface.co/deepseek-ai/DeepSeek-V3/blob/main/config.json */
const deepseekV3: HfConfig = {
  architectures: ['DeepseekV3ForCausalLM'],
  model_type: 'deepseek_v3',
  hidden_size: 7168,
  intermediate_size: 18432,
  moe_intermediate_size: 2048,
  num_hidden_layers: 61,
  num_attention_heads: 128,
  num_key_value_heads: 128,
  n_shared_experts: 1,
  n_routed_experts: 256,
  num_experts_per_tok: 8,
  first_k_dense_replace: 3,
  q_lora_rank: 1536,
  kv_lora_rank: 512,
  qk_rope_head_dim: 64,
  qk_nope_head_dim: 128,
  v_head_dim: 128,
  vocab_size: 129280,
  max_position_embeddings: 163840,
  tie_word_embeddings: false,
  rope_scaling: { type: 'yarn', factor: 40, original_max_position_embeddings: 4096, beta_fast: 32 },
}

/** https://huggingface.co/google/gemma-3-4b-it/blob/main/config.json (text_config of the multimodal model). */
const gemma3_4b: HfConfig = {
  architectures: ['Gemma3ForConditionalGeneration'],
  model_type: 'gemma3',
  text_config: {
    model_type: 'gemma3_text',
    hidden_size: 2560,
    intermediate_size: 10240,
    num_hidden_layers: 34,
    num_attention_heads: 8,
    num_key_value_heads: 4,
    head_dim: 256,
    sliding_window: 1024,
    sliding_window_pattern: 6,
    vocab_size: 262208,
    max_position_embeddings: 131072,
    rope_scaling: { rope_type: 'linear', factor: 8 },
  },
  vision_config: { hidden_size: 1152 },
}

const kv = (ctx: number) => ({ contextLength: ctx, parallel: 1, ubatch: 512, kvCacheType: 'f16' as const })

describe('config.json as the architecture', () => {
  it('reads Qwen3-4B in its own field names and plans it', () => {
    const m = modelFromHfConfig(qwen3_4b)
    expect(m.arch).toMatchObject({
      llamaCppArchitecture: 'qwen3',
      layers: 36,
      hiddenSize: 2560,
      heads: 32,
      kvHeads: 8,
      headDim: 128,
      tiedEmbeddings: true,
      tensorFeatures: ['qk-norm'],
    })
    // 36 layers × (K + V) 8·128 × 2 bytes = 147,456 bytes (144 KiB) per token
    expect(kvCacheBytes(m.arch, kv(1024))).toBe(1024 * 147_456)
    const answer = plan({
      model: { config: qwen3_4b },
      quantization: 'Q4_K_M',
      contextLength: 4096,
      targets: ['caraxes'],
    })
    expect(answer.results[0]!.verdict).toBe('fits')
    expect(answer.warnings.join(' ')).toMatch(/not used .*torch_dtype, bos_token_id, rms_norm_eps/)
  })

  it('emulates DeepSeek-V3 with the same 671 B parameters as its GGUF header, and MLA KV', () => {
    const answer = plan({
      model: { config: deepseekV3 },
      quantization: 'Q4_K_M',
      contextLength: 8192,
      targets: ['meraxes'],
    })
    expect(answer.model.parameterCount).toBe(671_026_419_200)
    const m = modelFromHfConfig(deepseekV3)
    expect(m.arch.maxContextLength).toBe(163840) // yarn 4096 × 40
    expect(kvCacheBytes(m.arch, kv(8192))).toBe(61 * 8192 * 576 * 2)
  })

  it('reads text_config of a multimodal config, with Gemma 3 window layers', () => {
    const m = modelFromHfConfig(gemma3_4b)
    expect(m.arch).toMatchObject({
      llamaCppArchitecture: 'gemma3',
      layers: 34,
      slidingWindow: { windowTokens: 1024, pattern: 6 },
      tiedEmbeddings: true,
      maxContextLength: 131072, // linear scaling without an original window: max_position_embeddings is already scaled
    })
    // 29 window layers hold pad256(1024 + 512) = 1536 cells, 5 global layers the context: K + V 4·256 × 2 bytes
    expect(kvCacheBytes(m.arch, kv(8192))).toBe((29 * 1536 + 5 * 8192) * 4096)
  })

  it('derives the window pattern from layer_types', () => {
    const types = Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? 'sliding_attention' : 'full_attention'))
    const m = modelFromHfConfig({
      ...qwen3_4b,
      num_hidden_layers: 24,
      sliding_window: 128,
      layer_types: types,
    })
    expect(m.arch.slidingWindow).toEqual({ windowTokens: 128, pattern: 2 })
  })

  it('names what it cannot model or what is missing', () => {
    const hybrid = {
      ...qwen3_4b,
      layer_types: ['linear_attention', ...Array<string>(35).fill('full_attention')],
    }
    expect(pointerOf(() => modelFromHfConfig(hybrid))).toBe('/model/config/layer_types/0')
    expect(pointerOf(() => modelFromHfConfig({ ...qwen3_4b, model_type: 'mamba' }))).toBe(
      '/model/config/model_type',
    )
    expect(pointerOf(() => modelFromHfConfig({ ...qwen3_4b, vocab_size: undefined }))).toBe(
      '/model/config/vocab_size',
    )
    expect(pointerOf(() => modelFromHfConfig({ ...qwen3_4b, num_key_value_heads: 5 }))).toBe(
      '/model/config/num_key_value_heads',
    )
  })
})
