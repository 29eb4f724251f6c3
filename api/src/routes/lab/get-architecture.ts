import { createRoute } from '@hono/zod-openapi'
import { ArchitectureAnswerSchema } from '../../domain/lab/answer-schemas.ts'
import { planDocumented } from '../../domain/lab/plan-request.ts'
import type { AppRouteHandler } from '../../http/create-router.ts'
import { problemResponses } from '../../http/problem.ts'

export const getArchitectureRoute = createRoute({
  method: 'get',
  path: '/api/v1/architecture',
  operationId: 'getArchitecture',
  tags: ['lab'],
  summary: 'The documented architecture (data/architecture/) and its evaluation by the lab planner',
  description:
    'The lab as data: guests with their passed-through devices and disks, AI services with their ' +
    'runtime settings and models, datasets; checked as a whole by the lab planner, which composes the ' +
    'passthrough, VRAM and storage planners. The answer carries the verdict (holds / needs-review / breaks), ' +
    'every finding with its source rule, a JSON pointer into `architecture` and the fix, summaries per node, ' +
    'GPU (the resident set, byte by byte), guest and drive, and the config bundle that realises it.',
  responses: {
    200: {
      description: 'Guests, services, models and datasets with verdict, findings, summaries and config',
      content: { 'application/json': { schema: ArchitectureAnswerSchema } },
    },
    ...problemResponses(400),
  },
})

export const getArchitectureHandler: AppRouteHandler<typeof getArchitectureRoute> = (c) => {
  const architecture = c.get('architecture')
  return c.json({ ...planDocumented(architecture, c.get('catalog')), architecture }, 200)
}
