import { createRoute, z } from '@hono/zod-openapi'
import { PAGE_PARAMS, listOf, page } from '../../http/lists.ts'
import { LlmModelSchema } from '../../domain/vram/model-schemas.ts'
import type { AppRouteHandler } from '../../http/create-router.ts'
import { problemResponses } from '../../http/problem.ts'

export const listModelsRoute = createRoute({
  method: 'get',
  path: '/api/v1/models',
  operationId: 'listModels',
  tags: ['models'],
  summary: 'List the model registry (hyperparameters, Ollama tags)',
  description:
    'The LLM registry the VRAM planner knows: architecture hyperparameters (layers, heads, KV heads, ' +
    'head size, FFN, vocabulary, sliding windows, MoE) and the Ollama tags that name each model.',
  request: { query: z.object(PAGE_PARAMS) },
  responses: {
    200: {
      description: 'Every registry model',
      content: {
        'application/json': { schema: listOf(LlmModelSchema, 'LlmModelList', 'Models of the registry') },
      },
    },
    ...problemResponses(400),
  },
})

export const listModels: AppRouteHandler<typeof listModelsRoute> = (c) =>
  c.json(page(c.get('catalog').llmModels, c.req.valid('query')), 200)
