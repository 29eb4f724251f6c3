import { createRoute } from '@hono/zod-openapi'
import { importHost } from '../../domain/import/import-host.ts'
import { ImportAnswerSchema, ImportRequestSchema } from '../../domain/import/schemas.ts'
import type { AppRouteHandler } from '../../http/create-router.ts'
import { answerOrProblem } from '../../http/plan-input.ts'
import { problemResponses } from '../../http/problem.ts'

export const importHostRoute = createRoute({
  method: 'post',
  path: '/api/v1/import',
  operationId: 'importHost',
  tags: ['catalog'],
  summary:
    "Preview importing a host's lspci / pvesh / IOMMU-group output: " +
    'the node document it would write and its drift from the catalog',
  description:
    'Nothing is stored. Each input is `pvesh get /nodes/<node>/hardware/pci --pci-class-blacklist "" ' +
    '--output-format json`, `lspci -nnD -vmm -k`, `lspci -nnk`, the "IOMMU Group N:" loop or `find ' +
    '/sys/kernel/iommu_groups/ -type l`; the format is detected when absent. Lines no rule accepts ' +
    'are listed per input with their line number. `npm run import` writes the same document to ' +
    'data/nodes/<node>.yaml.',
  request: { body: { required: true, content: { 'application/json': { schema: ImportRequestSchema } } } },
  responses: {
    200: {
      description: 'The node document, the diff against the catalog, and every unparsed line',
      content: { 'application/json': { schema: ImportAnswerSchema } },
    },
    ...problemResponses(400, 413, 415, 422),
  },
})

export const importHostHandler: AppRouteHandler<typeof importHostRoute> = (c) => {
  const { node, inputs } = c.req.valid('json')
  return c.json(
    answerOrProblem('body', () => importHost(node, inputs, c.get('catalog'))),
    200,
  )
}
