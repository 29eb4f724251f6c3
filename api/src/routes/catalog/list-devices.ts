import { createRoute, z } from '@hono/zod-openapi'
import { DeviceRoleSchema, NodeIdSchema, PciIdSchema } from '../../domain/catalog/schemas.ts'
import { requireNode } from '../../domain/catalog/lookup.ts'
import type { AppRouteHandler } from '../../http/create-router.ts'
import { PAGE_PARAMS, filterValues, listOf, matchesAny, page } from '../../http/lists.ts'
import { answerOrProblem } from '../../http/plan-input.ts'
import { problemResponses } from '../../http/problem.ts'
import { NodeDeviceSchema } from './schemas.ts'

const ClassSchema = z
  .string()
  .regex(
    /^(?:[0-9a-f]{2}|[0-9a-f]{4})$/,
    'expected a PCI class as 2 or 4 lowercase hex digits, e.g. "03" or "0300"',
  )

const GroupSchema = z
  .string()
  .regex(/^(?:-1|\d{1,6})$/, 'expected an IOMMU group number, e.g. 31 (-1 = no group)')
  .transform(Number)

const DeviceFilterSchema = z.object({
  node: filterValues(NodeIdSchema, 'Only these nodes').meta({ example: ['meraxes'] }),
  class: filterValues(ClassSchema, 'PCI class prefix (2 digits) or class and subclass (4 digits)').meta({
    example: ['0300', '0108'],
  }),
  iommuGroup: filterValues(GroupSchema, 'IOMMU group number (-1 = in no group)').meta({ example: ['31'] }),
  vendorDevice: filterValues(PciIdSchema, 'vendor:device').meta({ example: ['10de:2203'] }),
  role: filterValues(DeviceRoleSchema, 'What the device is for in the lab').meta({ example: ['gpu'] }),
  ...PAGE_PARAMS,
})

export const listDevicesRoute = createRoute({
  method: 'get',
  path: '/api/v1/devices',
  operationId: 'listDevices',
  tags: ['catalog'],
  summary: 'PCI devices across the lab, filtered',
  description:
    'PCI devices of every node (or some), each with its node, in catalog order. Filters combine with AND; a ' +
    'filter given several times, or as a comma list, matches any of its values (`?class=0300&class=0108`, ' +
    '`?class=0300,0108`). Paged with `limit` and `offset`.',
  request: { query: DeviceFilterSchema },
  responses: {
    200: {
      description: 'Matching devices with their node',
      content: {
        'application/json': {
          schema: listOf(NodeDeviceSchema, 'NodeDeviceList', 'PCI devices with their node'),
        },
      },
    },
    ...problemResponses(400),
  },
})

export const listDevices: AppRouteHandler<typeof listDevicesRoute> = (c) => {
  const catalog = c.get('catalog')
  const { node, class: classes, iommuGroup, vendorDevice, role, ...paging } = c.req.valid('query')
  const nodes =
    node === undefined
      ? catalog.nodes
      : answerOrProblem('query', () =>
          [...new Set(node)].map((id, i) => requireNode(catalog, id, `/node/${i}`)),
        )
  const devices = nodes.flatMap((n) =>
    n.devices
      .filter((d) => classes === undefined || classes.some((prefix) => d.classCode.startsWith(prefix)))
      .filter((d) => matchesAny(iommuGroup, d.iommuGroup))
      .filter((d) => matchesAny(vendorDevice, d.vendorDevice))
      .filter((d) => matchesAny(role, d.role))
      .map((d) => ({ ...d, node: n.id })),
  )
  return c.json(page(devices, paging), 200)
}
