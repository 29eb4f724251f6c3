import { createRoute } from '@hono/zod-openapi'
import { CatalogSchema } from '../../domain/catalog/catalog.ts'
import type { AppRouteHandler } from '../../http/create-router.ts'
import { problemResponses } from '../../http/problem.ts'

export const getCatalogRoute = createRoute({
  method: 'get',
  path: '/api/v1/catalog',
  operationId: 'getCatalog',
  tags: ['catalog'],
  summary: 'The whole catalog in one document, for automation',
  responses: {
    200: { description: 'Nodes, reference hardware, links and seed findings', content: { 'application/json': { schema: CatalogSchema } } },
    ...problemResponses(400),
  },
})

export const getCatalog: AppRouteHandler<typeof getCatalogRoute> = (c) => c.json(c.get('catalog'), 200)
