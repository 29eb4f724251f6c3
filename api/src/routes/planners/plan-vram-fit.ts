import { createRoute } from '@hono/zod-openapi'
import { planVramFit } from '../../domain/vram/plan-vram-fit.ts'
import { VramFitAnswerSchema, VramFitRequestSchema } from '../../domain/vram/schemas.ts'
import type { AppRouteHandler } from '../../http/create-router.ts'
import { answerOrProblem } from '../../http/plan-input.ts'
import { problemResponses } from '../../http/problem.ts'
import { policyFromVars } from '../../fetch/fetch-policy.ts'
import { resolveRemoteModel } from '../../fetch/resolve-remote-model.ts'

export const planVramFitRoute = createRoute({
  method: 'post',
  path: '/api/v1/plan/vram-fit',
  operationId: 'planVramFit',
  tags: ['planners'],
  summary: 'Does a model fit the lab GPUs (full, partial offload, split), at what context, how fast',
  description:
    'Sizes a model the way llama.cpp allocates it (weights per tensor, KV cache, compute buffers, ' +
    'CUDA overhead) on each GPU set of `targets`, and answers per set: the verdict (fits, partial ' +
    'offload, does not fit), `-ngl`, `--n-cpu-moe` for MoE models, the largest context that fits, ' +
    'decode speed and load time, with the breakdown and the formulas behind every term. ' +
    '`recommendation.targetId` names the best set. Fine-tuning (`mode` full, lora, qlora) uses the ' +
    'same operation.',
  request: { body: { required: true, content: { 'application/json': { schema: VramFitRequestSchema } } } },
  responses: {
    200: {
      description: 'One result per GPU set, best first, with the formulas used',
      content: { 'application/json': { schema: VramFitAnswerSchema } },
    },
    ...problemResponses(400, 413, 415, 422, 502),
  },
})

export const planVramFitHandler: AppRouteHandler<typeof planVramFitRoute> = async (c) => {
  const catalog = c.get('catalog')
  // A model named by URL, hf.co/… or an unknown Ollama tag is fetched here, at the edge.
  const deps = {
    policy: policyFromVars(c.env ?? {}),
    fetch: (url: string, init?: RequestInit) => fetch(url, init),
  }
  const req = await resolveRemoteModel(c.req.valid('json'), catalog.llmModels, deps)
  const plan = answerOrProblem('body', () => planVramFit(req, catalog))
  return c.json(plan, 200)
}
