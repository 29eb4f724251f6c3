/**
 * Dataset reads: a reader on the dataset's node reads its drive; a reader on another node reads
 * across the link, priced by the transfer planner with its bottleneck named. A link whose NIC
 * is passed to a guest is gone for the host, and with it every flow over it.
 */
import type { Finding, Flow } from './answer-schemas.ts'
import { readerNode, resolveLocation, type LabContext } from './context.ts'
import { finding } from './finding.ts'
import { crossNodeRead, readSeconds } from './storage-step.ts'

/** A read that keeps a job waiting longer than this is slow: stage a copy next to the reader. */
const SLOW_READ_SECONDS = 15 * 60
const DAY_SECONDS = 86_400

const duration = (s: number) =>
  s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(1)} s`

function linkNicOwner(ctx: LabContext, plan: ReturnType<typeof crossNodeRead>): string | null {
  for (const end of plan.link?.endpoints ?? []) {
    const node = ctx.catalog.nodes.find((n) => n.id === end.node)!
    const nic = node.networkInterfaces.find((i) => i.id === end.interface)
    const owner = nic && ctx.deviceOwner.get(`${node.id}/${nic.pciAddress}`)
    if (owner) return `${node.name} ${nic.label} is passed to guest ${owner.guest.name}`
  }
  return null
}

interface Read {
  flow: Flow
  pointer: string
  readsPerDay: number | undefined
  /** Why the link is gone (its NIC is passed to a guest), or null. */
  gone: string | null
}

function crossFindings({ flow, pointer, readsPerDay, gone }: Read): Finding[] {
  const rule = { planner: 'transfer' as const, rule: 'dataset-read' }
  const what = `${flow.reader} reads ${flow.dataset}`
  if (gone) {
    return [
      finding(
        'block',
        { planner: 'lab', rule: 'link-nic-passed' },
        pointer,
        `${what} over ${flow.link}, but ${gone}: the host loses the link. Keep that NIC on the host.`,
      ),
    ]
  }
  if (flow.seconds === null) {
    return [
      finding(
        'unknown',
        rule,
        pointer,
        `${what} from ${flow.from} across nodes, but no catalogued link or rate prices it.`,
      ),
    ]
  }
  const via = `${flow.bottleneck?.name ?? 'unknown stage'} (${flow.bottleneck?.MBps ?? '?'} MB/s)`
  const once = [
    `${flow.reader} on ${flow.to} reads ${flow.dataset} (${(flow.bytes / 1e9).toFixed(1)} GB) ` +
      `from ${flow.from} over ${flow.link}:`,
    `${flow.lowerBound ? 'at least ' : ''}${duration(flow.seconds)} per read, bottleneck ${via}`,
  ].join(' ')
  if (flow.secondsPerDay !== null && flow.secondsPerDay > DAY_SECONDS) {
    return [
      finding('block', rule, pointer, [
        `${once}; ${readsPerDay} reads a day need ${duration(flow.secondsPerDay)}, more than a day.`,
        `Stage a copy on a drive of ${flow.to}, or read it less often.`,
      ]),
    ]
  }
  if (flow.seconds > SLOW_READ_SECONDS) {
    return [
      finding('warn', rule, pointer, `${once}: slow. Stage a copy on a drive of ${flow.to} before the job.`),
    ]
  }
  return [finding('info', rule, pointer, `${once}.`)]
}

export function planFlows(ctx: LabContext): { flows: Flow[]; findings: Finding[] } {
  const flows: Flow[] = []
  const findings: Finding[] = []
  ctx.arch.datasets.forEach((d, i) => {
    const at = resolveLocation(ctx, d.on, `/datasets/${i}/on`, null)
    d.readBy.forEach((reader, j) => {
      const to = readerNode(ctx, reader)
      const base = {
        dataset: d.name,
        reader,
        from: `${at.node.id}:${at.storage.id}`,
        to: to.id,
        bytes: d.sizeBytes,
      }
      if (to.id === at.node.id) {
        const local = readSeconds(ctx, at, d.sizeBytes, null)
        flows.push({
          ...base,
          crossNode: false,
          link: null,
          bottleneck: local?.bottleneck ?? null,
          seconds: local?.seconds ?? null,
          secondsPerDay: local && d.readsPerDay !== undefined ? local.seconds * d.readsPerDay : null,
          lowerBound: false,
        })
        return
      }
      const plan = crossNodeRead(at, to, d.sizeBytes, ctx)
      const flow: Flow = {
        ...base,
        crossNode: true,
        link: plan.link?.id ?? null,
        bottleneck: plan.bottleneck,
        seconds: plan.seconds,
        secondsPerDay:
          plan.seconds !== null && d.readsPerDay !== undefined ? plan.seconds * d.readsPerDay : null,
        lowerBound: plan.unknowns.length > 0,
      }
      flows.push(flow)
      const read = {
        flow,
        pointer: `/datasets/${i}/readBy/${j}`,
        readsPerDay: d.readsPerDay,
        gone: linkNicOwner(ctx, plan),
      }
      findings.push(...crossFindings(read))
    })
  })
  return { flows, findings }
}
