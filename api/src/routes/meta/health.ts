import { createRoute, z } from '@hono/zod-openapi'
import { createRouter, type AppRouteHandler } from '../../http/create-router.ts'
import { problemResponses } from '../../http/problem.ts'

export const getHealthRoute = createRoute({
  method: 'get',
  path: '/api/health',
  operationId: 'getHealth',
  tags: ['meta'],
  summary: 'Liveness check (also the benchmark baseline)',
  responses: {
    200: { description: 'The worker answers', content: { 'application/json': { schema: z.object({ status: z.literal('ok') }).meta({ id: 'Health' }) } } },
    ...problemResponses(405),
  },
})

export const getHealth: AppRouteHandler<typeof getHealthRoute> = (c) => c.json({ status: 'ok' as const }, 200)

export const healthRouter = createRouter().openapi(getHealthRoute, getHealth)
