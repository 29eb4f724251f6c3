import { createRoute, z } from '@hono/zod-openapi'
import packageJson from '../../../../package.json' with { type: 'json' }
import { catalogRevision } from '../../http/cache.ts'
import { createRouter, type AppRouteHandler } from '../../http/create-router.ts'

const HealthSchema = z
  .object({
    status: z.literal('ok'),
    version: z.string().meta({ description: 'The deployed build (package.json version)', example: '0.1.0' }),
    catalogETag: z.string().meta({
      description: 'The ETag of GET /api/v1/catalog, also sent as Catalog-Revision on every answer',
      example: '"3f786850e387550fdab836ed7e6dc881de23001b"',
    }),
  })
  .meta({ id: 'Health' })

export const getHealthRoute = createRoute({
  method: 'get',
  path: '/api/health',
  operationId: 'getHealth',
  tags: ['meta'],
  summary: 'Liveness, build version and catalog revision',
  description:
    'Answers whenever the worker runs; never cached (`Cache-Control: no-store`), so a monitor sees the live ' +
    'deployment. Also the benchmark baseline. Outside `/api/v1` because it describes the deployment, not v1.',
  responses: {
    200: { description: 'The worker answers', content: { 'application/json': { schema: HealthSchema } } },
  },
})

export const getHealth: AppRouteHandler<typeof getHealthRoute> = async (c) => {
  const catalogETag = await catalogRevision(c.get('catalog'))
  return c.json({ status: 'ok' as const, version: packageJson.version, catalogETag }, 200, {
    'Cache-Control': 'no-store',
  })
}

export const healthRouter = createRouter().openapi(getHealthRoute, getHealth)
