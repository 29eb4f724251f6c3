/**
 * The lab's one contact with the passthrough planner: each node's VMs with devices become one
 * multi-VM plan, so group splits between guests (C8) and with the host (C5, C6, C17, C19),
 * pinned RAM (C20) and the host config are the existing rules, run once per node.
 */
import type { NodeRecord, PciDevice } from '../catalog/schemas.ts'
import { planPassthrough } from '../passthrough/plan-passthrough.ts'
import { resolveSelector } from '../passthrough/resolve.ts'
import type { CheckResult, PassthroughPlan } from '../passthrough/schemas.ts'
import { PassthroughPlanRequestSchema } from '../passthrough/schemas.ts'
import type { Finding, FindingSeverity } from './answer-schemas.ts'
import type { LabContext, LabGuest } from './context.ts'
import { finding } from './finding.ts'
import type { Guest } from './schemas.ts'

/** Every PCI function a guest's selectors name, a whole slot expanded to its functions. */
export function resolveGuestDevices(
  node: NodeRecord,
  guest: Guest,
  pointer: string,
): { device: PciDevice; pointer: string }[] {
  return guest.devices.flatMap((selector, j) => {
    const at = `${pointer}/devices/${j}`
    // A role selector names every device of that role on the node: one entry each.
    return resolveSelector(node, selector, at).flatMap((e) =>
      e.functions.map((device) => ({ device, pointer: at })),
    )
  })
}

export interface NodePassthrough {
  node: NodeRecord
  plan: PassthroughPlan
  vms: LabGuest[]
}

/** The plan of each node that has VMs with devices. */
export function planNodePassthrough(ctx: LabContext): NodePassthrough[] {
  return ctx.catalog.nodes.flatMap((node) => {
    const vms = ctx.guests.filter(
      (g) => g.node.id === node.id && g.guest.kind === 'vm' && g.guest.devices.length > 0,
    )
    if (vms.length === 0) return []
    const reserve = ctx.arch.nodes.find((n) => n.node.toLowerCase() === node.id)?.hostReserveBytes
    const request = PassthroughPlanRequestSchema.parse({
      node: node.id,
      vms: vms.map(({ guest }) => ({
        name: guest.name,
        vmid: guest.vmid,
        devices: guest.devices,
        memoryBytes: guest.memoryBytes,
        ...(guest.machine ? { machine: guest.machine } : {}),
        ...(guest.bios ? { bios: guest.bios } : {}),
      })),
      // The architecture lists every guest of the node, so no other VM holds a device.
      existing: [],
      ...(reserve === undefined ? {} : { hostReserveBytes: reserve }),
    })
    return [{ node, plan: planPassthrough(request, ctx.catalog), vms }]
  })
}

const SEVERITY: Record<CheckResult['severity'], FindingSeverity> = {
  block: 'block',
  error: 'block',
  warn: 'warn',
  info: 'info',
}

/**
 * The one place a passthrough check becomes a lab finding: an unknown check (the plan's
 * `needs-check` when it is block-level) is an `unknown` finding with the host command that
 * settles it; the rule keeps its id, name and page.
 */
function findingOf(check: CheckResult, pointer: string): Finding | null {
  if (check.status === 'pass') return null
  const severity = check.status === 'unknown' ? 'unknown' : SEVERITY[check.severity]
  const message = [`${check.title}: ${check.message}`, ...(check.fix ? [check.fix] : [])]
  const source = { planner: 'passthrough' as const, rule: check.id, name: check.name, docsUrl: check.docsUrl }
  return finding(severity, source, pointer, message, check.command)
}

/** Failed and unknown checks as findings: per VM at its guest, node-wide at its first VM. */
export function passthroughFindings(np: NodePassthrough): Finding[] {
  const nodeWide = np.plan.checks.flatMap((c) => {
    // C20 is fixed by a guest's memory: point at the largest pinned guest.
    const at =
      c.id === 'C20'
        ? `${np.vms.reduce((a, b) => (b.guest.memoryBytes > a.guest.memoryBytes ? b : a)).pointer}/memoryBytes`
        : np.vms[0]!.pointer
    return findingOf(c, at) ?? []
  })
  const perVm = np.plan.vms.flatMap((vm, i) =>
    vm.checks.flatMap((c) => findingOf(c, `${np.vms[i]!.pointer}/devices`) ?? []),
  )
  return [...nodeWide, ...perVm]
}
