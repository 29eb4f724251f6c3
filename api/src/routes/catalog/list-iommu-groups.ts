import { createRoute, z } from '@hono/zod-openapi'
import { PAGE_PARAMS, listOf, page } from '../../http/lists.ts'
import type { NodeRecord } from '../../domain/catalog/schemas.ts'
import { groupMembers, requireNode } from '../../domain/catalog/lookup.ts'
import type { AppRouteHandler } from '../../http/create-router.ts'
import { answerOrProblem } from '../../http/plan-input.ts'
import { problemResponses } from '../../http/problem.ts'
import { IommuGroupSchema, NodeParamSchema } from './schemas.ts'

/** A group record with its member devices, as the API shows it. */
export function withMembers(node: NodeRecord, group: NodeRecord['iommuGroups'][number]) {
  return {
    ...group,
    node: node.id,
    members: groupMembers(node, group.id),
    href: `/api/v1/nodes/${node.id}/iommu-groups/${group.id}`,
  }
}

export const listIommuGroupsRoute = createRoute({
  method: 'get',
  path: '/api/v1/nodes/{node}/iommu-groups',
  operationId: 'listIommuGroups',
  tags: ['catalog'],
  summary: 'The IOMMU groups of a node, with their members',
  description:
    'The IOMMU groups of a node, sorted by number, each with its member devices. A group passes to a ' +
    'VM as a whole.',
  request: { params: NodeParamSchema, query: z.object(PAGE_PARAMS) },
  responses: {
    200: {
      description: 'Groups sorted by number',
      content: {
        'application/json': { schema: listOf(IommuGroupSchema, 'IommuGroupList', 'IOMMU groups of a node') },
      },
    },
    ...problemResponses(400, 404),
  },
})

export const listIommuGroups: AppRouteHandler<typeof listIommuGroupsRoute> = (c) => {
  const node = answerOrProblem('path', () => requireNode(c.get('catalog'), c.req.valid('param').node))
  const groups = [...node.iommuGroups].sort((a, b) => a.id - b.id).map((g) => withMembers(node, g))
  return c.json(page(groups, c.req.valid('query')), 200)
}
