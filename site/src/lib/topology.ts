/**
 * The lab's topology as an SVG string, built from the catalog alone: one box per node (GPUs
 * with VRAM, storage with capacity, NICs with link rates), one bus per network link with its
 * effective rate from resolveLinks(). A third node in data/ gets a third box, no code change.
 * Colours come from CSS classes (site/src/styles/custom.css), so dark mode applies.
 */
import type { Catalog } from '../../../api/src/domain/catalog/catalog.ts'
import { gpuModelOf } from '../../../api/src/domain/catalog/lookup.ts'
import { resolveLinks, type NodeLink } from '../../../api/src/domain/catalog/network.ts'
import type { NodeRecord } from '../../../api/src/domain/catalog/schemas.ts'
import { escapeXml, formatCapacity, formatGiB, formatMbps, shortModel } from './format.ts'

const BOX_W = 300
const GAP = 40
const PAD = 20
const ROW_H = 20
const HEAD_H = 44
const BUS_H = 56
/** About 7 px per character at 13 px: keeps text inside its box. */
const CHARS_PER_BOX = Math.floor((BOX_W - 24) / 7)

interface Row {
  kind: 'section' | 'item'
  text: string
}

/** "1 Gb/s (CARAXES RTL8168 is the bottleneck)", or just the rate when every end is as fast. */
export function linkSpeedLabel(link: NodeLink): string {
  const rate = formatMbps(link.effectiveMbps)
  const uneven = link.ends.some((e) => e.nicModel.speedMbps !== link.effectiveMbps)
  if (!uneven) return rate
  const b = link.bottleneck
  return `${rate} (${b.node.toUpperCase()} ${shortModel(b.nicModel.slug, b.nicModel.vendor)} is the bottleneck)`
}

/** What a node box lists, in order: GPUs, storage, NICs. */
export function nodeRows(node: NodeRecord, catalog: Catalog): Row[] {
  const gpus = node.devices.flatMap((d) => {
    const m = gpuModelOf(catalog, d)
    return m ? [`${m.name} · ${formatGiB(m.vramBytes)} VRAM`] : []
  })
  const storage = node.storage.map((s) => `${s.label} · ${formatCapacity(s.capacityBytes)}`)
  const nics = node.networkInterfaces.map((n) => {
    const m = catalog.nicModels.find((x) => x.slug === n.nicModel)
    return m ? `${shortModel(m.slug, m.vendor)} ${m.medium} · ${formatMbps(m.speedMbps)} (${n.role})` : n.label
  })
  const section = (title: string, items: string[]): Row[] =>
    items.length === 0 ? [] : [{ kind: 'section', text: title }, ...items.map((text) => ({ kind: 'item' as const, text }))]
  return [...section('GPUs', gpus), ...section('Storage', storage), ...section('Network', nics)]
}

function fit(text: string, chars = CHARS_PER_BOX): string {
  return text.length <= chars ? text : `${text.slice(0, chars - 1)}…`
}

function text(x: number, y: number, cls: string, content: string, anchor = 'start'): string {
  return `<text x="${x}" y="${y}" class="${cls}" text-anchor="${anchor}">${escapeXml(content)}</text>`
}

/** The x of each linked interface's port on the bottom edge of its node box. */
function portPositions(catalog: Catalog, links: NodeLink[]): Map<string, number> {
  const ports = new Map<string, number>()
  catalog.nodes.forEach((node, i) => {
    const used = node.networkInterfaces.filter((n) => links.some((l) => l.ends.some((e) => e.interface === n.id)))
    used.forEach((n, j) => ports.set(n.id, PAD + i * (BOX_W + GAP) + ((j + 1) * BOX_W) / (used.length + 1)))
  })
  return ports
}

function nodeBox(node: NodeRecord, rows: Row[], x: number, height: number): string {
  const parts = [
    `<rect x="${x}" y="${PAD}" width="${BOX_W}" height="${height}" rx="8" class="topo-node"/>`,
    text(x + 12, PAD + 26, 'topo-title', fit(node.name, 30)),
  ]
  rows.forEach((row, r) => {
    const y = PAD + HEAD_H + r * ROW_H + 10
    parts.push(row.kind === 'section' ? text(x + 12, y, 'topo-section', row.text) : text(x + 20, y, 'topo-item', fit(row.text)))
  })
  return `<g>${parts.join('')}</g>`
}

function bus(link: NodeLink, index: number, boxBottom: number, ports: Map<string, number>): string {
  const y = boxBottom + 30 + index * BUS_H
  const xs = link.ends.map((e) => ports.get(e.interface) ?? PAD)
  const [left, right] = [Math.min(...xs), Math.max(...xs)]
  const drops = xs.map((x) => `<line x1="${x}" y1="${boxBottom}" x2="${x}" y2="${y}" class="topo-drop"/><circle cx="${x}" cy="${boxBottom}" r="4" class="topo-port"/>`)
  const mid = (left + right) / 2
  return `<g>${drops.join('')}<line x1="${left}" y1="${y}" x2="${right}" y2="${y}" class="topo-link"/>`
    + text(mid, y + 18, 'topo-link-label', link.link.label, 'middle')
    + text(mid, y + 34, 'topo-link-speed', linkSpeedLabel(link), 'middle') + '</g>'
}

/** One sentence per node and link: the diagram's text alternative (<desc>). */
export function topologyDescription(catalog: Catalog): string {
  const nodes = catalog.nodes.map((n) => `${n.name}: ${nodeRows(n, catalog).filter((r) => r.kind === 'item').map((r) => r.text).join('; ')}.`)
  const links = resolveLinks(catalog).map((l) => `${l.link.label} joins ${l.ends.map((e) => `${e.node.toUpperCase()} ${shortModel(e.nicModel.slug, e.nicModel.vendor)}`).join(' and ')} at ${linkSpeedLabel(l)}.`)
  return [...nodes, ...links].join(' ')
}

export function topologySvg(catalog: Catalog): string {
  const links = resolveLinks(catalog)
  const rows = catalog.nodes.map((n) => nodeRows(n, catalog))
  const boxH = HEAD_H + Math.max(0, ...rows.map((r) => r.length)) * ROW_H + 12
  const boxBottom = PAD + boxH
  const width = PAD * 2 + catalog.nodes.length * BOX_W + Math.max(0, catalog.nodes.length - 1) * GAP
  const height = boxBottom + 30 + links.length * BUS_H
  const ports = portPositions(catalog, links)
  const boxes = catalog.nodes.map((n, i) => nodeBox(n, rows[i] ?? [], PAD + i * (BOX_W + GAP), boxH))
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="topo-title topo-desc" class="topology">`
    + `<title id="topo-title">Lab topology: ${catalog.nodes.length} nodes, ${links.length} network links</title>`
    + `<desc id="topo-desc">${escapeXml(topologyDescription(catalog))}</desc>`
    + boxes.join('') + links.map((l, i) => bus(l, i, boxBottom, ports)).join('') + '</svg>'
}
