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
  description:
    'The node record as `data/nodes/<id>.yaml` holds it: platform, every PCI device with IOMMU group,' +
    " driver, role and provenance, the IOMMU groups, drives and NICs. Each fact's provenance says " +
    'whether the seed document stated it, the data corrects it (with what the seed said and why), or ' +
    'it was inferred or imported. Node ids are case-insensitive; an unknown one is a 404 naming the ' +
    'nearest.',
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
