import { createRoute, z } from '@hono/zod-openapi'
import { devicesAt, formatAddress, nearest, parseAddress } from '../../domain/catalog/lookup.ts'
import type { AppRouteHandler } from '../../http/create-router.ts'
import { ProblemError, problemResponses } from '../../http/problem.ts'
import { requireNode } from './require-node.ts'
import { DeviceLookupSchema, NodeParamSchema } from './schemas.ts'

const ParamsSchema = NodeParamSchema.extend({
  address: z
    .string()
    .max(20)
    .refine((a) => parseAddress(a) !== null, 'expected a PCI address: 0e:00.0, 0000:0e:00.0, or 0e:00 for all functions')
    .meta({ param: { name: 'address', in: 'path' }, example: '0e:00', description: 'PCI address; without `.f` = every function of the slot' }),
})

export const getDeviceRoute = createRoute({
  method: 'get',
  path: '/api/v1/nodes/{node}/devices/{address}',
  operationId: 'getDevice',
  tags: ['catalog'],
  summary: 'The device (or every function of a slot) at a PCI address',
  request: { params: ParamsSchema },
  responses: {
    200: { description: 'The devices at that address', content: { 'application/json': { schema: DeviceLookupSchema } } },
    ...problemResponses(400, 404),
  },
})

export const getDevice: AppRouteHandler<typeof getDeviceRoute> = (c) => {
  const params = c.req.valid('param')
  const node = requireNode(c.get('catalog'), params.node)
  const query = parseAddress(params.address)!
  const devices = devicesAt(node, query)
  const address = formatAddress(query)
  if (devices.length === 0) {
    const known = node.devices.flatMap((d) => (d.address ? [d.address] : []))
    const close = nearest(query.fn === null ? `${query.slot}.0` : address, known)
    throw new ProblemError('not-found', `No device at ${address} on ${node.id}. Nearest addresses: ${close.join(', ')}.`, [
      { in: 'path', pointer: '/address', detail: `expected an address on ${node.id}, e.g. ${close.join(', ')}` },
    ])
  }
  return c.json({ node: node.id, address, allFunctions: query.fn === null, devices }, 200)
}
