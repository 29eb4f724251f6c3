import { createRoute, z } from '@hono/zod-openapi'
import { PAGE_PARAMS, listOf, page } from '../../http/lists.ts'
import type { AppRouteHandler } from '../../http/create-router.ts'
import { problemResponses } from '../../http/problem.ts'
import { gpuModelOf } from '../../domain/catalog/lookup.ts'
import { NodeSummarySchema } from './schemas.ts'

export const listNodesRoute = createRoute({
  method: 'get',
  path: '/api/v1/nodes',
  operationId: 'listNodes',
  tags: ['catalog'],
  summary: 'List the nodes of the lab',
  description:
    'Every node of the lab with its GPUs (address, model, VRAM in bytes) and counts of devices and ' +
    "IOMMU groups. `href` is the node's own resource.",
  request: { query: z.object(PAGE_PARAMS) },
  responses: {
    200: {
      description: 'The nodes, with their GPUs',
      content: {
        'application/json': { schema: listOf(NodeSummarySchema, 'NodeSummaryList', 'Nodes of the lab') },
      },
    },
    ...problemResponses(400),
  },
})

export const listNodes: AppRouteHandler<typeof listNodesRoute> = (c) => {
  const catalog = c.get('catalog')
  const summaries = catalog.nodes.map((node) => ({
    id: node.id,
    name: node.name,
    summary: node.summary,
    deviceCount: node.devices.length,
    iommuGroupCount: node.iommuGroups.length,
    gpus: node.devices
      .filter((d) => d.role === 'gpu')
      .map((d) => ({
        address: d.address,
        label: d.label,
        vendorDevice: d.vendorDevice,
        vramBytes: gpuModelOf(catalog, d)?.vramBytes ?? null,
      })),
    href: `/api/v1/nodes/${node.id}`,
  }))
  return c.json(page(summaries, c.req.valid('query')), 200)
}
