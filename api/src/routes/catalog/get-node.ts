import { createRoute } from '@hono/zod-openapi'
import { requireNode } from '../../domain/catalog/lookup.ts'
import { NodeSchema } from '../../domain/catalog/schemas.ts'
import type { AppRouteHandler } from '../../http/create-router.ts'
import { answerOrProblem } from '../../http/plan-input.ts'
import { problemResponses } from '../../http/problem.ts'
import { NodeParamSchema } from './schemas.ts'

export const getNodeRoute = createRoute({
  method: 'get',
  path: '/api/v1/nodes/{node}',
  operationId: 'getNode',
  tags: ['catalog'],
  summary: 'One node: every PCI device, IOMMU group, drive and NIC, with provenance',
  request: { params: NodeParamSchema },
  responses: {
    200: { description: 'The node record', content: { 'application/json': { schema: NodeSchema } } },
    ...problemResponses(400, 404),
  },
})

export const getNode: AppRouteHandler<typeof getNodeRoute> = (c) => {
  const node = answerOrProblem('path', () => requireNode(c.get('catalog'), c.req.valid('param').node))
  return c.json(node, 200)
}
