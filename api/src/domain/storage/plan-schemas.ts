/** Answer of POST /api/v1/plan/storage-tier: one result per item, the device usage, what did not fit. */
import { z } from 'zod'
import {
  BottleneckSchema,
  PurposeSchema,
  StorageTierSchema,
  TierIdSchema,
  TierRuleSchema,
} from './schemas.ts'

const DeviceRef = {
  node: z.string(),
  storageId: z.string(),
  label: z.string(),
  tier: TierIdSchema,
}

export const StorageCandidateSchema = z
  .object({
    ...DeviceRef,
    rank: z.int().meta({ description: '1 = best' }),
    fits: z.boolean().nullable().meta({ description: 'null = capacity unknown' }),
    capacityLeftBytes: z
      .int()
      .nullable()
      .meta({ description: 'Usable bytes left on the device after placing this item there' }),
    reason: z.string(),
  })
  .meta({ id: 'StorageCandidate' })
export type StorageCandidate = z.infer<typeof StorageCandidateSchema>

export const StorageRecommendationSchema = z
  .object({
    ...DeviceRef,
    reason: z.string(),
    capacityLeftBytes: z
      .int()
      .meta({ description: 'Usable bytes left on the device after this item (and any placed before it)' }),
    mirror: z.object(DeviceRef).nullable().meta({
      description:
        'Second copy (redundancy: mirror); the same device = a mirror inside a declared multi-disk pool',
    }),
  })
  .meta({ id: 'StorageRecommendation' })

export const LoadTimeSchema = z
  .object({
    reader: z.string(),
    sink: z.enum(['gpu', 'host-memory']),
    sinkName: z.string(),
    seconds: z.number().nullable(),
    bottleneck: BottleneckSchema.nullable(),
    stages: z.array(BottleneckSchema),
    reason: z.string().nullable().meta({ description: 'Why seconds is null' }),
  })
  .meta({ id: 'LoadTime' })
export type LoadTime = z.infer<typeof LoadTimeSchema>

export const CopyTimeSchema = z
  .object({
    toNode: z.string(),
    seconds: z.number().nullable(),
    rawLinkSeconds: z.number().nullable().meta({ description: 'bytes × 8 / link Mbps, before TCP overhead' }),
    bottleneck: BottleneckSchema.nullable(),
    link: z.string().nullable(),
    unknowns: z.array(z.string()),
  })
  .meta({ id: 'CopyTime' })
export type CopyTime = z.infer<typeof CopyTimeSchema>

export const EnduranceCostSchema = z
  .object({
    node: z.string(),
    storageId: z.string(),
    dailyWritesBytes: z.int(),
    enduranceTbw: z.number().nullable(),
    yearsToTbw: z.number().nullable(),
    reason: z.string().nullable().meta({ description: 'Why yearsToTbw is null' }),
  })
  .meta({ id: 'EnduranceCost' })
export type EnduranceCost = z.infer<typeof EnduranceCostSchema>

export const StorageWarningSchema = z
  .object({
    code: z.enum([
      'host-os-drive',
      'redundancy-unmet',
      'hba-single-card',
      'remote-reader',
      'capacity-unknown',
      'endurance-unknown',
      'endurance-short',
    ]),
    message: z.string(),
  })
  .meta({ id: 'StorageWarning' })
export type StorageWarning = z.infer<typeof StorageWarningSchema>

export const StorageItemPlanSchema = z
  .object({
    name: z.string(),
    purpose: PurposeSchema,
    sizeBytes: z.int(),
    placementOrder: z.int().meta({ description: '1 = placed first (see `order`)' }),
    verdict: z.enum(['placed', 'does-not-fit']),
    recommended: StorageRecommendationSchema.nullable(),
    alternatives: z
      .array(StorageCandidateSchema)
      .meta({ description: 'Every other device, ranked, with the reason' }),
    whyNot: z.string().nullable(),
    loadTimes: z.array(LoadTimeSchema),
    copyTimes: z
      .array(CopyTimeSchema)
      .meta({ description: 'Copying the item from its device to each other node' }),
    endurance: z
      .array(EnduranceCostSchema)
      .meta({ description: 'One per drive the item writes (two when mirrored)' }),
    warnings: z.array(StorageWarningSchema),
  })
  .meta({ id: 'StorageItemPlan' })
export type StorageItemPlan = z.infer<typeof StorageItemPlanSchema>

export const DeviceUsageSchema = z
  .object({
    ...DeviceRef,
    usableBytes: z.int().nullable(),
    placedBytes: z.int(),
    leftBytes: z.int().nullable(),
    items: z.array(z.string()),
    dailyWritesBytes: z.int(),
    yearsToTbw: z.number().nullable(),
  })
  .meta({ id: 'DeviceUsage' })
export type DeviceUsage = z.infer<typeof DeviceUsageSchema>

export const StoragePlanSchema = z
  .object({
    order: z.string().meta({ description: 'How the items were ordered for greedy placement' }),
    items: z.array(StorageItemPlanSchema).meta({ description: 'In request order' }),
    unplaced: z.array(z.object({ name: z.string(), reason: z.string() })),
    devices: z.array(DeviceUsageSchema),
    tiers: z
      .array(StorageTierSchema)
      .meta({ description: 'The tiers planned against (declared disks applied)' }),
    rules: z.array(TierRuleSchema),
    assumptions: z.array(z.string()),
  })
  .meta({ id: 'StoragePlan' })
export type StoragePlan = z.infer<typeof StoragePlanSchema>
