/** Answers of GET /api/v1/network/links and POST /api/v1/plan/transfer. */
import { z } from 'zod'
import { TCP_EFFICIENCY } from './rates.ts'
import { BottleneckSchema } from './schemas.ts'

const LinkEndSchema = z.object({
  node: z.string(),
  interface: z.string(),
  nicModel: z.string(),
  nicName: z.string(),
  speedMbps: z.int(),
})

export const LabLinkSchema = z
  .object({
    id: z.string(),
    label: z.string(),
    endpoints: z.array(LinkEndSchema),
    effectiveMbps: z.int().meta({ description: 'The slower end sets the rate' }),
    payloadMBps: z.number().meta({ description: `effectiveMbps / 8 × TCP efficiency ${TCP_EFFICIENCY}` }),
    bottleneck: LinkEndSchema.meta({ description: 'The end whose NIC sets the rate' }),
    notes: z.array(z.string()),
  })
  .meta({ id: 'LabLink' })
export type LabLink = z.infer<typeof LabLinkSchema>

export const NetworkLinksAnswerSchema = z
  .object({
    node: z.string().nullable(),
    tcpEfficiency: z.number(),
    links: z.array(LabLinkSchema),
    assumptions: z.array(z.string()),
  })
  .meta({ id: 'NetworkLinks' })
export type NetworkLinksAnswer = z.infer<typeof NetworkLinksAnswerSchema>

export const TransferEndSchema = z
  .object({
    node: z.string(),
    storageId: z.string().nullable(),
    label: z.string().nullable(),
    chosen: z
      .enum(['named', 'fastest-known', 'unknown'])
      .meta({ description: "named in the request, or the node's fastest drive of known speed" }),
  })
  .meta({ id: 'TransferEnd' })

export const TransferPlanSchema = z
  .object({
    from: TransferEndSchema,
    to: TransferEndSchema,
    bytes: z.int(),
    sameNode: z.boolean(),
    verdict: z.enum(['priced', 'no-link', 'rate-unknown']),
    link: z.union([LabLinkSchema, z.null()]),
    stages: z.array(BottleneckSchema).meta({ description: 'Every known stage with its rate' }),
    bottleneck: BottleneckSchema.nullable(),
    seconds: z.number().nullable(),
    rawLinkSeconds: z
      .number()
      .nullable()
      .meta({ description: 'bytes × 8 / effectiveMbps: the link at its bit rate, before TCP overhead' }),
    unknowns: z.array(z.string()),
    assumptions: z.array(z.string()),
  })
  .meta({ id: 'TransferPlan' })
export type TransferPlan = z.infer<typeof TransferPlanSchema>
