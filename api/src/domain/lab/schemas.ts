/**
 * The lab's architecture as data: which guest gets which device and disk, which services run
 * where, which models stay resident on which GPU, where datasets live and who reads them.
 * One schema per concept; data/architecture/<node>.yaml and POST /api/v1/plan/lab share them.
 * Cross-references (a guest name, a storage id, a model) are checked by validateArchitecture,
 * which sees the catalog.
 */
import { z } from 'zod'
import { NodeIdSchema, SlugSchema } from '../catalog/schemas.ts'
import { ProvenanceSchema } from '../catalog/provenance.ts'
import { DeviceSelectorSchema } from '../passthrough/schemas.ts'
import { KvCacheTypeSchema } from '../vram/schemas.ts'
import { QuantPresetSchema } from '../vram/model-schemas.ts'
import { PurposeSchema } from '../storage/schemas.ts'
import { MAX_BYTES } from '../storage/rates.ts'

const sizeBytes = z
  .int()
  .min(1, 'expected a size of at least 1 byte')
  .max(MAX_BYTES, 'at most 1 PB (10^15 bytes)')
const GuestNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$/,
    'expected a guest name such as "ai-dev" (letters, digits, dots, dashes)',
  )
const ServiceNameSchema = SlugSchema.max(63)

export const GuestDiskSchema = z
  .object({
    name: SlugSchema.max(63).meta({
      description: 'Disk name inside the guest; datasets address it as <guest>/<disk>',
    }),
    on: SlugSchema.meta({
      description: 'Storage id of the catalog (GET /api/v1/storage/tiers)',
      example: 'meraxes-sn770-2tb',
    }),
    sizeBytes,
    purpose: PurposeSchema,
  })
  .meta({ id: 'LabGuestDisk' })

export const GuestSchema = z
  .object({
    node: NodeIdSchema,
    vmid: z.int().min(100).max(999_999_999),
    name: GuestNameSchema,
    kind: z.enum(['vm', 'ct']),
    memoryBytes: z
      .int()
      .min(16 * 1024 * 1024)
      .max(2 ** 50),
    cores: z.int().min(1).max(1024),
    machine: z.enum(['q35', 'i440fx']).optional().meta({ description: 'VMs only; default q35' }),
    bios: z.enum(['ovmf', 'seabios']).optional().meta({ description: 'VMs only; default ovmf' }),
    devices: z
      .array(DeviceSelectorSchema)
      .max(32)
      .default([])
      .meta({ description: 'PCI devices passed through (VMs only)' }),
    disks: z.array(GuestDiskSchema).max(32).default([]),
    provenance: ProvenanceSchema.optional(),
  })
  .meta({ id: 'LabGuest' })
export type Guest = z.infer<typeof GuestSchema>

export const ServiceModelSchema = z
  .object({
    model: z
      .string()
      .min(1)
      .max(200)
      .meta({ description: 'Registry id or Ollama tag', example: 'qwen2.5:14b' }),
    quantization: QuantPresetSchema.optional().meta({
      description: "Defaults to the tag's quantization, else Q4_K_M",
    }),
    contextLength: z
      .int()
      .min(256)
      .max(1_048_576)
      .optional()
      .meta({ description: 'Defaults to the runtime setting (OLLAMA_CONTEXT_LENGTH, --ctx-size)' }),
    parallel: z
      .int()
      .min(1)
      .max(64)
      .optional()
      .meta({ description: 'Defaults to the runtime setting (OLLAMA_NUM_PARALLEL, --parallel)' }),
    resident: z
      .boolean()
      .default(false)
      .meta({ description: 'Stays loaded together with the other resident models of its GPU' }),
    mode: z
      .enum(['full', 'lora', 'qlora'])
      .optional()
      .meta({ description: "finetune services: the VRAM planner's training mode" }),
    sequenceLength: z
      .int()
      .min(1)
      .max(1_048_576)
      .optional()
      .meta({ description: 'finetune: tokens per sample (default 2048)' }),
    microBatch: z
      .int()
      .min(1)
      .max(1024)
      .optional()
      .meta({ description: 'finetune: samples per step (default 1)' }),
  })
  .meta({ id: 'LabServiceModel' })
export type ServiceModel = z.infer<typeof ServiceModelSchema>

/** The Ollama server settings the planner reads (the server's environment). */
export const OllamaSettingsSchema = z
  .object({
    OLLAMA_MAX_LOADED_MODELS: z.int().min(1).max(64).optional(),
    OLLAMA_NUM_PARALLEL: z.int().min(1).max(64).optional(),
    OLLAMA_KV_CACHE_TYPE: KvCacheTypeSchema.optional(),
    OLLAMA_FLASH_ATTENTION: z.boolean().optional(),
    OLLAMA_CONTEXT_LENGTH: z.int().min(256).max(1_048_576).optional(),
  })
  .meta({ id: 'LabOllamaSettings' })

/** The llama-server flags the planner reads (one process serves one model). */
export const LlamaServerSettingsSchema = z
  .object({
    ctxSize: z
      .int()
      .min(256)
      .max(1_048_576)
      .optional()
      .meta({ description: '--ctx-size (total over slots)' }),
    parallel: z.int().min(1).max(64).optional().meta({ description: '--parallel' }),
    cacheType: KvCacheTypeSchema.optional().meta({ description: '--cache-type-k and --cache-type-v' }),
    flashAttn: z.boolean().optional().meta({ description: '--flash-attn' }),
  })
  .meta({ id: 'LabLlamaServerSettings' })

export const ServiceSchema = z
  .object({
    name: ServiceNameSchema,
    runsOn: z
      .string()
      .min(1)
      .max(70)
      .meta({ description: 'A guest name, or host:<node>', example: 'host:meraxes' }),
    runtime: z.enum(['ollama', 'llama-server', 'finetune', 'openwebui']).meta({
      description: 'openwebui is a front end: no GPU, it names its backend service',
    }),
    gpus: z.array(z.string().min(1).max(40)).max(8).optional().meta({
      description:
        "PCI addresses; default: the guest's passed-through GPUs, or on a host its GPUs not passed to a guest",
    }),
    exclusive: z
      .boolean()
      .default(false)
      .meta({ description: 'finetune: runs while the resident models are unloaded' }),
    ollama: OllamaSettingsSchema.optional(),
    llamaServer: LlamaServerSettingsSchema.optional(),
    backend: ServiceNameSchema.optional().meta({ description: 'openwebui: the service it talks to' }),
    modelStore: z
      .object({
        on: z.string().min(1).max(140).meta({ description: 'Storage id (on the host) or <guest>/<disk>' }),
        sizeBytes: sizeBytes
          .optional()
          .meta({ description: "Space kept for the store; default: the models' files" }),
      })
      .optional(),
    models: z.array(ServiceModelSchema).max(64).default([]),
    provenance: ProvenanceSchema.optional(),
  })
  .meta({ id: 'LabService' })
export type Service = z.infer<typeof ServiceSchema>

export const DatasetSchema = z
  .object({
    name: SlugSchema.max(63),
    sizeBytes,
    on: z.string().min(1).max(140).meta({ description: 'Storage id, or <guest>/<disk>' }),
    readBy: z
      .array(z.string().min(1).max(70))
      .max(32)
      .default([])
      .meta({ description: 'Guest or service names' }),
    readsPerDay: z
      .number()
      .min(0)
      .max(10_000)
      .optional()
      .meta({ description: 'Full reads a day by each reader' }),
    provenance: ProvenanceSchema.optional(),
  })
  .meta({ id: 'LabDataset' })
export type Dataset = z.infer<typeof DatasetSchema>

/** What the seed asks for that this architecture leaves out, with the seed finding that says why. */
export const LeftOutSchema = z
  .object({ seedSaid: z.string().min(1), reason: z.string().min(1), seedFinding: SlugSchema.optional() })
  .meta({ id: 'LabLeftOut' })

export const LabNodeSchema = z
  .object({
    node: NodeIdSchema,
    hostReserveBytes: z
      .int()
      .min(0)
      .max(2 ** 50)
      .optional()
      .meta({
        description: 'RAM kept for the host; default 2 GiB + ZFS ARC (10 % of RAM, at most 16 GiB)',
      }),
    leftOut: z.array(LeftOutSchema).max(32).default([]),
    provenance: ProvenanceSchema.optional(),
  })
  .meta({ id: 'LabNode' })

export const ArchitectureSchema = z
  .object({
    nodes: z.array(LabNodeSchema).max(64).default([]),
    guests: z.array(GuestSchema).max(1000).default([]),
    services: z.array(ServiceSchema).max(1000).default([]),
    datasets: z.array(DatasetSchema).max(1000).default([]),
  })
  .meta({ id: 'LabArchitecture', description: 'Guests, services, resident models and datasets of the lab' })
export type Architecture = z.infer<typeof ArchitectureSchema>
export type ArchitectureInput = z.input<typeof ArchitectureSchema>

/**
 * One node's file, data/architecture/<node>.yaml: the node is the file's, so guests leave out
 * `node`, and every record carries its provenance (documented, or inferred with the reason).
 */
export const ArchitectureFileSchema = z.object({
  node: SlugSchema,
  hostReserveBytes: LabNodeSchema.shape.hostReserveBytes,
  leftOut: LabNodeSchema.shape.leftOut,
  provenance: ProvenanceSchema,
  guests: z.array(GuestSchema.omit({ node: true }).extend({ provenance: ProvenanceSchema })).default([]),
  services: z.array(ServiceSchema.extend({ provenance: ProvenanceSchema })).default([]),
  datasets: z.array(DatasetSchema.extend({ provenance: ProvenanceSchema })).default([]),
})
export type ArchitectureFile = z.infer<typeof ArchitectureFileSchema>
