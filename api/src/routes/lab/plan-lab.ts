import { createRoute } from '@hono/zod-openapi'
import { LabPlanAnswerSchema } from '../../domain/lab/answer-schemas.ts'
import { LabPlanRequestSchema } from '../../domain/lab/changes.ts'
import { planLabRequest } from '../../domain/lab/plan-request.ts'
import type { AppRouteHandler } from '../../http/create-router.ts'
import { answerOrProblem } from '../../http/plan-input.ts'
import { problemResponses } from '../../http/problem.ts'

export const planLabRoute = createRoute({
  method: 'post',
  path: '/api/v1/plan/lab',
  operationId: 'planLab',
  tags: ['lab', 'planners'],
  summary: 'Check a whole lab architecture, or changes to the documented one (RFC 6902 JSON Patch)',
  request: { body: { required: true, content: { 'application/json': { schema: LabPlanRequestSchema } } } },
  responses: {
    200: { description: 'Verdict, findings with the fix, summaries per node/GPU/guest/drive, config bundle; with changes also the diff', content: { 'application/json': { schema: LabPlanAnswerSchema } } },
    ...problemResponses(400, 413, 415, 422),
  },
})

export const planLabHandler: AppRouteHandler<typeof planLabRoute> = (c) => {
  const plan = answerOrProblem('body', () => planLabRequest(c.req.valid('json'), c.get('architecture'), c.get('catalog')))
  return c.json(plan, 200)
}
