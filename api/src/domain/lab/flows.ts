/**
 * Dataset reads: a reader on the dataset's node reads its drive; a reader on another node reads
 * across the link, priced by the transfer planner with its bottleneck named. A link whose NIC
 * is passed to a guest is gone for the host, and with it every flow over it.
 */
import type { Finding, Flow } from './answer-schemas.ts'
import { readerNode, resolveLocation, type LabContext } from './context.ts'
import { crossNodeRead, readSeconds } from './storage-step.ts'

/** A read that keeps a job waiting longer than this is slow: stage a copy next to the reader. */
export const SLOW_READ_SECONDS = 15 * 60
const DAY_SECONDS = 86_400

const duration = (s: number) => (s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(1)} s`)

function linkNicOwner(ctx: LabContext, plan: ReturnType<typeof crossNodeRead>): string | null {
  for (const end of plan.link?.endpoints ?? []) {
    const node = ctx.catalog.nodes.find((n) => n.id === end.node)!
    const nic = node.networkInterfaces.find((i) => i.id === end.interface)
    const owner = nic && ctx.deviceOwner.get(`${node.id}/${nic.pciAddress}`)
    if (owner) return `${node.name} ${nic.label} is passed to guest ${owner.guest.name}`
  }
  return null
}

function crossFindings(flow: Flow, pointer: string, readsPerDay: number | undefined, gone: string | null, lowerBound: string): Finding[] {
  const base = { source: { planner: 'transfer' as const, rule: 'dataset-read' }, pointer, command: null }
  if (gone) {
    return [{ ...base, severity: 'block', source: { planner: 'lab', rule: 'link-nic-passed' }, message: `${flow.reader} reads ${flow.dataset} over ${flow.link}, but ${gone}: the host loses the link. Keep that NIC on the host.` }]
  }
  if (flow.seconds === null) {
    return [{ ...base, severity: 'unknown', message: `${flow.reader} reads ${flow.dataset} from ${flow.from} across nodes, but no catalogued link or rate prices it.` }]
  }
  const via = `${flow.bottleneck?.name ?? 'unknown stage'} (${flow.bottleneck?.MBps ?? '?'} MB/s)`
  const once = `${flow.reader} on ${flow.to} reads ${flow.dataset} (${(flow.bytes / 1e9).toFixed(1)} GB) from ${flow.from} over ${flow.link}: ${lowerBound}${duration(flow.seconds)} per read, bottleneck ${via}`
  if (flow.secondsPerDay !== null && flow.secondsPerDay > DAY_SECONDS) {
    return [{ ...base, severity: 'block', message: `${once}; ${readsPerDay} reads a day need ${duration(flow.secondsPerDay)}, more than a day. Stage a copy on a drive of ${flow.to}, or read it less often.` }]
  }
  if (flow.seconds > SLOW_READ_SECONDS) {
    return [{ ...base, severity: 'warn', message: `${once}: slow. Stage a copy on a drive of ${flow.to} before the job.` }]
  }
  return [{ ...base, severity: 'info', message: `${once}.` }]
}

export function planFlows(ctx: LabContext): { flows: Flow[]; findings: Finding[] } {
  const flows: Flow[] = []
  const findings: Finding[] = []
  ctx.arch.datasets.forEach((d, i) => {
    const at = resolveLocation(ctx, d.on, `/datasets/${i}/on`, null)
    d.readBy.forEach((reader, j) => {
      const to = readerNode(ctx, reader)
      const base = { dataset: d.name, reader, from: `${at.node.id}:${at.storage.id}`, to: to.id, bytes: d.sizeBytes }
      if (to.id === at.node.id) {
        const local = readSeconds(ctx, at, d.sizeBytes, null)
        flows.push({
          ...base, crossNode: false, link: null, bottleneck: local?.bottleneck ?? null, seconds: local?.seconds ?? null,
          secondsPerDay: local && d.readsPerDay !== undefined ? local.seconds * d.readsPerDay : null, lowerBound: false,
        })
        return
      }
      const plan = crossNodeRead(at, to, d.sizeBytes, ctx)
      const lowerBound = plan.unknowns.length > 0
      const flow: Flow = {
        ...base, crossNode: true, link: plan.link?.id ?? null, bottleneck: plan.bottleneck, seconds: plan.seconds,
        secondsPerDay: plan.seconds !== null && d.readsPerDay !== undefined ? plan.seconds * d.readsPerDay : null, lowerBound,
      }
      flows.push(flow)
      findings.push(...crossFindings(flow, `/datasets/${i}/readBy/${j}`, d.readsPerDay, linkNicOwner(ctx, plan), lowerBound ? 'at least ' : ''))
    })
  })
  return { flows, findings }
}
