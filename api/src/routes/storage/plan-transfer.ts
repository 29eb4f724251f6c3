import { createRoute } from '@hono/zod-openapi'
import { TransferRequestSchema } from '../../domain/storage/schemas.ts'
import { planTransfer } from '../../domain/storage/transfer.ts'
import { TransferPlanSchema } from '../../domain/storage/transfer-schemas.ts'
import type { AppRouteHandler } from '../../http/create-router.ts'
import { problemResponses } from '../../http/problem.ts'
import { answerOrProblem } from '../../http/plan-input.ts'

export const planTransferRoute = createRoute({
  method: 'post',
  path: '/api/v1/plan/transfer',
  operationId: 'planTransfer',
  tags: ['planners'],
  summary:
    'Time to move N bytes between drives or nodes, the bottleneck named (drive read, link, drive write)',
  description:
    'How long moving `bytes` from a drive or node to another takes, and which stage limits it: the ' +
    "source drive's read, the network link (× 0.94 TCP efficiency) or the destination's write.",
  request: { body: { required: true, content: { 'application/json': { schema: TransferRequestSchema } } } },
  responses: {
    200: {
      description: 'Every stage with its rate, the slowest named, and the time',
      content: { 'application/json': { schema: TransferPlanSchema } },
    },
    ...problemResponses(400, 413, 415, 422),
  },
})

export const planTransferHandler: AppRouteHandler<typeof planTransferRoute> = (c) =>
  c.json(
    answerOrProblem('body', () => planTransfer(c.req.valid('json'), c.get('catalog'))),
    200,
  )
