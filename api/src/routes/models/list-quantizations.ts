import { createRoute, z } from '@hono/zod-openapi'
import { PAGE_PARAMS, listOf, page } from '../../http/lists.ts'
import { QuantizationInfoSchema, quantizationTable } from '../../domain/vram/quantizations.ts'
import type { AppRouteHandler } from '../../http/create-router.ts'
import { problemResponses } from '../../http/problem.ts'

export const listQuantizationsRoute = createRoute({
  method: 'get',
  path: '/api/v1/quantizations',
  operationId: 'listQuantizations',
  tags: ['models'],
  summary: 'The llama-quantize presets the planner emulates, with their per-tensor rules',
  description:
    'The llama-quantize presets (Q4_K_M, Q8_0, …) the planner emulates: the base ggml type, bits per ' +
    'weight of each type and the per-tensor rules that pick them.',
  request: { query: z.object(PAGE_PARAMS) },
  responses: {
    200: {
      description: 'Every preset',
      content: {
        'application/json': {
          schema: listOf(QuantizationInfoSchema, 'QuantizationInfoList', 'Quantization presets'),
        },
      },
    },
    ...problemResponses(400),
  },
})

export const listQuantizations: AppRouteHandler<typeof listQuantizationsRoute> = (c) =>
  c.json(page(quantizationTable(), c.req.valid('query')), 200)
