/** Query and response shapes of the GPU library operations. */
import { z } from '@hono/zod-openapi'
import { GpuBackendSchema, GpuSegmentSchema, GpuVendorSchema, ResetBugSchema } from '../../domain/catalog/gpu-schemas.ts'
import { GpuModelFieldsSchema, SlugSchema } from '../../domain/catalog/schemas.ts'

/**
 * A filter that takes several values, repeated (`?vendor=amd&vendor=intel`) or comma-separated
 * (`?vendor=amd,intel`); Hono hands a repeated parameter over as an array.
 */
function anyOf(values: readonly string[], description: string, example: string) {
  // Any case, spelled out per letter: a JSON Schema pattern has no flags, so /i would not survive.
  const anyCase = (v: string) => [...v].map((ch) => (/[a-z]/i.test(ch) ? `[${ch.toLowerCase()}${ch.toUpperCase()}]` : ch)).join('')
  const one = values.map(anyCase).join('|')
  const list = z
    .string()
    .regex(new RegExp(`^(?:${one})(?:,(?:${one}))*$`), `expected one or more of ${values.join(', ')}, comma-separated or repeated`)
  return z
    .union([list, z.array(list)])
    .optional()
    .meta({ description: `${description}; several values match any of them`, example })
}

/** The values of a several-valued filter, lowercased; empty when absent. */
export function valuesOf(param: string | string[] | undefined): string[] {
  if (param === undefined) return []
  return (Array.isArray(param) ? param : [param]).flatMap((p) => p.split(',')).map((v) => v.toLowerCase())
}

const integer = (description: string, example: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,16}$/, 'expected a non-negative integer')
    .transform(Number)
    .refine((n) => n <= max, `expected at most ${max}`)
    .meta({ type: 'integer', description, example })

export const GpuListQuerySchema = z.object({
  vendor: anyOf(GpuVendorSchema.options, 'Vendor (nvidia, amd, intel; any case)', 'amd,intel'),
  backend: anyOf(GpuBackendSchema.options, 'A ggml backend the card runs', 'rocm'),
  segment: anyOf(GpuSegmentSchema.options, 'Market segment', 'datacenter'),
  minVramBytes: integer('Only cards with at least this much VRAM', 17179869184, Number.MAX_SAFE_INTEGER).optional(),
  limit: integer('Page size (default 100, at most 1000)', 100, 1000).refine((n) => n >= 1, 'expected at least 1').optional(),
  offset: integer('Items to skip (default 0)', 0, Number.MAX_SAFE_INTEGER).optional(),
})

export const GpuSummarySchema = GpuModelFieldsSchema.pick({
  slug: true, vendor: true, name: true, architecture: true, segment: true, computeCapability: true, gfxTarget: true,
  vramBytes: true, memoryBandwidthGBps: true, pcie: true, tdpWatts: true, slotWidth: true, cooling: true, backends: true,
})
  .extend({ resetBug: ResetBugSchema, href: z.string() })
  .meta({ id: 'GpuSummary' })

export const GpuListSchema = z
  .object({
    items: z.array(GpuSummarySchema),
    count: z.int().meta({ description: 'Cards matching the filters, before paging' }),
    offset: z.int(),
    limit: z.int(),
  })
  .meta({ id: 'GpuList' })

export const GpuParamSchema = z.object({
  slug: SlugSchema.max(100).meta({ param: { name: 'slug', in: 'path' }, example: 'nvidia-rtx-4090' }),
})
