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
  description:
    'The whole validated catalog in one document: nodes, reference GPU, drive and NIC models, network' +
    ' links, LLM registry and the seed findings. Meant for automation that keeps a copy: revalidate ' +
    'with If-None-Match (the ETag is also `catalogETag` of /api/health and the Catalog-Revision ' +
    'header of every answer).',
  responses: {
    200: {
      description: 'Nodes, reference hardware, links and seed findings',
      content: { 'application/json': { schema: CatalogSchema } },
    },
    ...problemResponses(400),
  },
})

export const getCatalog: AppRouteHandler<typeof getCatalogRoute> = (c) => c.json(c.get('catalog'), 200)
