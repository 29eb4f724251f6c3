import { createRoute } from '@hono/zod-openapi'
import { planPassthrough as plan } from '../../domain/passthrough/plan-passthrough.ts'
import { PassthroughPlanRequestSchema, PassthroughPlanSchema } from '../../domain/passthrough/schemas.ts'
import type { AppRouteHandler } from '../../http/create-router.ts'
import { problemResponses } from '../../http/problem.ts'
import { answerOrProblem } from '../../http/plan-input.ts'

export const planPassthroughRoute = createRoute({
  method: 'post',
  path: '/api/v1/plan/passthrough',
  operationId: 'planPassthrough',
  tags: ['planners'],
  summary: 'Plan PCI passthrough for several VMs of one node',
  description:
    'Checks the VMs together (no IOMMU group split between VMs or with the host, at most 16 hostpci ' +
    'entries per VM, pinned RAM) with every rule C1-C37, and returns the hostpci lines, qm set commands, ' +
    'resource mappings, host files, Proxmox API calls with JSON bodies, Terraform (bpg/proxmox) and ' +
    'Ansible (community.general.proxmox_kvm). Verdicts: ready, review, needs-check (a blocking rule is ' +
    'unknown), blocked (a 200 with no config).',
  request: {
    body: { content: { 'application/json': { schema: PassthroughPlanRequestSchema } }, required: true },
  },
  responses: {
    200: {
      description: 'The plan, its checks and the config',
      content: { 'application/json': { schema: PassthroughPlanSchema } },
    },
    ...problemResponses(400, 413, 415, 422),
  },
})

export const planPassthrough: AppRouteHandler<typeof planPassthroughRoute> = (c) => {
  const request = c.req.valid('json')
  return c.json(
    answerOrProblem('body', () => plan(request, c.get('catalog'))),
    200,
  )
}
