/**
 * A model from its Hugging Face `config.json`, read in its own field names (transformers'
 * PretrainedConfig and each model's *Config class), mapped to the architecture llama.cpp's
 * convert_hf_to_gguf.py would write. Weights are then emulated per tensor like a registry
 * model. What a config cannot tell us (hybrid layers, unknown model types) is a 422 naming
 * the field, never a guess.
 */
import { z } from 'zod'
import { PlanInputError } from '../plan-input-error.ts'
import type { TensorFeature } from './model-schemas.ts'
import type { Architecture } from './tensors.ts'

const dim = z.int().min(1).max(16_777_216)

/** The fields the planner reads; config.json holds many more (dtype, token ids), listed in the answer's warnings. */
export const HfConfigSchema = z
  .looseObject({
    model_type: z.string().min(1).max(100).optional(),
    architectures: z.array(z.string().max(200)).max(8).optional(),
    _name_or_path: z.string().max(300).optional(),
    num_hidden_layers: z.int().min(1).max(256).optional(),
    hidden_size: dim.optional(),
    num_attention_heads: z.int().min(1).max(1024).optional(),
    num_key_value_heads: z.int().min(1).max(1024).optional(),
    head_dim: z.int().min(1).max(4096).optional(),
    intermediate_size: dim.optional(),
    vocab_size: dim.optional(),
    tie_word_embeddings: z.boolean().optional(),
    max_position_embeddings: dim.optional(),
    sliding_window: z.int().min(1).max(16_777_216).nullable().optional(),
    sliding_window_pattern: z.int().min(1).max(64).optional(),
    layer_types: z.array(z.string().max(50)).max(256).optional(),
    rope_scaling: z
      .looseObject({
        type: z.string().optional(),
        rope_type: z.string().optional(),
        factor: z.number().positive().optional(),
        original_max_position_embeddings: dim.optional(),
      })
      .nullable()
      .optional(),
    num_experts: z.int().min(1).max(1024).optional(),
    num_local_experts: z.int().min(1).max(1024).optional(),
    n_routed_experts: z.int().min(1).max(1024).optional(),
    num_experts_per_tok: z.int().min(1).max(1024).optional(),
    moe_intermediate_size: dim.optional(),
    n_shared_experts: z.int().min(0).max(64).nullable().optional(),
    first_k_dense_replace: z.int().min(0).max(256).optional(),
    q_lora_rank: z.int().min(1).max(65_536).nullable().optional(),
    kv_lora_rank: z.int().min(1).max(65_536).optional(),
    qk_rope_head_dim: z.int().min(1).max(4096).optional(),
    qk_nope_head_dim: z.int().min(1).max(4096).optional(),
    v_head_dim: z.int().min(1).max(4096).optional(),
    quantization_config: z.looseObject({ quant_method: z.string().optional() }).optional(),
    /** Multimodal configs (Gemma 3, Mistral 3) nest the language model here. */
    text_config: z.looseObject({}).optional(),
  })
  .meta({ id: 'HuggingFaceConfig', description: 'A config.json as published on Hugging Face, verbatim' })
export type HfConfig = z.infer<typeof HfConfigSchema>

interface Family {
  llamaCpp: string
  features: TensorFeature[]
  /** transformers' default for tie_word_embeddings in this model's Config class. */
  tied: boolean
  /** llama.cpp set_swa_pattern for the architecture; 0 = llama.cpp ignores sliding_window. */
  swaPattern: number
  /** An encoder (embedding model): no KV cache, no output head. */
  embedding?: boolean
}

/** model_type → what convert_hf_to_gguf.py writes and llama.cpp's loader does with it. */
const FAMILIES: Record<string, Family> = {
  llama: { llamaCpp: 'llama', features: [], tied: false, swaPattern: 0 },
  mistral: { llamaCpp: 'llama', features: [], tied: false, swaPattern: 0 },
  mixtral: { llamaCpp: 'llama', features: [], tied: false, swaPattern: 0 },
  qwen2: { llamaCpp: 'qwen2', features: ['qkv-bias'], tied: false, swaPattern: 0 },
  qwen3: { llamaCpp: 'qwen3', features: ['qk-norm'], tied: false, swaPattern: 0 },
  qwen3_moe: { llamaCpp: 'qwen3moe', features: ['qk-norm'], tied: false, swaPattern: 0 },
  gemma2: { llamaCpp: 'gemma2', features: ['post-norms'], tied: true, swaPattern: 2 },
  gemma3: { llamaCpp: 'gemma3', features: ['post-norms', 'qk-norm'], tied: true, swaPattern: 6 },
  gemma3_text: { llamaCpp: 'gemma3', features: ['post-norms', 'qk-norm'], tied: true, swaPattern: 6 },
  phi3: { llamaCpp: 'phi3', features: ['fused-qkv', 'fused-gate-up'], tied: false, swaPattern: 0 },
  gpt_oss: {
    llamaCpp: 'gpt-oss',
    features: ['qkv-bias', 'attn-output-bias', 'attn-sinks', 'expert-bias'],
    tied: false,
    swaPattern: 2,
  },
  deepseek_v2: { llamaCpp: 'deepseek2', features: [], tied: false, swaPattern: 0 },
  deepseek_v3: { llamaCpp: 'deepseek2', features: ['expert-score-bias'], tied: false, swaPattern: 0 },
  bert: { llamaCpp: 'bert', features: [], tied: false, swaPattern: 0, embedding: true },
  'xlm-roberta': { llamaCpp: 'bert', features: [], tied: false, swaPattern: 0, embedding: true },
}

/** layer_types values that are plain attention; anything else is a recurrent or linear-attention block. */
const ATTENTION_LAYER_TYPES = new Set(['full_attention', 'sliding_attention'])

function fail(field: string, detail: string): never {
  throw new PlanInputError('invalid', `/model/config/${field}`, detail)
}

function need<T>(value: T | undefined | null, field: string, what: string): T {
  if (value === undefined || value === null)
    fail(field, `config.json has no ${field} (${what}); the planner needs it.`)
  return value
}

/** The language model's fields: text_config over the top level for multimodal configs. */
function textConfig(c: HfConfig): { cfg: HfConfig; prefix: string } {
  if (!c.text_config) return { cfg: c, prefix: '' }
  const parsed = HfConfigSchema.safeParse({ ...c, ...c.text_config })
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    fail(`text_config/${issue.path.join('/')}`, issue.message)
  }
  return { cfg: parsed.data, prefix: 'text_config/' }
}

function familyOf(c: HfConfig, prefix: string): Family {
  const type = need(c.model_type, `${prefix}model_type`, 'which model family this is')
  const family = FAMILIES[type]
  if (!family)
    fail(
      `${prefix}model_type`,
      `model_type "${type}" is not one the planner can emulate from config.json (known: ` +
        `${Object.keys(FAMILIES).join(', ')}); give the GGUF header instead (model.gguf or model.url).`,
    )
  return family
}

function slidingWindowOf(
  c: HfConfig,
  f: Family,
  layers: number,
  prefix: string,
): Architecture['slidingWindow'] {
  const types = c.layer_types
  if (types) {
    const other = types.findIndex((t) => !ATTENTION_LAYER_TYPES.has(t))
    if (other >= 0)
      fail(
        `${prefix}layer_types/${other}`,
        `layer_types[${other}] is "${types[other]}": hybrid recurrent / ` +
          `linear-attention blocks cannot be emulated from config.json; give the GGUF ` +
          `header (model.gguf or model.url), whose metadata sizes their state.`,
      )
    if (types.length !== layers)
      fail(`${prefix}layer_types`, `expected ${layers} entries (num_hidden_layers), got ${types.length}.`)
  }
  if (!c.sliding_window || (f.swaPattern === 0 && !types?.includes('sliding_attention'))) return null
  if (!types) return { windowTokens: c.sliding_window, pattern: c.sliding_window_pattern ?? f.swaPattern }
  if (!types.includes('sliding_attention')) return null
  for (let p = 2; p <= Math.min(64, layers); p++) {
    if (types.every((t, il) => (t === 'sliding_attention') === il % p < p - 1))
      return { windowTokens: c.sliding_window, pattern: p }
  }
  return fail(
    `${prefix}layer_types`,
    'only periodic sliding-window patterns (il % p < p − 1 is a window layer) are modelled; this one is not.',
  )
}

function moeOf(c: HfConfig, prefix: string): Architecture['moe'] {
  const experts = c.num_experts ?? c.num_local_experts ?? c.n_routed_experts
  if (!experts) return null
  return {
    experts,
    activeExperts: need(c.num_experts_per_tok, `${prefix}num_experts_per_tok`, 'experts active per token'),
    // Mixtral's experts are intermediate_size wide; newer MoE configs say moe_intermediate_size.
    expertFfnSize:
      c.moe_intermediate_size ??
      need(c.intermediate_size, `${prefix}intermediate_size`, 'the expert FFN width'),
    sharedExperts: c.n_shared_experts ?? 0,
    leadingDenseLayers: c.first_k_dense_replace ?? 0,
  }
}

function mlaOf(c: HfConfig, prefix: string): Architecture['mla'] {
  if (c.kv_lora_rank === undefined) return null
  return {
    qLoraRank: c.q_lora_rank ?? null,
    kvLoraRank: c.kv_lora_rank,
    ropeHeadDim: need(c.qk_rope_head_dim, `${prefix}qk_rope_head_dim`, 'the RoPE part of each MLA head'),
    nopeHeadDim: need(c.qk_nope_head_dim, `${prefix}qk_nope_head_dim`, 'the non-RoPE part of each MLA head'),
    valueHeadDim: need(c.v_head_dim, `${prefix}v_head_dim`, 'the MLA value head size'),
  }
}

function contextOf(c: HfConfig, prefix: string): { contextLength: number; maxContextLength: number } {
  const contextLength = need(
    c.max_position_embeddings,
    `${prefix}max_position_embeddings`,
    'the trained context',
  )
  const rs = c.rope_scaling
  const kind = rs?.rope_type ?? rs?.type
  // Only a factor over a stated original window extends the context (YaRN); llama3 and linear
  // configs already give the scaled max_position_embeddings (Llama 3.1, Gemma 3).
  const original = rs?.original_max_position_embeddings
  const scaled =
    rs && kind !== 'llama3' && original && rs.factor && rs.factor > 1
      ? Math.round(original * rs.factor)
      : contextLength
  return { contextLength, maxContextLength: Math.max(contextLength, scaled) }
}

/** The config fields this module read; everything else is named in a warning. */
const READ_FIELDS = new Set(Object.keys(HfConfigSchema.shape))

interface ConfigModel {
  name: string
  arch: Architecture
  warnings: string[]
}

export function modelFromHfConfig(config: HfConfig, name?: string): ConfigModel {
  const { cfg: c, prefix } = textConfig(config)
  const f = familyOf(c, prefix)
  const layers = need(c.num_hidden_layers, `${prefix}num_hidden_layers`, 'the number of blocks')
  const hiddenSize = need(c.hidden_size, `${prefix}hidden_size`, 'the embedding width')
  const heads = need(c.num_attention_heads, `${prefix}num_attention_heads`, 'attention heads')
  const kvHeads = c.num_key_value_heads ?? heads
  if (heads % kvHeads !== 0)
    fail(
      `${prefix}num_key_value_heads`,
      `num_attention_heads (${heads}) must be a multiple of num_key_value_heads (${kvHeads}).`,
    )
  const mla = mlaOf(c, prefix)
  const moe = moeOf(c, prefix)
  const ignored = Object.keys(config).filter((k) => !READ_FIELDS.has(k))
  const arch: Architecture = {
    llamaCppArchitecture: f.llamaCpp,
    layers,
    hiddenSize,
    heads,
    kvHeads,
    headDim: mla ? mla.nopeHeadDim + mla.ropeHeadDim : (c.head_dim ?? Math.trunc(hiddenSize / heads)),
    ffnSize: c.intermediate_size ?? need(moe?.expertFfnSize, `${prefix}intermediate_size`, 'the FFN width'),
    vocabSize: need(c.vocab_size, `${prefix}vocab_size`, 'the vocabulary size'),
    tiedEmbeddings: !f.embedding && (c.tie_word_embeddings ?? f.tied),
    ...contextOf(c, prefix),
    slidingWindow: slidingWindowOf(c, f, layers, prefix),
    moe,
    tensorFeatures: f.features,
    shipsMxfp4: c.quantization_config?.quant_method === 'mxfp4',
    valueHeadDim: mla ? mla.valueHeadDim : null,
    kvHeadsByLayer: null,
    mla,
    recurrent: null,
    embeddingModel: f.embedding ?? false,
  }
  const warnings =
    ignored.length > 0
      ? [
          `config.json fields not used (they do not change memory): ` +
            `${ignored.slice(0, 24).join(', ')}${ignored.length > 24 ? ', …' : ''}.`,
        ]
      : []
  return {
    name: name ?? c._name_or_path ?? config._name_or_path ?? `${c.model_type} from config.json`,
    arch,
    warnings,
  }
}
