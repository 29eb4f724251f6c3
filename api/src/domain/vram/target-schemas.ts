/**
 * The shapes a `targets` entry of POST /api/v1/plan/vram-fit takes besides a lab node id or
 * GPU slug: a library card placed (hypothetically) in a lab node, or an inline card.
 */
import { z } from 'zod'
import { GpuBackendSchema, GpuSegmentSchema, GpuVendorSchema } from '../catalog/gpu-schemas.ts'
import { NodeIdSchema, PcieLinkSchema, SlugSchema } from '../catalog/schemas.ts'

/** 16 TiB: more VRAM than any card or unified memory has, so a larger number is a typo. */
export const MAX_VRAM_BYTES = 2 ** 44

const WhatIfGpuSchema = z
  .object({
    gpu: SlugSchema.max(100).meta({
      description: 'A GPU library slug (GET /api/v1/gpus)',
      example: 'nvidia-rtx-4090',
    }),
    node: NodeIdSchema.meta({
      description:
        'The lab node it would sit in: its GPU slot and drives price the load time, its host RAM the offloaded layers',
    }),
    backend: GpuBackendSchema.optional().meta({
      description:
        "One of the card's backends; defaults to its first (cuda for NVIDIA, rocm for AMD, sycl for Intel)",
    }),
  })
  .meta({ id: 'WhatIfGpuTarget', example: { gpu: 'nvidia-rtx-4090', node: 'caraxes' } })
export type WhatIfGpu = z.infer<typeof WhatIfGpuSchema>

const InlineGpuSchema = z
  .object({
    name: z.string().min(1).max(100).optional().meta({ description: 'Label in the answer' }),
    vramBytes: z
      .int()
      .min(2 ** 28)
      .max(MAX_VRAM_BYTES)
      .meta({ description: 'Dedicated VRAM; for metal the unified memory size' }),
    memoryBandwidthGBps: z.number().min(1).max(100_000),
    backend: GpuBackendSchema,
    node: NodeIdSchema.optional().meta({
      description:
        'A lab node to put it in (its drives and host RAM); without one, load time and CPU layers are unpriced',
    }),
    pcie: PcieLinkSchema.optional().meta({
      description: "The card's own link; in a node it is capped by the node's GPU slot",
    }),
    metalWorkingSetBytes: z
      .int()
      .min(2 ** 28)
      .max(MAX_VRAM_BYTES)
      .optional()
      .meta({
        description:
          'metal only: recommendedMaxWorkingSetSize as ggml_metal_init logs it (default 2/3 or 3/4 of vramBytes)',
      }),
  })
  .meta({
    id: 'InlineGpuTarget',
    example: {
      name: 'Mac Studio M2 Ultra',
      vramBytes: 206158430208,
      memoryBandwidthGBps: 800,
      backend: 'metal',
    },
  })
export type InlineGpu = z.infer<typeof InlineGpuSchema>

const TargetItemSchema = z.union([z.string().min(1).max(100), WhatIfGpuSchema, InlineGpuSchema]).meta({
  id: 'VramTarget',
  description: 'A lab node id or GPU slug, a library card in a node, or an inline card',
})

const LibraryTargetsSchema = z
  .object({
    library: z
      .object({
        node: NodeIdSchema.optional().meta({
          description:
            'Plan every card in this lab node (its slot, drives and host RAM); default: in no node',
        }),
        vendor: z.array(GpuVendorSchema).min(1).max(3).optional(),
        backend: z.array(GpuBackendSchema).min(1).max(5).optional().meta({
          description:
            'Cards that run any of these; each is planned on the first of its backends listed here',
        }),
        segment: z.array(GpuSegmentSchema).min(1).max(3).optional(),
        minVramBytes: z.int().min(0).max(MAX_VRAM_BYTES).optional(),
      })
      .meta({ description: 'Which library cards to rank, and where' }),
  })
  .meta({ id: 'LibraryTargets', example: { library: { node: 'caraxes', minVramBytes: 17179869184 } } })
export type LibraryTargets = z.infer<typeof LibraryTargetsSchema>

export const TargetsSchema = z
  .union([
    z.literal('all'),
    z.literal('library'),
    LibraryTargetsSchema,
    z.array(TargetItemSchema).min(1).max(8),
  ])
  .default('all')
  .meta({
    description:
      '"all" ranks every GPU and GPU combination of the lab; "library" ranks every ' +
      'library card as a single GPU (the upgrade question), {"library": {…}} a filtered ' +
      'part of it in a lab node; a list is one GPU set (several = one layer split)',
  })
export type Targets = z.infer<typeof TargetsSchema>
