import { createRoute } from '@hono/zod-openapi'
import { filterGpus } from '../../domain/catalog/gpu-library.ts'
import type { GpuBackend } from '../../domain/catalog/gpu-schemas.ts'
import type { GpuModel } from '../../domain/catalog/schemas.ts'
import type { AppRouteHandler } from '../../http/create-router.ts'
import { problemResponses } from '../../http/problem.ts'
import { GpuListQuerySchema, GpuListSchema, valuesOf } from './schemas.ts'

export const listGpusRoute = createRoute({
  method: 'get',
  path: '/api/v1/gpus',
  operationId: 'listGpus',
  tags: ['gpus'],
  summary: 'The GPU reference library: cards to plan with (what-if targets), filtered and paged',
  request: { query: GpuListQuerySchema },
  responses: {
    200: { description: 'Matching cards, by slug', content: { 'application/json': { schema: GpuListSchema } } },
    ...problemResponses(400),
  },
})

export const listGpus: AppRouteHandler<typeof listGpusRoute> = (c) => {
  const q = c.req.valid('query')
  const matching = filterGpus(c.get('catalog').gpuModels, {
    vendors: valuesOf(q.vendor),
    backends: valuesOf(q.backend) as GpuBackend[],
    segments: valuesOf(q.segment) as GpuModel['segment'][],
    minVramBytes: q.minVramBytes ?? null,
  })
  const offset = q.offset ?? 0
  const limit = q.limit ?? 100
  const items = matching.slice(offset, offset + limit).map((g) => ({
    slug: g.slug, vendor: g.vendor, name: g.name, architecture: g.architecture, segment: g.segment,
    computeCapability: g.computeCapability, gfxTarget: g.gfxTarget, vramBytes: g.vramBytes,
    memoryBandwidthGBps: g.memoryBandwidthGBps, pcie: g.pcie, tdpWatts: g.tdpWatts, slotWidth: g.slotWidth,
    cooling: g.cooling, backends: g.backends, resetBug: g.passthrough.resetBug, href: `/api/v1/gpus/${g.slug}`,
  }))
  return c.json({ items, count: matching.length, offset, limit }, 200)
}
