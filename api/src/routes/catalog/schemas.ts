/** Response shapes of the catalog operations, built from the domain's record schemas. */
import { z } from '@hono/zod-openapi'
import { IommuGroupRecordSchema, NodeIdSchema, PciDeviceSchema } from '../../domain/catalog/schemas.ts'

export const NodeParamSchema = z.object({
  node: NodeIdSchema.meta({ param: { name: 'node', in: 'path' } }),
})

export const NodeSummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    summary: z.string(),
    deviceCount: z.int(),
    iommuGroupCount: z.int(),
    gpus: z.array(
      z.object({
        address: z.string().nullable(),
        label: z.string(),
        vendorDevice: z.string(),
        vramBytes: z.int().nullable(),
      }),
    ),
    href: z.string(),
  })
  .meta({ id: 'NodeSummary' })

export const NodeDeviceSchema = PciDeviceSchema.extend({ node: z.string() }).meta({ id: 'NodeDevice' })

export const DeviceLookupSchema = z
  .object({
    node: z.string(),
    /** The query, normalised: `0000:0e:00.0`, or `0000:0e:00` for every function of a slot. */
    address: z.string(),
    allFunctions: z.boolean(),
    devices: z.array(PciDeviceSchema),
  })
  .meta({ id: 'DeviceLookup' })

export const IommuGroupSchema = IommuGroupRecordSchema.extend({
  node: z.string(),
  members: z.array(PciDeviceSchema),
  href: z.string(),
}).meta({ id: 'IommuGroup' })
