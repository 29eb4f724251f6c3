/**
 * Request and answer of POST /api/v1/plan/vram-fit. Bytes are integers; every number is bounded
 * so NaN, negative or absurd values are a 422 naming the field, never a 500.
 */
import { z } from 'zod'
import { LlmArchitectureSchema, QuantPresetSchema } from './model-schemas.ts'
import { ModelSourceSchema } from './model-source.ts'
import { GgufHeaderSchema } from './gguf-schemas.ts'

export const ProjectorSchema = z
  .object({
    gguf: GgufHeaderSchema.optional().meta({ description: 'The mmproj GGUF header: its tensors are summed' }),
    url: z.string().min(1).max(2048).optional().meta({ description: 'https URL of the mmproj GGUF on an allowed host' }),
    weightsBytes: z.int().min(0).max(2 ** 40).optional().meta({ description: 'The projector file size, when known' }),
    source: z.string().max(200).optional().meta({ description: 'Where weightsBytes comes from (set by the API for a registry manifest)' }),
    offload: z.boolean().default(true).meta({ description: 'false = llama-server --no-mmproj-offload: the projector stays in host RAM' }),
  })
  .superRefine((p, ctx) => {
    const given = (['gguf', 'url', 'weightsBytes'] as const).filter((k) => p[k] !== undefined)
    if (given.length !== 1) ctx.addIssue({ code: 'custom', path: [], message: 'expected exactly one of gguf, url, weightsBytes' })
  })
  .meta({ id: 'VisionProjector', description: 'A vision projector (mmproj) loaded on the main GPU next to the model (llama-server --mmproj; Ollama projector layer)' })

export const KvCacheTypeSchema = z.enum(['f16', 'q8_0', 'q4_0']).meta({ id: 'KvCacheType', description: 'OLLAMA_KV_CACHE_TYPE / --cache-type-k/v' })
export const PlanModeSchema = z.enum(['inference', 'full', 'lora', 'qlora']).meta({ id: 'PlanMode' })

export const VramFitRequestSchema = z
  .object({
    model: z
      .union([z.string().min(1).max(200), ModelSourceSchema, LlmArchitectureSchema])
      .meta({ description: 'Registry id (`llama-3.1-8b`), Ollama tag (`qwen2.5:14b-instruct-q4_K_M`, or any library tag / `hf.co/<user>/<repo>:<quant>`, read from the registry), a GGUF header or URL, a config.json, or an inline architecture' }),
    quantization: QuantPresetSchema.optional().meta({ description: 'Defaults to the quantization of the Ollama tag, else Q4_K_M; not allowed with a GGUF file, whose tensor types fix it' }),
    projector: ProjectorSchema.optional(),
    draft: z
      .union([z.string().min(1).max(200), ModelSourceSchema, LlmArchitectureSchema])
      .optional()
      .meta({ description: 'Speculative-decoding draft model (llama-server -md), in any form `model` takes; fully offloaded to the main GPU with its own KV cache' }),
    draftQuantization: QuantPresetSchema.optional().meta({ description: 'Preset of an emulated draft model (registry id, config.json); defaults like quantization' }),
    contextLength: z.int().min(1).max(16_777_216).default(8192).meta({ description: 'Tokens of context per sequence (num_ctx)' }),
    kvCacheType: KvCacheTypeSchema.default('f16'),
    flashAttention: z.boolean().default(true),
    parallel: z.int().min(1).max(64).default(1).meta({ description: 'Parallel sequences (OLLAMA_NUM_PARALLEL / -np): each gets its own KV' }),
    ubatch: z.int().min(1).max(8192).default(512).meta({ description: 'Physical batch n_ubatch' }),
    targets: z
      .union([z.literal('all'), z.array(z.string().min(1).max(100)).min(1).max(8)])
      .default('all')
      .meta({ description: '"all" ranks every GPU and GPU combination of the lab; or GPU model slugs / node ids, several = one layer split' }),
    mode: PlanModeSchema.default('inference'),
    sequenceLength: z.int().min(1).max(1_048_576).default(2048).meta({ description: 'Fine-tuning: tokens per sample' }),
    microBatch: z.int().min(1).max(1024).default(1),
    gradientCheckpointing: z.boolean().default(true),
    optimizer: z.enum(['adamw', 'adamw-8bit']).default('adamw'),
    loraRank: z.int().min(1).max(4096).default(16),
  })
  .meta({
    id: 'VramFitRequest',
    description: 'Does a model fit the lab GPUs, how, and how fast',
    example: { model: 'llama-3.1-70b', quantization: 'Q4_K_M', contextLength: 8192, targets: ['meraxes'] },
  })
export type VramFitRequest = z.infer<typeof VramFitRequestSchema>
export type VramFitRequestInput = z.input<typeof VramFitRequestSchema>

const bytes = z.int()

export const InferenceBreakdownSchema = z
  .object({
    weightsGpuBytes: bytes,
    weightsHostBytes: bytes,
    kvCacheBytes: bytes.meta({ description: 'KV cache on the GPUs' }),
    kvCacheHostBytes: bytes,
    computeBufferBytes: bytes,
    outputBufferBytes: bytes.meta({ description: 'Logits buffer, pinned host memory: not in totalGpuBytes' }),
    overheadBytes: bytes.meta({ description: 'CUDA context 457 MiB + planner margin 512 MiB per GPU' }),
    projectorBytes: bytes.meta({ description: 'Vision projector (mmproj) weights on the main GPU' }),
    draftModelBytes: bytes.meta({ description: 'Draft model on the main GPU: weights, its KV cache and compute buffer' }),
    totalGpuBytes: bytes.meta({ description: 'weightsGpu + kvCache + computeBuffer + overhead + projector + draftModel' }),
    freeGpuBytes: bytes.meta({ description: 'VRAM left after loading; negative = short by that much' }),
  })
  .meta({ id: 'InferenceBreakdown' })
export type InferenceBreakdown = z.infer<typeof InferenceBreakdownSchema>

export const TrainingBreakdownSchema = z
  .object({
    weightsBytes: bytes, gradientsBytes: bytes, optimizerBytes: bytes, activationsBytes: bytes, logitsBytes: bytes,
    overheadBytes: bytes, totalGpuBytes: bytes, freeGpuBytes: bytes,
    trainableParameters: z.int(),
  })
  .meta({ id: 'TrainingBreakdown' })
export type TrainingBreakdown = z.infer<typeof TrainingBreakdownSchema>

export const TargetGpuSchema = z
  .object({ node: z.string(), gpu: z.string(), name: z.string(), vramBytes: bytes, memoryBandwidthGBps: z.number() })
  .meta({ id: 'TargetGpu' })
export type TargetGpu = z.infer<typeof TargetGpuSchema>

export const GpuShareSchema = z
  .object({
    node: z.string(), gpu: z.string(),
    layers: z.object({ first: z.int(), last: z.int() }).nullable().meta({ description: 'Repeating blocks held, inclusive' }),
    holdsOutput: z.boolean(),
    weightsBytes: bytes, kvCacheBytes: bytes, computeBufferBytes: bytes, overheadBytes: bytes,
    sideModelsBytes: bytes.meta({ description: 'Projector and draft model (main GPU only)' }),
    totalBytes: bytes, freeBytes: bytes,
  })
  .meta({ id: 'GpuShare' })

export const VerdictSchema = z.enum(['fits', 'partial-offload', 'does-not-fit']).meta({ id: 'VramVerdict' })

export const VramFitResultSchema = z
  .object({
    target: z.object({ label: z.string(), gpus: z.array(TargetGpuSchema), crossNode: z.boolean() }),
    verdict: VerdictSchema,
    gpuLayers: z.int().nullable().meta({ description: '-ngl: repeating layers + output offloaded (llama.cpp offloads the LAST N)' }),
    cpuMoeLayers: z.int().nullable().meta({ description: 'MoE expert offload (llama.cpp --n-cpu-moe K): the ffn_{gate,up,down}_exps of layers 0 … K−1 stay in host RAM, every other tensor on the GPUs (verdict partial-offload); null when not used' }),
    totalLayers: z.int().meta({ description: 'L + 1: the output head counts as a layer' }),
    breakdown: InferenceBreakdownSchema.nullable(),
    trainingBreakdown: TrainingBreakdownSchema.nullable(),
    perGpu: z.array(GpuShareSchema),
    maxContextLength: z.int().nullable().meta({ description: 'Largest context (multiple of 256) that still fits fully' }),
    tokensPerSecond: z.number().nullable().meta({ description: 'Decode speed, empty context' }),
    tokensPerSecondAtFullContext: z.number().nullable(),
    tokensPerSecondReason: z.string().nullable(),
    loadSeconds: z.number().nullable(),
    loadSecondsReason: z.string().nullable(),
    notes: z.array(z.string()),
  })
  .meta({ id: 'VramFitResult' })
export type VramFitResult = z.infer<typeof VramFitResultSchema>

export const AssumptionSchema = z
  .object({ term: z.string(), formula: z.string(), source: z.string() })
  .meta({ id: 'VramAssumption' })
export type Assumption = z.infer<typeof AssumptionSchema>

export const VramFitAnswerSchema = z
  .object({
    model: z.object({
      id: z.string().nullable(), name: z.string(),
      quantization: z.string().meta({ description: 'The preset (Q4_K_M), or for a GGUF file its general.file_type (IQ2_XXS, MXFP4_MOE, "mixed")' }),
      weightsBytes: bytes.meta({ description: 'All tensor data as the GGUF file holds it' }),
      parameterCount: z.int(), bitsPerWeight: z.number(),
      bytesByType: z.record(z.string(), bytes),
    }),
    settings: z.object({
      contextLength: z.int(), kvCacheType: KvCacheTypeSchema, flashAttention: z.boolean(), parallel: z.int(), ubatch: z.int(), mode: PlanModeSchema,
    }),
    results: z.array(VramFitResultSchema).meta({ description: 'Best first' }),
    recommendation: z.object({ target: z.string(), reason: z.string() }).nullable(),
    warnings: z.array(z.string()),
    assumptions: z.array(AssumptionSchema),
  })
  .meta({ id: 'VramFitAnswer' })
export type VramFitAnswer = z.infer<typeof VramFitAnswerSchema>
