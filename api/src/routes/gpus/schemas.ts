/** Query and response shapes of the GPU library operations. */
import { z } from '@hono/zod-openapi'
import {
  GpuBackendSchema,
  GpuSegmentSchema,
  GpuVendorSchema,
  ResetBugSchema,
} from '../../domain/catalog/gpu-schemas.ts'
import { GpuModelFieldsSchema, SlugSchema } from '../../domain/catalog/schemas.ts'
import { MAX_VRAM_BYTES } from '../../domain/vram/target-schemas.ts'
import { PAGE_PARAMS, filterValues, integerParam, listOf } from '../../http/lists.ts'

/**
 * One value of `values` in any case (`amd`, `AMD`), answered as the enum spells it, so that a
 * hand-typed query need not know that vendors are upper case and backends lower case.
 */
function anyCaseOf<T extends string>(values: z.ZodEnum<{ [K in T]: K }>) {
  // Spelled out per letter: a JSON Schema pattern has no flags, so /i would not survive.
  const anyCase = (v: string) =>
    [...v].map((ch) => (/[a-z]/i.test(ch) ? `[${ch.toLowerCase()}${ch.toUpperCase()}]` : ch)).join('')
  const pattern = new RegExp(`^(?:${values.options.map(anyCase).join('|')})$`)
  const canonical = new Map(values.options.map((v) => [v.toLowerCase(), v]))
  return z
    .string()
    .regex(pattern, `expected one of ${values.options.join(', ')} (any case)`)
    .transform((v) => canonical.get(v.toLowerCase()) ?? v)
    .pipe(values)
}

export const GpuListQuerySchema = z.object({
  vendor: filterValues(anyCaseOf(GpuVendorSchema), 'Vendor: NVIDIA, AMD or Intel, any case').meta({
    example: ['AMD', 'Intel'],
  }),
  backend: filterValues(anyCaseOf(GpuBackendSchema), 'A ggml backend the card runs, any case').meta({
    example: ['rocm'],
  }),
  segment: filterValues(anyCaseOf(GpuSegmentSchema), 'Market segment, any case').meta({
    example: ['datacenter'],
  }),
  minVramBytes: integerParam(0, MAX_VRAM_BYTES, 0, 'Only cards with at least this many bytes of VRAM'),
  ...PAGE_PARAMS,
})

const GpuSummarySchema = GpuModelFieldsSchema.pick({
  slug: true,
  vendor: true,
  name: true,
  architecture: true,
  segment: true,
  computeCapability: true,
  gfxTarget: true,
  vramBytes: true,
  memoryBandwidthGBps: true,
  pcie: true,
  tdpWatts: true,
  slotWidth: true,
  cooling: true,
  backends: true,
})
  .extend({ resetBug: ResetBugSchema, href: z.string() })
  .meta({ id: 'GpuSummary' })

export const GpuListSchema = listOf(
  GpuSummarySchema,
  'GpuList',
  'Library cards matching the filters, by slug',
)

export const GpuParamSchema = z.object({
  slug: SlugSchema.max(100).meta({ param: { name: 'slug', in: 'path' }, example: 'nvidia-rtx-4090' }),
})
