/**
 * The parts of a GPU reference record (data/hardware/gpus/<slug>.yaml) beyond raw specs: the
 * compute backends a card runs, its passthrough behaviour, and provenance that cites a public
 * source for every fact. GpuModelSchema in schemas.ts composes them.
 */
import { z } from 'zod'
import { ProvenanceStatusSchema } from './provenance.ts'

/** ggml backends llama.cpp builds (docs/build.md): the runtime a card can plan under. */
export const GpuBackendSchema = z.enum(['cuda', 'rocm', 'vulkan', 'sycl', 'metal']).meta({
  id: 'GpuBackend',
  description: 'ggml backend: cuda (NVIDIA), rocm (HIP), vulkan, sycl (Intel oneAPI), metal (Apple)',
})
export type GpuBackend = z.infer<typeof GpuBackendSchema>

export const GpuVendorSchema = z.enum(['NVIDIA', 'AMD', 'Intel']).meta({ id: 'GpuVendor' })
export type GpuVendor = z.infer<typeof GpuVendorSchema>
export const GpuSegmentSchema = z.enum(['consumer', 'workstation', 'datacenter']).meta({ id: 'GpuSegment' })
export type GpuSegment = z.infer<typeof GpuSegmentSchema>

/** Readers of the data have no private notes: a GPU fact cites a public https page. */
export const PublicSourceSchema = z.url({
  protocol: /^https$/,
  error: 'expected a public https URL (vendor page, Wikipedia, llama.cpp source)',
})

/** A FactProvenance whose source is required and public; the library has no seed to correct. */
const GpuFactProvenanceSchema = z
  .object({
    status: ProvenanceStatusSchema.exclude(['corrected', 'imported']),
    /** How an inferred fact was derived. */
    reason: z.string().min(1).optional(),
    source: PublicSourceSchema,
  })
  .meta({ id: 'GpuFactProvenance' })

/** Same shape as ProvenanceSchema (provenanceOf reads it), but every fact names its public source. */
export const GpuProvenanceSchema = z
  .object({
    default: GpuFactProvenanceSchema,
    /** Keyed by field name; nested fields by dotted path (`passthrough.resetBug`). */
    fields: z.record(z.string(), GpuFactProvenanceSchema).default({}),
  })
  .meta({ id: 'GpuProvenance' })

/**
 * The AMD "reset bug": a card that cannot be reset between VM starts (Polaris, Vega 10/20,
 * Navi 10/12/14), fixed by the gnif/vendor-reset kernel module. `not-affected` says so with
 * a source; `unknown` when no public source settles it.
 */
export const ResetBugSchema = z.enum(['affected', 'not-affected', 'unknown']).meta({ id: 'GpuResetBug' })

export const GpuPassthroughSchema = z
  .object({
    resetBug: ResetBugSchema,
    /** What makes it work when affected, e.g. the vendor-reset module; null when nothing is needed or known. */
    resetFix: z.string().min(1).nullable(),
    /** Other known quirks in a VM (driver checks, BAR size, cooling outside a server chassis). */
    quirks: z.array(z.string().min(1)).default([]),
  })
  .meta({ id: 'GpuPassthrough' })
