import type { Catalog } from './catalog.ts'
import type { NetworkLink, NicModel } from './schemas.ts'

export interface LinkEnd {
  node: string
  interface: string
  nicModel: NicModel
}

export interface NodeLink {
  link: NetworkLink
  ends: LinkEnd[]
  /** The slowest end sets the rate: a 2.5 GbE port talking to a 1 GbE port runs at 1 Gb/s. */
  effectiveMbps: number
  bottleneck: LinkEnd
}

/** Resolves an endpoint of a link to its interface's NIC model. */
function resolveEnd(catalog: Catalog, end: NetworkLink['endpoints'][number]): LinkEnd | null {
  const nic = catalog.nodes
    .find((n) => n.id === end.node)
    ?.networkInterfaces.find((i) => i.id === end.interface)
  const nicModel = nic && catalog.nicModels.find((m) => m.slug === nic.nicModel)
  return nicModel ? { node: end.node, interface: end.interface, nicModel } : null
}

/** Every link of the lab with its effective rate, the slowest end named. */
export function resolveLinks(catalog: Catalog): NodeLink[] {
  return catalog.networkLinks.flatMap((link) => {
    const ends = link.endpoints.map((e) => resolveEnd(catalog, e))
    if (ends.some((e) => e === null)) return []
    const resolved = ends as LinkEnd[]
    const bottleneck = resolved.reduce((a, b) => (b.nicModel.speedMbps < a.nicModel.speedMbps ? b : a))
    return [{ link, ends: resolved, effectiveMbps: bottleneck.nicModel.speedMbps, bottleneck }]
  })
}

/** The fastest link that joins two nodes, or null when none does. */
export function linkBetween(catalog: Catalog, nodeA: string, nodeB: string): NodeLink | null {
  const joining = resolveLinks(catalog).filter(
    (l) => l.ends.some((e) => e.node === nodeA) && l.ends.some((e) => e.node === nodeB),
  )
  return joining.reduce<NodeLink | null>(
    (best, l) => (best && best.effectiveMbps >= l.effectiveMbps ? best : l),
    null,
  )
}
