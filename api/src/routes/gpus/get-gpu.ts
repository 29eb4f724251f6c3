import { createRoute } from '@hono/zod-openapi'
import { requireLibraryGpu } from '../../domain/catalog/gpu-library.ts'
import { GpuModelSchema } from '../../domain/catalog/schemas.ts'
import type { AppRouteHandler } from '../../http/create-router.ts'
import { answerOrProblem } from '../../http/plan-input.ts'
import { problemResponses } from '../../http/problem.ts'
import { GpuParamSchema } from './schemas.ts'

export const getGpuRoute = createRoute({
  method: 'get',
  path: '/api/v1/gpus/{slug}',
  operationId: 'getGpu',
  tags: ['gpus'],
  summary: 'One library card: specs, backends, passthrough quirks, provenance with a public source per fact',
  description:
    'A library card with every fact it has: specs, ggml backends, passthrough behaviour (the AMD reset bug ' +
    'and its fix), and the provenance of each field with a public https source. The slug is any case; an ' +
    'unknown one is a 404 naming the nearest slugs.',
  request: { params: GpuParamSchema },
  responses: {
    200: { description: 'The card', content: { 'application/json': { schema: GpuModelSchema } } },
    ...problemResponses(400, 404),
  },
})

export const getGpu: AppRouteHandler<typeof getGpuRoute> = (c) => {
  const gpu = answerOrProblem('path', () =>
    requireLibraryGpu(c.get('catalog'), c.req.valid('param').slug, '/slug'),
  )
  return c.json(gpu, 200)
}
