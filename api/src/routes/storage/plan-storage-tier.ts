import { createRoute } from '@hono/zod-openapi'
import { StoragePlanSchema } from '../../domain/storage/plan-schemas.ts'
import { planStorageTier } from '../../domain/storage/plan-storage-tier.ts'
import { StoragePlanRequestSchema } from '../../domain/storage/schemas.ts'
import type { AppRouteHandler } from '../../http/create-router.ts'
import { problemResponses } from '../../http/problem.ts'
import { answerOrProblem } from '../../http/plan-input.ts'

export const planStorageTierRoute = createRoute({
  method: 'post',
  path: '/api/v1/plan/storage-tier',
  operationId: 'planStorageTier',
  tags: ['planners'],
  summary:
    'Place model stores, datasets and VM disks onto the storage ' +
    'tiers: device, room left, load and copy times, endurance',
  description:
    'Places each item (model store, dataset, VM disk, …) on a device of the lab: greedy, latency-' +
    'sensitive and mirrored items first, onto 90 %-usable capacity. Answers the device, room left, ' +
    "load time into each reader's GPU, copy time to other readers, years to the drive's TBW, ranked" +
    ' alternatives and warnings. Unknown readers or drives are a 422 naming the field.',
  request: {
    body: { required: true, content: { 'application/json': { schema: StoragePlanRequestSchema } } },
  },
  responses: {
    200: {
      description:
        'One placement per item (or why it does not fit), with ranked alternatives and the assumptions used',
      content: { 'application/json': { schema: StoragePlanSchema } },
    },
    ...problemResponses(400, 413, 415, 422),
  },
})

export const planStorageTierHandler: AppRouteHandler<typeof planStorageTierRoute> = (c) =>
  c.json(
    answerOrProblem('body', () => planStorageTier(c.req.valid('json'), c.get('catalog'))),
    200,
  )
