import { createRoute } from '@hono/zod-openapi'
import { LabPlanAnswerSchema } from '../../domain/lab/answer-schemas.ts'
import { LabPlanRequestSchema } from '../../domain/lab/changes.ts'
import { ArchitectureSchema } from '../../domain/lab/schemas.ts'
import { planLabRequest } from '../../domain/lab/plan-request.ts'
import type { AppRouteHandler } from '../../http/create-router.ts'
import { answerOrProblem } from '../../http/plan-input.ts'
import { problemResponses } from '../../http/problem.ts'
import { strictSchema } from '../../http/strict.ts'

/** A patched document is held to the same strictness as a whole one in the body. */
const STRICT_ARCHITECTURE = strictSchema(ArchitectureSchema)

export const planLabRoute = createRoute({
  method: 'post',
  path: '/api/v1/plan/lab',
  operationId: 'planLab',
  tags: ['lab', 'planners'],
  summary: 'Check a whole lab architecture, or changes to the documented one (RFC 6902 JSON Patch)',
  description:
    'Give `architecture` (a whole document, the shape GET /api/v1/architecture answers) or `changes` ' +
    "(an RFC 6902 JSON Patch against the documented architecture), never both. The answer is the lab planner's: " +
    'verdict, findings, summaries and config bundle; with changes also `diff`, the findings that appear, ' +
    'disappear or change severity. A patch that does not apply, or a document it makes that is not valid ' +
    '(a misspelt field included), is a 422 naming the operation (`/changes/i`) and the field.',
  request: { body: { required: true, content: { 'application/json': { schema: LabPlanRequestSchema } } } },
  responses: {
    200: {
      description:
        'Verdict, findings with the fix, summaries per node/GPU/guest/drive, config bundle; with changes also the diff',
      content: { 'application/json': { schema: LabPlanAnswerSchema } },
    },
    ...problemResponses(400, 413, 415, 422),
  },
})

export const planLabHandler: AppRouteHandler<typeof planLabRoute> = (c) => {
  const plan = answerOrProblem('body', () =>
    planLabRequest(c.req.valid('json'), c.get('architecture'), c.get('catalog'), STRICT_ARCHITECTURE),
  )
  return c.json(plan, 200)
}
