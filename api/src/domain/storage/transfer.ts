/**
 * Moving bytes between drives and nodes: the time is bytes / min(source drive read, the
 * inter-node link's TCP payload rate, destination drive write), with the slowest stage named.
 * Links come from the catalog (network.ts: the slower end of a link sets its rate).
 */
import type { Catalog } from '../catalog/catalog.ts'
import { findNode, requireNode } from '../catalog/lookup.ts'
import { linkBetween, resolveLinks, type LinkEnd, type NodeLink } from '../catalog/network.ts'
import type { NodeRecord } from '../catalog/schemas.ts'
import { deviceReadMBps, deviceWriteMBps, resolveDevices } from './devices.ts'
import { driveStages, networkStage, slowestStage } from './load.ts'
import { PlanInputError } from '../plan-input-error.ts'
import { TCP_EFFICIENCY, linkPayloadMBps, secondsAt } from './rates.ts'
import { round } from '../catalog/units.ts'
import type { Bottleneck, StorageTierDevice, TransferRequest } from './schemas.ts'
import type { LabLink, NetworkLinksAnswer, TransferPlan } from './transfer-schemas.ts'

const TRANSFER_ASSUMPTIONS = [
  `Network payload = link Mbps / 8 × ${TCP_EFFICIENCY} ` +
    '(TCP/IPv4 with timestamps at 1500 MTU: 1448 payload bytes per 1538 on the wire)',
  'A node named without a drive stands for its fastest drive of known speed ' +
    '(reads for a source, writes for a destination)',
  'Reads, network and writes overlap (streamed copy), so the slowest stage sets the rate; ' +
    'file-system and small-file overheads are not modelled',
]

function endOf(catalog: Catalog, e: LinkEnd) {
  const node = findNode(catalog, e.node)
  return {
    node: e.node,
    interface: e.interface,
    nicModel: e.nicModel.slug,
    nicName: `${node?.name ?? e.node} ${e.nicModel.name}`,
    speedMbps: e.nicModel.speedMbps,
  }
}

export function toLabLink(catalog: Catalog, l: NodeLink): LabLink {
  return {
    id: l.link.id,
    label: l.link.label,
    endpoints: l.ends.map((e) => endOf(catalog, e)),
    effectiveMbps: l.effectiveMbps,
    payloadMBps: round(linkPayloadMBps(l.effectiveMbps), 1),
    bottleneck: endOf(catalog, l.bottleneck),
    notes: l.link.notes,
  }
}

/** Links of the lab (or those touching one node) with effective rate and bottleneck end. */
export function listNetworkLinks(catalog: Catalog, nodeId?: string): NetworkLinksAnswer {
  const id = nodeId === undefined ? undefined : requireNode(catalog, nodeId, '/node').id
  const links = resolveLinks(catalog).filter((l) => id === undefined || l.ends.some((e) => e.node === id))
  return {
    node: id ?? null,
    tcpEfficiency: TCP_EFFICIENCY,
    links: links.map((l) => toLabLink(catalog, l)),
    assumptions: TRANSFER_ASSUMPTIONS.slice(0, 1),
  }
}

export interface TransferEnd {
  node: NodeRecord
  /** The drive named in the request, or null for "the node". */
  device: StorageTierDevice | null
  devices: StorageTierDevice[]
}

/** Parses `node` or `node:storageId` into an end; unknown ids are 404s naming the field. */
export function parseTransferEnd(
  catalog: Catalog,
  text: string,
  pointer: string,
  devices?: StorageTierDevice[],
): TransferEnd {
  const [nodeText = '', storageId] = text.toLowerCase().split(':', 2)
  const node = requireNode(catalog, nodeText, pointer)
  const all = (devices ?? resolveDevices(catalog)).filter((d) => d.node === node.id)
  if (storageId === undefined) return { node, device: null, devices: all }
  const device = all.find((d) => d.storageId === storageId)
  if (!device) {
    const known = all.map((d) => `${node.id}:${d.storageId}`)
    throw new PlanInputError(
      'not-found',
      pointer,
      `No storage "${storageId}" on ${node.id}. Known: ${known.join(', ') || 'none'}.`,
    )
  }
  return { node, device, devices: all }
}

type Side = 'read' | 'write'

/** The drive an end stands for: the named one, else the fastest of known speed (not the other end's drive). */
function pickDevice(end: TransferEnd, side: Side, other: StorageTierDevice | null) {
  if (end.device) return { device: end.device, chosen: 'named' as const }
  const rate = side === 'read' ? deviceReadMBps : deviceWriteMBps
  const known = end.devices.filter((d) => d !== other && rate(d) !== null)
  const best = known.reduce<StorageTierDevice | null>((a, d) => (a && rate(a)! >= rate(d)! ? a : d), null)
  return { device: best, chosen: best ? ('fastest-known' as const) : ('unknown' as const) }
}

/** A transfer end's drive stages, named node:storageId (drive) since two nodes are involved. */
function endStages(d: StorageTierDevice | null, side: Side): Bottleneck[] {
  return d ? (driveStages(d, side, `${d.node}:${d.storageId} (${d.driveName ?? d.label})`) ?? []) : []
}

function unknownOf(end: TransferEnd, d: StorageTierDevice | null, side: Side): string[] {
  if (d && (side === 'read' ? d.sequentialReadMBps : d.sequentialWriteMBps) !== null) return []
  const what = d ? `${d.node}:${d.storageId}` : `${end.node.name} (no drive of known ${side} rate)`
  const role = side === 'read' ? 'Source' : 'Destination'
  return [`${role} ${side} rate unknown: ${what}; left out of the minimum, so the time is a lower bound`]
}

/** Time to move `bytes` between two ends, every stage listed and the slowest named. */
export function transferBetween(
  catalog: Catalog,
  from: TransferEnd,
  to: TransferEnd,
  bytes: number,
): TransferPlan {
  const src = pickDevice(from, 'read', to.device)
  const dst = pickDevice(to, 'write', src.device)
  const sameNode = from.node.id === to.node.id
  const link = sameNode ? null : linkBetween(catalog, from.node.id, to.node.id)
  const labLink = link ? toLabLink(catalog, link) : null
  const stages = [
    ...endStages(src.device, 'read'),
    ...(labLink ? [networkStage(labLink)] : []),
    ...endStages(dst.device, 'write'),
  ]
  const bottleneck = stages.length > 0 ? slowestStage(stages) : null
  const noLink = !sameNode && !link
  const end = (e: TransferEnd, p: ReturnType<typeof pickDevice>) => ({
    node: e.node.id,
    storageId: p.device?.storageId ?? null,
    label: p.device?.label ?? null,
    chosen: p.chosen,
  })
  return {
    from: end(from, src),
    to: end(to, dst),
    bytes,
    sameNode,
    verdict: noLink ? 'no-link' : bottleneck ? 'priced' : 'rate-unknown',
    link: labLink,
    stages,
    bottleneck: noLink ? null : bottleneck,
    seconds: noLink || !bottleneck ? null : round(secondsAt(bytes, bottleneck.MBps), 2),
    rawLinkSeconds: link ? round((bytes * 8) / (link.effectiveMbps * 1e6), 2) : null,
    unknowns: [
      ...(noLink ? [`No catalogued link joins ${from.node.name} and ${to.node.name}`] : []),
      ...unknownOf(from, src.device, 'read'),
      ...unknownOf(to, dst.device, 'write'),
    ],
    assumptions: TRANSFER_ASSUMPTIONS,
  }
}

/** POST /plan/transfer: `from`/`to` are node ids or `node:storageId`. */
export function planTransfer(request: TransferRequest, catalog: Catalog): TransferPlan {
  const devices = resolveDevices(catalog)
  const from = parseTransferEnd(catalog, request.from, '/from', devices)
  const to = parseTransferEnd(catalog, request.to, '/to', devices)
  if (from.node.id === to.node.id && from.device === to.device) {
    throw new PlanInputError('invalid', '/to', 'to must differ from from (the same node or drive)')
  }
  return transferBetween(catalog, from, to, request.bytes)
}
