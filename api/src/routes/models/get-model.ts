import { createRoute, z } from '@hono/zod-openapi'
import { LlmModelSchema } from '../../domain/vram/model-schemas.ts'
import { ModelSizeSchema, modelSizes } from '../../domain/vram/quantizations.ts'
import { findModel } from '../../domain/vram/resolve-model.ts'
import type { AppRouteHandler } from '../../http/create-router.ts'
import { answerOrProblem } from '../../http/plan-input.ts'
import { problemResponses } from '../../http/problem.ts'

const ModelParamSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .meta({
      param: { name: 'id', in: 'path' },
      example: 'llama-3.1-8b',
      description: 'Registry id or Ollama tag',
    }),
})

const ModelDetailSchema = LlmModelSchema.extend({ sizes: z.array(ModelSizeSchema) }).meta({
  id: 'LlmModelDetail',
})

export const getModelRoute = createRoute({
  method: 'get',
  path: '/api/v1/models/{id}',
  operationId: 'getModel',
  tags: ['models'],
  summary: 'One model, with its emulated GGUF size for every quantization preset',
  description:
    'One registry model by id (`llama-3.1-8b`) or Ollama tag (`llama3.1:8b`), with the size of its ' +
    'GGUF file for every quantization preset as llama-quantize would write it.',
  request: { params: ModelParamSchema },
  responses: {
    200: { description: 'The model', content: { 'application/json': { schema: ModelDetailSchema } } },
    ...problemResponses(400, 404),
  },
})

export const getModel: AppRouteHandler<typeof getModelRoute> = (c) => {
  const { model } = answerOrProblem('path', () =>
    findModel(c.get('catalog').llmModels, c.req.valid('param').id),
  )
  return c.json({ ...model, sizes: modelSizes(model) }, 200)
}
