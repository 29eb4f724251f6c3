import { createRoute } from '@hono/zod-openapi'
import { filterGpus } from '../../domain/catalog/gpu-library.ts'
import type { AppRouteHandler } from '../../http/create-router.ts'
import { page } from '../../http/lists.ts'
import { problemResponses } from '../../http/problem.ts'
import { GpuListQuerySchema, GpuListSchema } from './schemas.ts'

export const listGpusRoute = createRoute({
  method: 'get',
  path: '/api/v1/gpus',
  operationId: 'listGpus',
  tags: ['gpus'],
  summary: 'The GPU reference library: cards to plan with (what-if targets), filtered and paged',
  description:
    'Every card of the library (data/hardware/gpus/), in slug order: VRAM, bandwidth, compute capability or ' +
    'gfx target, ggml backends, PCIe link, power, slot width, cooling and the AMD reset bug status. Filters ' +
    'combine with AND; vendor, backend and segment take several values, repeated or comma-separated, in any ' +
    'case (`?vendor=amd,intel`). `GET /api/v1/gpus/{slug}` has the whole card with its sources; a slug plans ' +
    'the card in a lab node as a VRAM target (`{"gpu": "<slug>", "node": "<node>"}`). Paged with `limit` and ' +
    '`offset`.',
  request: { query: GpuListQuerySchema },
  responses: {
    200: {
      description: 'Matching cards, by slug',
      content: { 'application/json': { schema: GpuListSchema } },
    },
    ...problemResponses(400),
  },
})

export const listGpus: AppRouteHandler<typeof listGpusRoute> = (c) => {
  const { limit, offset, ...filter } = c.req.valid('query')
  const matching = filterGpus(c.get('catalog').gpuModels, filter).map((g) => ({
    slug: g.slug,
    vendor: g.vendor,
    name: g.name,
    architecture: g.architecture,
    segment: g.segment,
    computeCapability: g.computeCapability,
    gfxTarget: g.gfxTarget,
    vramBytes: g.vramBytes,
    memoryBandwidthGBps: g.memoryBandwidthGBps,
    pcie: g.pcie,
    tdpWatts: g.tdpWatts,
    slotWidth: g.slotWidth,
    cooling: g.cooling,
    backends: g.backends,
    resetBug: g.passthrough.resetBug,
    href: `/api/v1/gpus/${g.slug}`,
  }))
  return c.json(page(matching, { limit, offset }), 200)
}
