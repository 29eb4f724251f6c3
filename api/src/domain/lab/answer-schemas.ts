/** The answer of planLab: verdict, findings that say what to change, summaries, config bundle. */
import { z } from 'zod'
import { PlanVerdictSchema, ProxmoxHostConfigSchema } from '../passthrough/schemas.ts'
import { BottleneckSchema } from '../storage/schemas.ts'
import { RunSettingsSchema } from '../vram/schemas.ts'
import { ArchitectureSchema } from './schemas.ts'

export const FindingSeveritySchema = z.enum(['block', 'warn', 'info', 'unknown']).meta({
  id: 'LabFindingSeverity',
  description: 'block: the architecture breaks; warn: works, tight or slow; unknown: the data cannot decide',
})
export type FindingSeverity = z.infer<typeof FindingSeveritySchema>

export const FindingSchema = z
  .object({
    severity: FindingSeveritySchema,
    source: z.object({
      planner: z.enum(['lab', 'passthrough', 'vram', 'storage', 'transfer']),
      rule: z.string().meta({
        description: "Rule id: the passthrough planner's (C19), a lab or planner rule name otherwise",
      }),
      name: z
        .string()
        .optional()
        .meta({ description: "Passthrough: the rule's name beside its id (network-in-use)" }),
      docsUrl: z
        .string()
        .optional()
        .meta({ description: "Passthrough: the rule's page on this server (/rules/#c19)" }),
    }),
    pointer: z
      .string()
      .meta({ description: 'JSON pointer into the architecture document', example: '/services/1/models/0' }),
    message: z.string().meta({ description: 'What is wrong and what to change' }),
    command: z
      .string()
      .nullable()
      .meta({ description: 'For unknown: the command on the host that settles it' }),
  })
  .meta({ id: 'LabFinding' })
export type Finding = z.infer<typeof FindingSchema>

export const LabVerdictSchema = z.enum(['holds', 'needs-review', 'breaks']).meta({
  id: 'LabVerdict',
  description:
    'breaks: a block finding; needs-review: an unknown no host command settles; holds: otherwise ' +
    '(warnings and measurable unknowns listed)',
})
export type LabVerdict = z.infer<typeof LabVerdictSchema>

const bytes = z.int()

export const ResidentModelSchema = z
  .object({
    service: z.string(),
    model: z.string().meta({ description: 'The model as the service names it' }),
    modelId: z.string().nullable(),
    quantization: z.string(),
    pointer: z.string(),
    resident: z.boolean(),
    contextLength: z
      .int()
      .meta({ description: 'Ollama: num_ctx per sequence; llama-server: --ctx-size over all slots' }),
    parallel: z.int(),
    settings: RunSettingsSchema.nullable().meta({
      description:
        'What the runtime runs it with, as the VRAM planner applied its profile (fromProfile says why)',
    }),
    weightsBytes: bytes.meta({
      description: 'Every layer on the GPU, and a vision projector the runtime puts there',
    }),
    kvCacheBytes: bytes,
    computeBufferBytes: bytes,
    cudaContextBytes: bytes.meta({ description: 'One backend (CUDA) context per runner process' }),
    totalBytes: bytes,
    aloneVerdict: z
      .enum(['fits', 'partial-offload', 'does-not-fit'])
      .meta({ description: 'The VRAM planner on this GPU alone' }),
    tokensPerSecond: z.number().nullable(),
    loadSeconds: z.number().nullable().meta({ description: 'From its model store into the GPU' }),
    loadBottleneck: z.string().nullable(),
  })
  .meta({ id: 'LabResidentModel' })
export type ResidentModel = z.infer<typeof ResidentModelSchema>

export const GpuSummarySchema = z
  .object({
    node: z.string(),
    address: z.string(),
    name: z.string(),
    owner: z.string().meta({ description: 'host:<node> or the guest it is passed to' }),
    vramBytes: bytes,
    resident: z.array(ResidentModelSchema),
    onDemand: z
      .array(ResidentModelSchema)
      .meta({ description: 'Loaded when asked for; see the findings for swaps' }),
    finetune: z
      .object({
        service: z.string(),
        model: z.string(),
        mode: z.string(),
        exclusive: z.boolean(),
        totalBytes: bytes,
        pointer: z.string(),
      })
      .nullable(),
    marginBytes: bytes.meta({
      description: "The runtime's fit margin (llama.cpp --fit target), once per GPU",
    }),
    residentBytes: bytes.meta({ description: 'Resident models + their CUDA contexts + margin' }),
    freeBytes: bytes.meta({ description: 'VRAM left with the resident set loaded; negative = short' }),
  })
  .meta({ id: 'LabGpuSummary' })
export type GpuSummary = z.infer<typeof GpuSummarySchema>

export const GuestSummarySchema = z
  .object({
    node: z.string(),
    name: z.string(),
    vmid: z.int(),
    kind: z.enum(['vm', 'ct']),
    pointer: z.string(),
    memoryBytes: bytes,
    pinned: z.boolean().meta({ description: 'A VM with passthrough pins all its RAM' }),
    devices: z.array(z.object({ address: z.string(), label: z.string(), role: z.string() })),
    services: z.array(z.string()),
    qmSet: z.string().nullable(),
  })
  .meta({ id: 'LabGuestSummary' })
export type GuestSummary = z.infer<typeof GuestSummarySchema>

export const DriveUseSchema = z
  .object({
    kind: z.enum(['disk', 'dataset', 'model-store']),
    name: z.string(),
    sizeBytes: bytes,
    pointer: z.string(),
  })
  .meta({ id: 'LabDriveUse' })

export const DriveSummarySchema = z
  .object({
    node: z.string(),
    storageId: z.string(),
    label: z.string(),
    owner: z.string().meta({ description: 'host:<node>, or the guest its controller is passed to' }),
    capacityBytes: bytes.nullable(),
    usableBytes: bytes.nullable(),
    usedBytes: bytes,
    uses: z.array(DriveUseSchema),
  })
  .meta({ id: 'LabDriveSummary' })
export type DriveSummary = z.infer<typeof DriveSummarySchema>

export const FlowSchema = z
  .object({
    dataset: z.string(),
    reader: z.string(),
    from: z.string().meta({ description: 'node:storageId' }),
    to: z.string().meta({ description: "The reader's node" }),
    bytes,
    crossNode: z.boolean(),
    link: z.string().nullable(),
    bottleneck: z.union([BottleneckSchema, z.null()]),
    seconds: z.number().nullable().meta({ description: 'One full read' }),
    secondsPerDay: z.number().nullable().meta({ description: 'seconds × readsPerDay' }),
    lowerBound: z
      .boolean()
      .meta({ description: 'A stage rate is unknown (left out), so seconds is a lower bound' }),
  })
  .meta({ id: 'LabFlow' })
export type Flow = z.infer<typeof FlowSchema>

export const NodeSummarySchema = z
  .object({
    node: z.string(),
    name: z.string(),
    hostMemoryBytes: bytes.nullable(),
    pinnedMemoryBytes: bytes,
    hostReserveBytes: bytes
      .nullable()
      .meta({ description: 'null while the RAM is unknown and no reserve is given' }),
    guests: z.array(z.string()),
    hostServices: z.array(z.string()),
    passthroughVerdict: z.union([PlanVerdictSchema, z.null()]).meta({
      description: "The passthrough planner's verdict for the node's VMs; null without passthrough",
    }),
    leftOut: z.array(
      z.object({ seedSaid: z.string(), reason: z.string(), seedFinding: z.string().optional() }),
    ),
  })
  .meta({ id: 'LabNodeSummary' })
export type NodeSummary = z.infer<typeof NodeSummarySchema>

export const ConfigBundleSchema = z
  .object({
    nodes: z.array(
      z.object({
        node: z.string(),
        pciMapping: z.array(z.string()).meta({ description: '/etc/pve/mapping/pci.cfg sections' }),
        host: z.union([ProxmoxHostConfigSchema, z.null()]),
      }),
    ),
    guests: z.array(
      z.object({
        node: z.string(),
        name: z.string(),
        hostpci: z.array(z.string()),
        qmSet: z.string().nullable(),
      }),
    ),
    services: z.array(
      z.object({
        name: z.string(),
        runtime: z.string(),
        environment: z
          .array(z.string())
          .meta({ description: 'Ollama: Environment= lines of a systemd override' }),
        commandLine: z.string().nullable().meta({ description: 'llama-server: the command line' }),
      }),
    ),
  })
  .meta({ id: 'LabConfigBundle', description: 'Empty for a node whose passthrough is blocked' })
export type ConfigBundle = z.infer<typeof ConfigBundleSchema>

export const LabPlanSchema = z
  .object({
    verdict: LabVerdictSchema,
    summary: z.string(),
    findings: z.array(FindingSchema).meta({ description: 'block first, then warn, unknown, info' }),
    nodes: z.array(NodeSummarySchema),
    gpus: z.array(GpuSummarySchema),
    guests: z.array(GuestSummarySchema),
    drives: z.array(DriveSummarySchema),
    flows: z.array(FlowSchema),
    config: ConfigBundleSchema,
    assumptions: z.array(z.string()),
  })
  .meta({ id: 'LabPlan' })
export type LabPlan = z.infer<typeof LabPlanSchema>

export const FindingChangeSchema = z
  .object({
    change: z.enum(['appears', 'disappears', 'severity']),
    finding: FindingSchema,
    before: z.union([FindingSeveritySchema, z.null()]),
  })
  .meta({ id: 'LabFindingChange' })
export type FindingChange = z.infer<typeof FindingChangeSchema>

export const ArchitectureAnswerSchema = LabPlanSchema.extend({ architecture: ArchitectureSchema }).meta({
  id: 'ArchitectureAnswer',
  description: 'The documented architecture and its evaluation',
})

export const LabPlanAnswerSchema = LabPlanSchema.extend({
  architecture: ArchitectureSchema.meta({ description: 'The architecture evaluated (with changes applied)' }),
  diff: z
    .array(FindingChangeSchema)
    .optional()
    .meta({ description: 'With changes: findings that appear, disappear or change severity' }),
}).meta({ id: 'LabPlanAnswer' })
export type LabPlanAnswer = z.infer<typeof LabPlanAnswerSchema>
