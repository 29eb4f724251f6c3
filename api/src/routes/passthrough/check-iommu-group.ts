import { createRoute } from '@hono/zod-openapi'
import { checkIommuGroup as checkGroup } from '../../domain/passthrough/check-group.ts'
import { GroupCheckSchema } from '../../domain/passthrough/schemas.ts'
import type { AppRouteHandler } from '../../http/create-router.ts'
import { problemResponses } from '../../http/problem.ts'
import { GroupParamsSchema } from '../catalog/get-iommu-group.ts'
import { answerOrProblem } from '../../http/plan-input.ts'

export const checkIommuGroupRoute = createRoute({
  method: 'get',
  path: '/api/v1/nodes/{node}/iommu-groups/{group}/check',
  operationId: 'checkIommuGroup',
  tags: ['planners'],
  summary: 'Can this IOMMU group be passed through as a whole?',
  description:
    'Runs every passthrough rule (C1-C37; each result names its rule and links its page, docsUrl) on ' +
    'the group as one VM with the recommended settings: verdict (clean, shared, needs-check, blocked), ' +
    'members with roles, what goes along, what the host loses, and the config to apply (Proxmox files, ' +
    'API calls, Terraform, Ansible). A blocked group is a 200 with verdict "blocked" and no config; ' +
    'needs-check means a blocking rule is unknown: run its command first.',
  request: { params: GroupParamsSchema },
  responses: {
    200: {
      description: 'The verdict, the checks and the config',
      content: { 'application/json': { schema: GroupCheckSchema } },
    },
    ...problemResponses(400, 404),
  },
})

export const checkIommuGroup: AppRouteHandler<typeof checkIommuGroupRoute> = (c) => {
  const { node, group } = c.req.valid('param')
  return c.json(
    answerOrProblem('path', () => checkGroup(node, group, c.get('catalog'))),
    200,
  )
}
