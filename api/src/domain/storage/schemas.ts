/**
 * Storage tiers, the storage-tier planner and the transfer planner: requests and answers.
 * Bytes are integers; every number is bounded so a negative, NaN or absurd value (> 1 PB) is a
 * 422 naming the field, never a 500.
 */
import { z } from 'zod'
import { NodeIdSchema, PcieLinkSchema, SlugSchema } from '../catalog/schemas.ts'
import { FREE_SPACE_RESERVE, MAX_BYTES } from './rates.ts'

export const TierIdSchema = z
  .enum(['nvme-capacity', 'nvme-fast', 'nvme-standard', 'hba-mass'])
  .meta({ id: 'StorageTierId', description: 'Derived from drive specs by the rules in `rules`' })
export type TierId = z.infer<typeof TierIdSchema>

export const PurposeSchema = z
  .enum(['model-store', 'model-cache', 'dataset', 'vm-disk', 'scratch', 'backup'])
  .meta({ id: 'StoragePurpose' })
export type Purpose = z.infer<typeof PurposeSchema>

export const BottleneckSchema = z
  .object({
    kind: z.enum(['drive-read', 'drive-write', 'drive-pcie', 'gpu-pcie', 'network']),
    name: z
      .string()
      .meta({ description: 'What limits the rate, e.g. "CARAXES RTL8111/8168/8411 (1000 Mbps)"' }),
    MBps: z
      .number()
      .meta({ description: 'The limiting rate, decimal MB/s (after TCP efficiency for a network)' }),
  })
  .meta({ id: 'Bottleneck' })
export type Bottleneck = z.infer<typeof BottleneckSchema>

const nullableNumber = z.number().nullable()

export const DrivePathSchema = z
  .object({
    kind: z.enum(['nvme-direct', 'behind-hba']),
    controller: z.string().meta({ description: 'PCI address of the NVMe controller or the HBA' }),
    controllerName: z.string(),
    pcie: z
      .union([PcieLinkSchema, z.null()])
      .meta({ description: 'Drive link (NVMe); null behind an HBA, whose link the catalog does not record' }),
    pcieMBps: nullableNumber,
    note: z.string(),
  })
  .meta({ id: 'DrivePath' })

export const StorageTierDeviceSchema = z
  .object({
    node: z.string(),
    storageId: z.string(),
    label: z.string(),
    tier: TierIdSchema,
    tierReason: z.string(),
    attachment: z.enum(['nvme', 'hba']),
    driveModel: z.string().nullable(),
    driveName: z.string().nullable(),
    diskCount: z.int().nullable().meta({
      description: 'Physical disks: 1 for an NVMe drive, the declared count for an HBA pool, null = unknown',
    }),
    capacityBytes: z.int().nullable().meta({ description: 'null = unknown (no disk listed behind the HBA)' }),
    usableBytes: z
      .int()
      .nullable()
      .meta({ description: `capacity less the ${FREE_SPACE_RESERVE * 100} % free-space reserve` }),
    sequentialReadMBps: nullableNumber,
    sequentialWriteMBps: nullableNumber,
    randomReadIops: z.int().nullable(),
    randomWriteIops: z.int().nullable(),
    enduranceTbw: nullableNumber,
    path: DrivePathSchema,
    hostOs: z.boolean().meta({ description: 'Host OS / boot drive: fine for caches, bulk data is warned' }),
    declared: z
      .boolean()
      .meta({ description: 'Built from declaredDisks in the request, not from the catalog' }),
    warnings: z.array(z.string()),
  })
  .meta({ id: 'StorageTierDevice' })
export type StorageTierDevice = z.infer<typeof StorageTierDeviceSchema>

export const TierRuleSchema = z
  .object({ tier: TierIdSchema, rule: z.string(), source: z.string() })
  .meta({ id: 'StorageTierRule' })
export type TierRule = z.infer<typeof TierRuleSchema>

export const StorageTierSchema = z
  .object({
    id: TierIdSchema,
    label: z.string(),
    rule: z.string(),
    suits: z.array(PurposeSchema).meta({ description: 'Purposes that rank this tier first or second' }),
    devices: z.array(StorageTierDeviceSchema),
    capacityStatus: z.enum(['known', 'partial', 'unknown']),
    capacityBytes: z
      .int()
      .nullable()
      .meta({ description: 'Sum over devices of known capacity; null when none is known' }),
    usableBytes: z.int().nullable(),
    sequentialReadMBps: nullableNumber.meta({ description: 'Slowest member; null if any member is unknown' }),
    sequentialWriteMBps: nullableNumber.meta({
      description: 'Slowest member; null if any member is unknown',
    }),
    randomReadIops: z.int().nullable().meta({ description: 'Slowest member; null if any member is unknown' }),
    enduranceTbw: nullableNumber.meta({ description: 'Lowest member; null if any member is unknown' }),
  })
  .meta({ id: 'StorageTier' })
export type StorageTier = z.infer<typeof StorageTierSchema>

export const StorageTiersAnswerSchema = z
  .object({
    node: z.string().nullable(),
    rules: z.array(TierRuleSchema).meta({
      description: 'Tier membership: a drive joins the first tier whose rule it meets, in this order',
    }),
    tiers: z.array(StorageTierSchema),
    warnings: z.array(z.string()),
  })
  .meta({ id: 'StorageTiers' })
export type StorageTiersAnswer = z.infer<typeof StorageTiersAnswerSchema>

// ---------------------------------------------------------------- requests

const sizeBytes = z.int().min(1).max(MAX_BYTES, 'at most 1 PB (10^15 bytes)')
const rateMBps = z.number().positive().max(100_000)

export const DeclaredDisksSchema = z
  .object({
    storageId: SlugSchema.optional().meta({
      description: 'HBA storage entry; defaults to the only one of the lab',
      example: 'caraxes-hba-disks',
    }),
    count: z.int().min(1).max(256),
    capacityBytes: sizeBytes.meta({ description: 'Per disk', example: 8_000_000_000_000 }),
    sequentialReadMBps: rateMBps.optional().meta({ description: 'Per disk', example: 250 }),
    sequentialWriteMBps: rateMBps.optional().meta({ description: 'Per disk', example: 250 }),
    randomReadIops: z.int().positive().max(10_000_000).optional(),
    enduranceTbw: z
      .number()
      .positive()
      .max(1e6)
      .optional()
      .meta({ description: 'Per disk (HDDs: rated TB/year × warranty years)' }),
  })
  .meta({
    id: 'DeclaredDisks',
    description:
      'Disks behind an HBA that the catalog does not list; pooled (striped), read = count × per-disk',
  })
export type DeclaredDisks = z.infer<typeof DeclaredDisksSchema>

export const StorageItemSchema = z
  .object({
    name: z.string().min(1).max(100),
    purpose: PurposeSchema,
    sizeBytes: sizeBytes.meta({ example: 40_000_000_000 }),
    access: z.enum(['random', 'sequential']).default('sequential'),
    readPercent: z.number().min(0).max(100).optional().meta({
      description:
        'Share of I/O that is reads, 0-100; drives are ranked by their rate for this mix. Absent = read-only',
    }),
    dailyWritesBytes: z.int().min(0).max(MAX_BYTES, 'at most 1 PB (10^15 bytes) a day').default(0),
    latencySensitive: z.boolean().default(false),
    readers: z
      .array(NodeIdSchema)
      .max(16)
      .default([])
      .meta({ description: 'Node ids that read it; empty = any node' }),
    redundancy: z.enum(['none', 'mirror']).default('none'),
    declaredDisks: z
      .array(DeclaredDisksSchema)
      .max(8)
      .optional()
      .meta({ description: 'Disks behind an HBA; they apply to every item of the request (declare once)' }),
  })
  .meta({ id: 'StorageItem' })
export type StorageItem = z.infer<typeof StorageItemSchema>

export const StoragePlanRequestSchema = z
  .object({
    items: z.array(StorageItemSchema).min(1).max(50),
    declaredDisks: z.array(DeclaredDisksSchema).max(8).optional(),
  })
  .superRefine((req, ctx) => {
    const seen = new Set<string>()
    req.items.forEach((item, i) => {
      if (item.readPercent === 100 && item.dailyWritesBytes > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['items', i, 'dailyWritesBytes'],
          message: 'readPercent is 100 (read-only), so dailyWritesBytes must be 0',
        })
      }
      if (item.readPercent === 0 && item.dailyWritesBytes === 0 && item.purpose !== 'backup') {
        ctx.addIssue({
          code: 'custom',
          path: ['items', i, 'readPercent'],
          message: 'readPercent 0 (write-only) needs dailyWritesBytes > 0',
        })
      }
      if (seen.has(item.name))
        ctx.addIssue({
          code: 'custom',
          path: ['items', i, 'name'],
          message: `duplicate item name "${item.name}"`,
        })
      seen.add(item.name)
    })
  })
  .meta({
    id: 'StoragePlanRequest',
    description: 'Items to place onto the storage tiers; one item is a list of one',
    example: {
      items: [
        { name: 'gguf-store', purpose: 'model-store', sizeBytes: 40_000_000_000, readers: ['meraxes'] },
        { name: 'imagenet', purpose: 'dataset', sizeBytes: 2_000_000_000_000, readers: ['meraxes'] },
        {
          name: 'vm-101',
          purpose: 'vm-disk',
          sizeBytes: 200_000_000_000,
          access: 'random',
          readPercent: 70,
          dailyWritesBytes: 20_000_000_000,
          latencySensitive: true,
          readers: ['meraxes'],
        },
      ],
    },
  })
export type StoragePlanRequest = z.infer<typeof StoragePlanRequestSchema>
export type StoragePlanRequestInput = z.input<typeof StoragePlanRequestSchema>

export const TransferRequestSchema = z
  .object({
    from: z.string().min(1).max(200).meta({ description: 'Node id or `node:storageId`', example: 'meraxes' }),
    to: z.string().min(1).max(200).meta({ description: 'Node id or `node:storageId`', example: 'caraxes' }),
    bytes: sizeBytes.meta({ example: 40_000_000_000 }),
  })
  .refine((r) => r.from.toLowerCase() !== r.to.toLowerCase(), {
    path: ['to'],
    message: 'to must differ from from',
  })
  .meta({ id: 'TransferRequest', example: { from: 'meraxes', to: 'caraxes', bytes: 40_000_000_000 } })
export type TransferRequest = z.infer<typeof TransferRequestSchema>
