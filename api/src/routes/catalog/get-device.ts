import { createRoute, z } from '@hono/zod-openapi'
import {
  ADDRESS_HINT,
  formatAddress,
  parseAddress,
  requireDevicesAt,
  requireNode,
} from '../../domain/catalog/lookup.ts'
import type { AppRouteHandler } from '../../http/create-router.ts'
import { answerOrProblem } from '../../http/plan-input.ts'
import { problemResponses } from '../../http/problem.ts'
import { DeviceLookupSchema, NodeParamSchema } from './schemas.ts'

const ParamsSchema = NodeParamSchema.extend({
  address: z
    .string()
    .max(20)
    .refine((a) => parseAddress(a) !== null, ADDRESS_HINT)
    .meta({
      param: { name: 'address', in: 'path' },
      example: '0d:00',
      description: 'PCI address; without `.f` = every function of the slot',
    }),
})

export const getDeviceRoute = createRoute({
  method: 'get',
  path: '/api/v1/nodes/{node}/devices/{address}',
  operationId: 'getDevice',
  tags: ['catalog'],
  summary: 'The device (or every function of a slot) at a PCI address',
  description:
    'The device at a PCI address on a node. `0e:00.0` and `0000:0e:00.0` name one function; `0e:00` ' +
    'names the slot and answers every function of it (`allFunctions: true`), which is what Proxmox ' +
    'passes through when `hostpci` omits the function.',
  request: { params: ParamsSchema },
  responses: {
    200: {
      description: 'The devices at that address',
      content: { 'application/json': { schema: DeviceLookupSchema } },
    },
    ...problemResponses(400, 404),
  },
})

export const getDevice: AppRouteHandler<typeof getDeviceRoute> = (c) => {
  const params = c.req.valid('param')
  const { node, query, devices } = answerOrProblem('path', () => {
    const node = requireNode(c.get('catalog'), params.node)
    return { node, ...requireDevicesAt(node, params.address, '/address') }
  })
  return c.json(
    { node: node.id, address: formatAddress(query), allFunctions: query.fn === null, devices },
    200,
  )
}
