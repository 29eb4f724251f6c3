import { createRoute, z } from '@hono/zod-openapi'
import { DeviceRoleSchema, NodeIdSchema, PciIdSchema } from '../../domain/catalog/schemas.ts'
import { requireNode } from '../../domain/catalog/lookup.ts'
import type { AppRouteHandler } from '../../http/create-router.ts'
import { answerOrProblem } from '../../http/plan-input.ts'
import { problemResponses } from '../../http/problem.ts'
import { NodeDeviceSchema } from './schemas.ts'

const DeviceFilterSchema = z.object({
  node: NodeIdSchema.optional().meta({ description: 'Only this node' }),
  class: z
    .string()
    .regex(/^(?:[0-9a-f]{2}|[0-9a-f]{4})$/, 'expected a PCI class as 2 or 4 lowercase hex digits, e.g. "03" or "0300"')
    .optional()
    .meta({ description: 'PCI class prefix (2 digits) or class and subclass (4 digits)', example: '0300' }),
  iommuGroup: z
    .string()
    .regex(/^(?:-1|\d{1,6})$/, 'expected an IOMMU group number, e.g. 31 (-1 = no group)')
    .transform(Number)
    .optional()
    .meta({ type: 'integer', example: 31 }),
  vendorDevice: PciIdSchema.optional().meta({ description: 'vendor:device', example: '10de:2203' }),
  role: DeviceRoleSchema.optional(),
})

export const listDevicesRoute = createRoute({
  method: 'get',
  path: '/api/v1/devices',
  operationId: 'listDevices',
  tags: ['catalog'],
  summary: 'PCI devices across the lab, filtered',
  description:
    'PCI devices of every node (or one), each with its node. Filters combine with AND; a filter given several times, or as a comma list, matches any of its values (`?class=0300&class=0108`, `?class=0300,0108`).',
  request: { query: DeviceFilterSchema },
  responses: {
    200: { description: 'Matching devices with their node', content: { 'application/json': { schema: z.array(NodeDeviceSchema) } } },
    ...problemResponses(400),
  },
})

export const listDevices: AppRouteHandler<typeof listDevicesRoute> = (c) => {
  const catalog = c.get('catalog')
  const filter = c.req.valid('query')
  const nodes = filter.node === undefined ? catalog.nodes : [answerOrProblem('query', () => requireNode(catalog, filter.node!))]
  const devices = nodes.flatMap((node) =>
    node.devices
      .filter((d) => filter.class === undefined || d.classCode.startsWith(filter.class))
      .filter((d) => filter.iommuGroup === undefined || d.iommuGroup === filter.iommuGroup)
      .filter((d) => filter.vendorDevice === undefined || d.vendorDevice === filter.vendorDevice)
      .filter((d) => filter.role === undefined || d.role === filter.role)
      .map((d) => ({ ...d, node: node.id }))
  )
  return c.json(devices, 200)
}
