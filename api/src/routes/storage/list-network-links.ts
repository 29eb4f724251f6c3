import { NodeIdSchema } from '../../domain/catalog/schemas.ts'
import { createRoute, z } from '@hono/zod-openapi'
import { listNetworkLinks } from '../../domain/storage/transfer.ts'
import { NetworkLinksAnswerSchema } from '../../domain/storage/transfer-schemas.ts'
import type { AppRouteHandler } from '../../http/create-router.ts'
import { problemResponses } from '../../http/problem.ts'
import { answerOrProblem } from '../../http/plan-input.ts'

const LinkFilterSchema = z.object({
  node: NodeIdSchema.optional().meta({ description: 'Only links touching this node' }),
})

export const listNetworkLinksRoute = createRoute({
  method: 'get',
  path: '/api/v1/network/links',
  operationId: 'listNetworkLinks',
  tags: ['planners'],
  summary: 'Network links of the lab: endpoints, effective Mbps (the slower end) and the bottleneck NIC',
  description:
    'The links between nodes, each with its two NICs, the effective rate (the slower end) and the NIC' +
    ' that limits it. `?node=` keeps the links touching that node.',
  request: { query: LinkFilterSchema },
  responses: {
    200: {
      description: 'Links with their effective rate',
      content: { 'application/json': { schema: NetworkLinksAnswerSchema } },
    },
    ...problemResponses(400),
  },
})

export const listNetworkLinksHandler: AppRouteHandler<typeof listNetworkLinksRoute> = (c) => {
  const { node } = c.req.valid('query')
  return c.json(
    answerOrProblem('query', () => listNetworkLinks(c.get('catalog'), node)),
    200,
  )
}
