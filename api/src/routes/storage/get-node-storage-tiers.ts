import { createRoute, z } from '@hono/zod-openapi'
import { NodeIdSchema } from '../../domain/catalog/schemas.ts'
import { StorageTiersAnswerSchema } from '../../domain/storage/schemas.ts'
import { deriveStorageTiers } from '../../domain/storage/tiers.ts'
import type { AppRouteHandler } from '../../http/create-router.ts'
import { problemResponses } from '../../http/problem.ts'
import { answerOrProblem } from '../../http/plan-input.ts'

const NodePathSchema = z.object({
  node: NodeIdSchema.meta({ param: { name: 'node', in: 'path' } }),
})

export const getNodeStorageTiersRoute = createRoute({
  method: 'get',
  path: '/api/v1/nodes/{node}/storage-tiers',
  operationId: 'getNodeStorageTiers',
  tags: ['planners'],
  summary: 'Storage tiers of one node',
  description:
    'The storage tiers of one node, as in GET /api/v1/storage-tiers?node={node}, with the node in the' +
    ' path (404 when unknown).',
  request: { params: NodePathSchema },
  responses: {
    200: {
      description: "The node's tiers",
      content: { 'application/json': { schema: StorageTiersAnswerSchema } },
    },
    ...problemResponses(400, 404),
  },
})

export const getNodeStorageTiers: AppRouteHandler<typeof getNodeStorageTiersRoute> = (c) => {
  const { node } = c.req.valid('param')
  return c.json(
    answerOrProblem('path', () => deriveStorageTiers(c.get('catalog'), node)),
    200,
  )
}
