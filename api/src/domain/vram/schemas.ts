/**
 * Request and answer of POST /api/v1/plan/vram-fit. Bytes are integers; every number is bounded
 * so NaN, negative or absurd values are a 422 naming the field, never a 500.
 */
import { z } from 'zod'
import { GpuBackendSchema } from '../catalog/gpu-schemas.ts'
import { KV_CACHE_TYPES, type KvCacheType } from './ggml-types.ts'
import { LlmArchitectureSchema, QuantPresetSchema } from './model-schemas.ts'
import { RuntimeSchema } from './runtimes.ts'
import { TargetsSchema } from './target-schemas.ts'
import { ModelSourceSchema } from './model-source.ts'
import { GgufHeaderSchema } from './gguf-schemas.ts'

export const ProjectorSchema = z
  .object({
    gguf: GgufHeaderSchema.optional().meta({ description: 'The mmproj GGUF header: its tensors are summed' }),
    url: z
      .string()
      .min(1)
      .max(2048)
      .optional()
      .meta({ description: 'https URL of the mmproj GGUF on an allowed host' }),
    weightsBytes: z
      .int()
      .min(0)
      .max(2 ** 40)
      .optional()
      .meta({ description: 'The projector file size, when known' }),
    source: z
      .string()
      .max(200)
      .optional()
      .meta({ description: 'Where weightsBytes comes from (set by the API for a registry manifest)' }),
    offload: z
      .boolean()
      .default(true)
      .meta({ description: 'false = llama-server --no-mmproj-offload: the projector stays in host RAM' }),
  })
  .superRefine((p, ctx) => {
    const given = (['gguf', 'url', 'weightsBytes'] as const).filter((k) => p[k] !== undefined)
    if (given.length !== 1)
      ctx.addIssue({ code: 'custom', path: [], message: 'expected exactly one of gguf, url, weightsBytes' })
  })
  .meta({
    id: 'VisionProjector',
    description:
      'A vision projector (mmproj) loaded on the main GPU next to ' +
      'the model (llama-server --mmproj; Ollama projector layer)',
  })

export const KvCacheTypeSchema = z.enum(Object.keys(KV_CACHE_TYPES) as [KvCacheType, ...KvCacheType[]]).meta({
  id: 'KvCacheType',
  description: 'llama.cpp --cache-type-k/-v; Ollama (OLLAMA_KV_CACHE_TYPE) takes f16, q8_0, q4_0',
})
export const PlanModeSchema = z.enum(['inference', 'full', 'lora', 'qlora']).meta({ id: 'PlanMode' })

const fromProfile = (what: string) =>
  `${what}; left out, the runtime profile decides (results[].settings.fromProfile says how)`

export const VramFitRequestSchema = z
  .object({
    model: z.union([z.string().min(1).max(200), ModelSourceSchema, LlmArchitectureSchema]).meta({
      description:
        'Registry id (`llama-3.1-8b`), Ollama name or tag (`llama3.1`, `qwen2.5:14b-instruct-q4_K_M`, or any ' +
        'library tag / `hf.co/<user>/<repo>:<quant>`, read from the registry), a GGUF header or URL, a config.json, ' +
        'or an inline architecture',
    }),
    quantization: QuantPresetSchema.optional().meta({
      description:
        'Defaults to the quantization of the Ollama tag, else Q4_K_M; not allowed with a GGUF file, whose ' +
        'tensor types fix it',
    }),
    imatrix: z
      .boolean()
      .optional()
      .meta({
        description:
          'Quantized with an importance matrix (llama-quantize --imatrix); default: yes for IQ presets and ' +
          'Q2_K_S, no otherwise; not allowed with a GGUF file',
      }),
    projector: ProjectorSchema.optional(),
    draft: z
      .union([z.string().min(1).max(200), ModelSourceSchema, LlmArchitectureSchema])
      .optional()
      .meta({
        description:
          'Speculative-decoding draft model (llama-server -md), in any form `model` takes; fully offloaded ' +
          'to the main GPU with its own KV cache',
      }),
    draftQuantization: QuantPresetSchema.optional().meta({
      description: 'Preset of an emulated draft model (registry id, config.json); defaults like quantization',
    }),
    runtime: RuntimeSchema.default('ollama'),
    contextLength: z
      .int()
      .min(1)
      .max(16_777_216)
      .optional()
      .meta({
        description: fromProfile(
          'Ollama: num_ctx per sequence; llama.cpp / llama-server: -c, shared by all slots',
        ),
      }),
    kvCacheType: KvCacheTypeSchema.optional().meta({
      description: 'K and V cache type (OLLAMA_KV_CACHE_TYPE); cacheTypeK / cacheTypeV override it',
    }),
    cacheTypeK: KvCacheTypeSchema.optional().meta({ description: '--cache-type-k' }),
    cacheTypeV: KvCacheTypeSchema.optional().meta({
      description: '--cache-type-v (quantized V needs flash attention)',
    }),
    flashAttention: z
      .boolean()
      .optional()
      .meta({ description: fromProfile('--flash-attn on/off (OLLAMA_FLASH_ATTENTION)') }),
    parallel: z
      .int()
      .min(1)
      .max(64)
      .optional()
      .meta({ description: fromProfile('Parallel sequences (OLLAMA_NUM_PARALLEL / -np)') }),
    ubatch: z
      .int()
      .min(1)
      .max(8192)
      .optional()
      .meta({ description: fromProfile('Physical batch n_ubatch (Ollama num_batch sets -b and -ub)') }),
    noKvOffload: z
      .boolean()
      .default(false)
      .meta({ description: 'llama.cpp -nkvo: the KV cache stays in host memory' }),
    tensorSplit: z
      .array(z.number().positive().max(1e6))
      .min(1)
      .max(8)
      .optional()
      .meta({ description: 'llama.cpp -ts: layer shares, one per GPU of the listed targets' }),
    targets: TargetsSchema,
    mode: PlanModeSchema.default('inference'),
    sequenceLength: z
      .int()
      .min(1)
      .max(1_048_576)
      .default(2048)
      .meta({ description: 'Fine-tuning: tokens per sample' }),
    microBatch: z.int().min(1).max(1024).default(1),
    gradientCheckpointing: z.boolean().default(true),
    optimizer: z.enum(['adamw', 'adamw-8bit']).default('adamw'),
    loraRank: z.int().min(1).max(4096).default(16),
  })
  .meta({
    id: 'VramFitRequest',
    description: 'Does a model fit the lab GPUs, how, and how fast',
    example: { model: 'qwen2.5:14b', runtime: 'ollama', targets: ['caraxes'] },
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
    overheadBytes: bytes.meta({
      description:
        "Backend context (CUDA/ROCm/Vulkan/SYCL 457 MiB, Metal 512 MiB) + the runtime's --fit margin " +
        '(settings.fitMarginBytes) per GPU',
    }),
    projectorBytes: bytes.meta({ description: 'Vision projector (mmproj) weights on the main GPU' }),
    draftModelBytes: bytes.meta({
      description: 'Draft model on the main GPU: weights, its KV cache and compute buffer',
    }),
    totalGpuBytes: bytes.meta({
      description: 'weightsGpu + kvCache + computeBuffer + overhead + projector + draftModel',
    }),
    freeGpuBytes: bytes.meta({ description: 'VRAM left after loading; negative = short by that much' }),
  })
  .meta({ id: 'InferenceBreakdown' })
export type InferenceBreakdown = z.infer<typeof InferenceBreakdownSchema>

export const TrainingBreakdownSchema = z
  .object({
    weightsBytes: bytes,
    gradientsBytes: bytes,
    optimizerBytes: bytes,
    activationsBytes: bytes,
    logitsBytes: bytes,
    overheadBytes: bytes,
    totalGpuBytes: bytes,
    freeGpuBytes: bytes,
    trainableParameters: z.int(),
  })
  .meta({ id: 'TrainingBreakdown' })
export type TrainingBreakdown = z.infer<typeof TrainingBreakdownSchema>

export const TargetGpuSchema = z
  .object({
    node: z.string().meta({ description: 'Lab node id; "none" for an inline card given without a node' }),
    gpu: z.string().meta({ description: 'GPU library slug; "inline" for an inline card' }),
    name: z.string(),
    vramBytes: bytes.meta({
      description: 'Memory the GPU may use (for metal: the working set, not the unified memory)',
    }),
    memoryBandwidthGBps: z.number(),
    backend: GpuBackendSchema,
    hypothetical: z
      .boolean()
      .meta({ description: 'A what-if card (library or inline), not one the lab has' }),
  })
  .meta({ id: 'TargetGpu' })
export type TargetGpu = z.infer<typeof TargetGpuSchema>

export const GpuShareSchema = z
  .object({
    node: z.string(),
    gpu: z.string(),
    layers: z
      .object({ first: z.int(), last: z.int() })
      .nullable()
      .meta({ description: 'Repeating blocks held, inclusive' }),
    holdsOutput: z.boolean(),
    weightsBytes: bytes,
    kvCacheBytes: bytes,
    computeBufferBytes: bytes,
    overheadBytes: bytes,
    sideModelsBytes: bytes.meta({ description: 'Projector and draft model (main GPU only)' }),
    totalBytes: bytes,
    freeBytes: bytes,
  })
  .meta({ id: 'GpuShare' })

export const RunSettingsSchema = z
  .object({
    contextLength: z.int().meta({ description: 'Ollama num_ctx per sequence; llama.cpp -c over all slots' }),
    ubatch: z.int(),
    parallel: z.int(),
    kvUnified: z
      .boolean()
      .meta({ description: 'One KV stream shared by the slots (llama-server --kv-unified)' }),
    flashAttention: z.boolean(),
    cacheTypeK: KvCacheTypeSchema,
    cacheTypeV: KvCacheTypeSchema,
    noKvOffload: z.boolean(),
    tensorSplit: z.array(z.number()).nullable(),
    fitMarginBytes: bytes.meta({
      description: 'Kept free per GPU by llama.cpp --fit (on top of the CUDA context)',
    }),
    projector: z.object({ bytes, onGpu: z.boolean() }).nullable().meta({
      description:
        'The vision projector an Ollama tag holds: on the GPU inside fitMarginBytes, or in host memory',
    }),
    fromProfile: z
      .array(
        z.object({
          field: z.string(),
          value: z.union([z.number(), z.boolean(), z.string()]),
          rule: z.string(),
        }),
      )
      .meta({ description: 'The values the runtime profile supplied, and the rule each came from' }),
  })
  .meta({ id: 'VramRunSettings' })

export const HostMemorySchema = z
  .object({
    node: z.string(),
    weightsBytes: bytes.meta({
      description: 'Tensors left on the host (token_embd, CPU layers, CPU experts, a CPU projector)',
    }),
    kvCacheBytes: bytes.meta({ description: 'KV of CPU layers, or all of it with noKvOffload' }),
    computeBufferBytes: bytes.meta({ description: 'CUDA_Host compute buffer' }),
    outputBufferBytes: bytes,
    totalBytes: bytes,
    mmap: z.boolean().meta({ description: 'Weights mapped from the file (page cache) rather than copied' }),
    nodeMemoryBytes: bytes
      .nullable()
      .meta({ description: "The node's RAM from the catalog; null = unknown" }),
    fits: z.boolean().nullable().meta({ description: "null when the node's RAM is unknown" }),
    note: z.string(),
  })
  .meta({ id: 'VramHostMemory' })

export const VerdictSchema = z.enum(['fits', 'partial-offload', 'does-not-fit']).meta({ id: 'VramVerdict' })

export const VramFitResultSchema = z
  .object({
    target: z.object({ label: z.string(), gpus: z.array(TargetGpuSchema), crossNode: z.boolean() }),
    verdict: VerdictSchema,
    gpuLayers: z
      .int()
      .nullable()
      .meta({ description: '-ngl: repeating layers + output offloaded (llama.cpp offloads the LAST N)' }),
    cpuMoeLayers: z
      .int()
      .nullable()
      .meta({
        description:
          'MoE expert offload (llama.cpp --n-cpu-moe K): the ffn_{gate,up,down}_exps of layers 0 … K−1 ' +
          'stay in host RAM, every other tensor on the GPUs (verdict partial-offload); null when not used',
      }),
    totalLayers: z.int().meta({ description: 'L + 1: the output head counts as a layer' }),
    breakdown: InferenceBreakdownSchema.nullable(),
    trainingBreakdown: TrainingBreakdownSchema.nullable(),
    perGpu: z.array(GpuShareSchema),
    maxContextLength: z
      .int()
      .nullable()
      .meta({ description: 'Largest context (multiple of 256) that still fits fully' }),
    settings: RunSettingsSchema.nullable().meta({ description: 'Inference: what this GPU set runs with' }),
    hostMemory: HostMemorySchema.nullable().meta({
      description: 'Inference: host RAM the plan needs on the main node',
    }),
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
  .object({
    term: z.string(),
    formula: z.string(),
    source: z.string(),
    docsUrl: z.string().meta({
      description: 'The section of the docs site that derives this formula (docs/research/vram-formulas.md).',
    }),
  })
  .meta({ id: 'VramAssumption' })
export type Assumption = z.infer<typeof AssumptionSchema>

export const VramFitAnswerSchema = z
  .object({
    model: z.object({
      id: z.string().nullable(),
      name: z.string(),
      quantization: z.string().meta({
        description:
          'The preset (Q4_K_M), or for a GGUF file its general.file_type (IQ2_XXS, MXFP4_MOE, "mixed")',
      }),
      imatrix: z
        .boolean()
        .nullable()
        .meta({ description: 'null for a GGUF file: its tensor types are read, not emulated' }),
      weightsBytes: bytes.meta({ description: 'All tensor data as the GGUF file holds it' }),
      parameterCount: z.int(),
      bitsPerWeight: z.number(),
      bytesByType: z.record(z.string(), bytes),
    }),
    runtime: z
      .object({
        id: RuntimeSchema,
        name: z.string(),
        basis: z.string().meta({ description: 'The source revision the profile was read from' }),
        crossNode: z.boolean().meta({ description: 'Can split a model across nodes (llama.cpp RPC)' }),
        notes: z.array(z.string()),
        sources: z.array(z.string()),
      })
      .meta({ id: 'VramRuntimeProfile', description: 'The runtime profile applied' }),
    settings: z
      .object({
        contextLength: z.int(),
        kvCacheType: KvCacheTypeSchema,
        cacheTypeK: KvCacheTypeSchema,
        cacheTypeV: KvCacheTypeSchema,
        flashAttention: z.boolean(),
        parallel: z.int(),
        ubatch: z.int(),
        mode: PlanModeSchema,
      })
      .meta({
        description: 'The settings of the first result (each result has its own under results[].settings)',
      }),
    results: z.array(VramFitResultSchema).meta({ description: 'Best first' }),
    recommendation: z
      .object({
        targetId: z.string().meta({
          description:
            'Stable id of the recommended GPU set, for automation: `<node>/<gpu slug>` per GPU, joined by `+`',
          example: 'meraxes/nvidia-rtx-3090-ti',
        }),
        target: z.string().meta({ description: 'Display label of the same GPU set' }),
        reason: z.string(),
      })
      .nullable(),
    warnings: z.array(z.string()),
    assumptions: z.array(AssumptionSchema),
  })
  .meta({ id: 'VramFitAnswer' })
export type VramFitAnswer = z.infer<typeof VramFitAnswerSchema>
