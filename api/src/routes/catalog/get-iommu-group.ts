import { createRoute, z } from '@hono/zod-openapi'
import type { AppRouteHandler } from '../../http/create-router.ts'
import { answerOrProblem } from '../../http/plan-input.ts'
import { problemResponses } from '../../http/problem.ts'
import { requireGroup, requireNode } from '../../domain/catalog/lookup.ts'
import { withMembers } from './list-iommu-groups.ts'
import { IommuGroupSchema, NodeParamSchema } from './schemas.ts'

export const GroupParamsSchema = NodeParamSchema.extend({
  group: z
    .string()
    .regex(/^\d{1,6}$/, 'expected an IOMMU group number, e.g. 31')
    .transform(Number)
    .meta({ param: { name: 'group', in: 'path' }, type: 'integer', example: 30 }),
})

export const getIommuGroupRoute = createRoute({
  method: 'get',
  path: '/api/v1/nodes/{node}/iommu-groups/{group}',
  operationId: 'getIommuGroup',
  tags: ['catalog'],
  summary: 'One IOMMU group with its members',
  description:
    'One IOMMU group of a node with its member devices. For whether it can be passed through, see ' +
    '`GET …/iommu-groups/{group}/check`.',
  request: { params: GroupParamsSchema },
  responses: {
    200: { description: 'The group', content: { 'application/json': { schema: IommuGroupSchema } } },
    ...problemResponses(400, 404),
  },
})

export const getIommuGroup: AppRouteHandler<typeof getIommuGroupRoute> = (c) => {
  const { node: nodeId, group: groupId } = c.req.valid('param')
  const { node, group } = answerOrProblem('path', () => {
    const node = requireNode(c.get('catalog'), nodeId)
    return { node, group: requireGroup(node, groupId) }
  })
  return c.json(withMembers(node, group), 200)
}
