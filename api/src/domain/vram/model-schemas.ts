/**
 * The model registry's schema (data/models/<id>.yaml) and the inline architecture a planner
 * request may carry instead of a registry id. Field meanings follow HF config.json and the
 * symbols of docs/research/vram-formulas.md (L, E, H, Hkv, Dh, F, V).
 */
import { z } from 'zod'
import { LLAMA_CPP_ARCHITECTURES, LLAMA_MAX_EXPERTS } from './architectures.ts'
import { QUANT_PRESETS } from './ggml-types.ts'
import { NON_EXPERT_TYPES } from './quant-rules.ts'

/** Model ids keep version dots (`llama-3.1-8b`, `qwen2.5-14b`), unlike catalog slugs. */
export const ModelIdSchema = z
  .string()
  .regex(/^[a-z0-9]+(?:[.-][a-z0-9]+)*$/, 'expected a lowercase model id such as "llama-3.1-8b"')
  .meta({ id: 'ModelId', example: 'llama-3.1-8b' })

export const QuantPresetSchema = z.enum(QUANT_PRESETS).meta({
  id: 'QuantPreset',
  description: 'llama-quantize preset (ftype); MXFP4 = MXFP4_MOE, only for models that ship it',
  example: 'Q4_K_M',
})

/** Extra tensors some architectures carry; they change the tensor list, hence the file size. */
export const TensorFeatureSchema = z
  .enum([
    'qkv-bias',
    'qk-norm',
    'fused-qkv',
    'fused-gate-up',
    'post-norms',
    'attn-sinks',
    'attn-output-bias',
    'expert-bias',
    'expert-score-bias',
  ])
  .meta({ id: 'TensorFeature' })
export type TensorFeature = z.infer<typeof TensorFeatureSchema>

const count = (max: number) => z.int().min(1).max(max)

/**
 * Sliding-window attention: layer `il` is a window layer when `il % pattern < pattern - 1`
 * (llama.cpp `llama_hparams::set_swa_pattern`): pattern 2 = every other layer (Gemma 2,
 * gpt-oss), 6 = five local layers per global one (Gemma 3).
 */
export const SlidingWindowSchema = z
  .object({ windowTokens: count(1_048_576), pattern: z.int().min(2).max(64) })
  .meta({ id: 'SlidingWindow' })

/** A one-expert "MoE" is a dense FFN; llama.cpp caps experts at LLAMA_MAX_EXPERTS. */
export const MoeSchema = z
  .object({
    experts: z
      .int()
      .min(
        2,
        'a mixture of experts needs at least 2 experts; with one, set moe null and ffnSize to its FFN size',
      )
      .max(LLAMA_MAX_EXPERTS, `llama.cpp loads at most ${LLAMA_MAX_EXPERTS} experts (LLAMA_MAX_EXPERTS)`),
    activeExperts: count(LLAMA_MAX_EXPERTS),
    expertFfnSize: count(262_144),
    /**
     * Always-active shared experts (DeepSeek, Qwen2-MoE):
     * ffn_{gate,up,down}_shexp of sharedExperts × expertFfnSize.
     */
    sharedExperts: z.int().min(0).max(64).default(0),
    /** The first N blocks have a dense FFN of ffnSize instead of experts (DeepSeek first_k_dense_replace). */
    leadingDenseLayers: z.int().min(0).max(256).default(0),
  })
  .meta({ id: 'MixtureOfExperts' })

export const LlamaCppArchitectureSchema = z
  .enum(LLAMA_CPP_ARCHITECTURES, {
    error: `expected a llama.cpp architecture this planner models: ${LLAMA_CPP_ARCHITECTURES.join(', ')}`,
  })
  .meta({
    id: 'LlamaCppArchitecture',
    description: 'general.architecture of the GGUF (llama.cpp src/llama-arch.cpp)',
  })

/**
 * Multi-head latent attention (DeepSeek V2/V3, Kimi K2): the cache holds one compressed row of
 * kvLoraRank + ropeHeadDim values per token and layer, and no V (llama.cpp llama-kv-cache.cpp:
 * `has_v = !is_mla`; the GGUF says key_length 576, value_length 512, head_count_kv 1).
 */
export const MlaSchema = z
  .object({
    qLoraRank: z.int().min(1).max(65_536).nullable(),
    kvLoraRank: count(65_536),
    ropeHeadDim: count(4096),
    nopeHeadDim: count(4096),
    valueHeadDim: count(4096),
  })
  .meta({ id: 'MultiHeadLatentAttention' })

/**
 * Recurrent layers (Mamba/Mamba2, gated delta net, LFM2 short convolutions, RWKV): a fixed F32
 * state per layer and sequence, whatever the context (llama.cpp llama-memory-recurrent.cpp;
 * sizes llama_hparams::n_embd_r and n_embd_s in llama-hparams.cpp).
 */
export const RecurrentSchema = z
  .object({
    /** Blocks that are recurrent; the others are attention (or FFN-only) layers. */
    layers: z.array(z.int().min(0).max(255)).min(1).max(256),
    /** n_embd_r: rolling (conv / token-shift) state values per layer and sequence. */
    rollingStateValues: z
      .int()
      .min(0)
      .max(1 << 30),
    /** n_embd_s: SSM / WKV state values per layer and sequence. */
    stateValues: z
      .int()
      .min(0)
      .max(1 << 30),
  })
  .meta({ id: 'RecurrentLayers' })

/** Fields the planner needs; shared by registry records and inline request models. */
const architectureFields = {
  /** llama.cpp architecture name; `llama`/`qwen2` with 80 layers get the 70B quant rule. */
  llamaCppArchitecture: LlamaCppArchitectureSchema.default('llama'),
  layers: count(256),
  hiddenSize: count(65_536),
  heads: count(1024),
  kvHeads: count(1024),
  /**
   * Read `head_dim` from the config, never assume hiddenSize / heads (Gemma, Qwen3, Nemo differ).
   * RoPE rotates pairs.
   */
  headDim: count(4096).refine(
    (d) => d % 2 === 0,
    'headDim must be even: RoPE rotates pairs of dimensions (ggml_rope)',
  ),
  ffnSize: count(262_144),
  vocabSize: count(2_097_152),
  tiedEmbeddings: z.boolean(),
  /** Context the model was trained with (max_position_embeddings without RoPE scaling). */
  contextLength: count(16_777_216),
  /** Largest context with the published RoPE scaling (YaRN, llama3); equal to contextLength without. */
  maxContextLength: count(16_777_216),
  slidingWindow: SlidingWindowSchema.nullable().default(null),
  moe: MoeSchema.nullable().default(null),
  tensorFeatures: z.array(TensorFeatureSchema).max(16).default([]),
  /** The model is published with MXFP4 experts (gpt-oss), so the MXFP4 preset applies. */
  shipsMxfp4: z.boolean().default(false),
  /** V head size when it differs from headDim (attention.value_length). */
  valueHeadDim: count(4096).nullable().default(null),
  /** KV heads of each block when they differ (OpenELM, hybrids); 0 = a block without attention. */
  kvHeadsByLayer: z.array(z.int().min(0).max(1024)).max(256).nullable().default(null),
  mla: MlaSchema.nullable().default(null),
  recurrent: RecurrentSchema.nullable().default(null),
  /** Embedding model (BERT-style encoder): llama.cpp creates no KV cache and no output head. */
  embeddingModel: z.boolean().default(false),
}

type ArchLike = {
  heads: number
  kvHeads: number
  contextLength: number
  maxContextLength: number
  layers: number
  moe: { experts: number; activeExperts: number; leadingDenseLayers: number } | null
  kvHeadsByLayer: number[] | null
  recurrent: { layers: number[] } | null
}

/** Checks a schema alone cannot express field by field; each names its field. */
function checkArchitecture(a: ArchLike, ctx: z.core.$RefinementCtx) {
  if (a.kvHeads > a.heads)
    ctx.addIssue({
      code: 'custom',
      path: ['kvHeads'],
      message: `kvHeads (${a.kvHeads}) cannot exceed heads (${a.heads})`,
    })
  else if (a.heads % a.kvHeads !== 0)
    ctx.addIssue({
      code: 'custom',
      path: ['kvHeads'],
      message: `heads (${a.heads}) must be a multiple of kvHeads (${a.kvHeads}) for grouped-query attention`,
    })
  if (a.maxContextLength < a.contextLength)
    ctx.addIssue({
      code: 'custom',
      path: ['maxContextLength'],
      message: 'maxContextLength must be at least contextLength',
    })
  if (a.moe && a.moe.activeExperts > a.moe.experts)
    ctx.addIssue({
      code: 'custom',
      path: ['moe', 'activeExperts'],
      message: 'activeExperts cannot exceed experts',
    })
  if (a.moe && a.moe.leadingDenseLayers > a.layers)
    ctx.addIssue({
      code: 'custom',
      path: ['moe', 'leadingDenseLayers'],
      message: `leadingDenseLayers cannot exceed layers (${a.layers})`,
    })
  if (a.kvHeadsByLayer && a.kvHeadsByLayer.length !== a.layers) {
    ctx.addIssue({
      code: 'custom',
      path: ['kvHeadsByLayer'],
      message: `expected one entry per layer (${a.layers}), got ${a.kvHeadsByLayer.length}`,
    })
  }
  a.recurrent?.layers.forEach((il, i) => {
    if (il >= a.layers)
      ctx.addIssue({
        code: 'custom',
        path: ['recurrent', 'layers', i],
        message: `layer ${il} does not exist: the model has ${a.layers}`,
      })
  })
}

export const LlmArchitectureSchema = z
  .object({ name: z.string().min(1).max(200).default('custom model'), ...architectureFields })
  .superRefine(checkArchitecture)
  .meta({
    id: 'LlmArchitecture',
    description: 'A model described by its hyperparameters (HF config.json values)',
    example: {
      name: 'my-llama',
      layers: 32,
      hiddenSize: 4096,
      heads: 32,
      kvHeads: 8,
      headDim: 128,
      ffnSize: 14336,
      vocabSize: 128256,
      tiedEmbeddings: false,
      contextLength: 8192,
      maxContextLength: 131072,
    },
  })
export type LlmArchitecture = z.infer<typeof LlmArchitectureSchema>

export const OllamaTagSchema = z
  .object({
    tag: z.string().regex(/^[a-z0-9._-]+:[a-z0-9._-]+$/),
    quantization: QuantPresetSchema,
    /** Vision tensors (v.*, mm.*) the tag's blob holds next to the text model (Ollama's inline projector). */
    projectorBytes: z.int().positive().optional(),
    /** Ollama's own MXFP4 recipe: the type of every matrix but the experts (gpt-oss blobs: BF16). */
    nonExpertType: z.enum(NON_EXPERT_TYPES).optional(),
  })
  .refine((t) => !t.nonExpertType || t.quantization === 'MXFP4', {
    path: ['nonExpertType'],
    message: 'nonExpertType applies to MXFP4 only',
  })
  .meta({ id: 'OllamaTag', description: 'An Ollama library tag and the preset its default download uses' })
export type OllamaTag = z.infer<typeof OllamaTagSchema>

export const LlmModelSchema = z
  .object({
    id: ModelIdSchema,
    name: z.string().min(1),
    family: z.string().min(1),
    /** Published parameter count (text model), for display; sizes are computed per tensor. */
    parametersBillions: z.number().positive(),
    ...architectureFields,
    ollamaTags: z.array(OllamaTagSchema).default([]),
    notes: z.array(z.string()).default([]),
    sources: z.array(z.string().min(1)).min(1),
  })
  .superRefine(checkArchitecture)
  .meta({ id: 'LlmModel', description: 'A model of the registry (data/models/<id>.yaml)' })
export type LlmModel = z.infer<typeof LlmModelSchema>
