import { NodeIdSchema } from '../../domain/catalog/schemas.ts'
import { createRoute, z } from '@hono/zod-openapi'
import { StorageTiersAnswerSchema } from '../../domain/storage/schemas.ts'
import { deriveStorageTiers } from '../../domain/storage/tiers.ts'
import type { AppRouteHandler } from '../../http/create-router.ts'
import { problemResponses } from '../../http/problem.ts'
import { answerOrProblem } from '../../http/plan-input.ts'

const TierFilterSchema = z.object({
  node: NodeIdSchema.optional().meta({ description: 'Only this node' }),
})

export const listStorageTiersRoute = createRoute({
  method: 'get',
  path: '/api/v1/storage-tiers',
  operationId: 'listStorageTiers',
  tags: ['planners'],
  summary: 'Storage tiers derived from the drive specs, lab-wide or for one node',
  description:
    "Storage tiers derived from the catalog's drives by documented rules (behind an HBA, capacity, " +
    'sequential read), lab-wide or for one node (`?node=`). A tier whose disks are not listed says so' +
    ' instead of guessing.',
  request: { query: TierFilterSchema },
  responses: {
    200: {
      description:
        'Tiers with devices, capacity (unknown stays null), throughput, endurance and path to the CPU',
      content: { 'application/json': { schema: StorageTiersAnswerSchema } },
    },
    ...problemResponses(400),
  },
})

export const listStorageTiers: AppRouteHandler<typeof listStorageTiersRoute> = (c) => {
  const { node } = c.req.valid('query')
  return c.json(
    answerOrProblem('query', () => deriveStorageTiers(c.get('catalog'), node)),
    200,
  )
}
