/**
 * The lab's topology as an SVG string, built from the catalog alone: one box per node (a link
 * to its page; GPUs with VRAM, storage with capacity), each NIC a labelled port on the box's
 * bottom edge (model, rate, role), and one line per network with its effective rate and role.
 * Text wraps, never truncates. Colour means one thing each (the legend says which): a port's
 * role, and the port that limits a network. A third node in data/ gets a third box.
 * Colours come from CSS classes (site/src/styles/custom.css), so dark mode applies.
 */
import type { Catalog } from '../../../api/src/domain/catalog/catalog.ts'
import { gpuModelOf } from '../../../api/src/domain/catalog/lookup.ts'
import { resolveLinks, type NodeLink } from '../../../api/src/domain/catalog/network.ts'
import type { NetworkInterface, NodeRecord } from '../../../api/src/domain/catalog/schemas.ts'
import { escapeXml, formatCapacity, formatGiB, formatMbps, shortModel } from './format.ts'

const BOX_W = 320
const GAP = 48
const PAD = 16
const LINE_H = 18
const HEAD_H = 40
const PORT_H = 14
const NET_H = 46
/** About 7.2 px per character at 13 px (system sans): where text wraps inside a box or port. */
const CHAR_W = 7.2
/** The legend's four entries side by side. */
const LEGEND_W = 760
/** The phone layout's width: a 390 px screen less Starlight's margins. */
const NARROW_W = 358
/** Bold 13 px labels run about 10 % wider than CHAR_W assumes. */
const BOLD_RATIO = 0.9

type Role = NetworkInterface['role']
const ROLE_TEXT: Record<Role, string> = {
  management: 'management',
  data: 'data',
  unused: 'unused',
  unknown: 'role unknown',
}

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

/** What a node box lists above its ports: GPUs, then storage. */
export function nodeRows(node: NodeRecord, catalog: Catalog): Row[] {
  const gpus = node.devices.flatMap((d) => {
    const m = gpuModelOf(catalog, d)
    return m ? [`${m.name} · ${formatGiB(m.vramBytes)} VRAM`] : []
  })
  const storage = node.storage.map(
    (s) => `${s.label} · ${s.capacityBytes === null ? 'capacity unknown' : formatCapacity(s.capacityBytes)}`,
  )
  const section = (title: string, items: string[]): Row[] =>
    items.length === 0
      ? []
      : [{ kind: 'section', text: title }, ...items.map((text) => ({ kind: 'item' as const, text }))]
  return [...section('GPUs', gpus), ...section('Storage', storage)]
}

/** Splits text into lines of at most `width` px, at spaces; a longer word gets a line of its own. */
export function wrap(text: string, width: number): string[] {
  const max = Math.max(4, Math.floor(width / CHAR_W))
  const lines: string[] = []
  let line = ''
  // A number keeps its unit on its line ("1 TB", "2.5 Gb/s"): no break after a digit.
  for (const word of text.split(/(?<=[^\d]) | (?=[^A-Za-z%])/)) {
    if (line && line.length + 1 + word.length > max) {
      lines.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) lines.push(line)
  return lines
}

function text(x: number, y: number, cls: string, content: string, anchor = 'start'): string {
  return `<text x="${x}" y="${y}" class="${cls}" text-anchor="${anchor}">${escapeXml(content)}</text>`
}

interface Port {
  nic: NetworkInterface
  label: string[]
  x: number
}

/** A node's NICs as ports spread along its box's bottom edge, labelled model, rate and role (a line each). */
function portsOf(node: NodeRecord, catalog: Catalog, boxX: number): Port[] {
  const width = BOX_W / Math.max(1, node.networkInterfaces.length)
  return node.networkInterfaces.map((nic, i) => {
    const m = catalog.nicModels.find((x) => x.slug === nic.nicModel)
    const name = m ? `${shortModel(m.slug, m.vendor)} ${m.medium}` : nic.label
    const rate = m ? formatMbps(m.speedMbps) : 'rate unknown'
    const label = [name, rate, ROLE_TEXT[nic.role]].flatMap((line) => wrap(line, width - 8))
    return { nic, x: Math.round(boxX + width * (i + 0.5)), label }
  })
}

interface Layout {
  node: NodeRecord
  x: number
  rows: string[][]
  kinds: Row['kind'][]
  ports: Port[]
}

function layout(catalog: Catalog): Layout[] {
  return catalog.nodes.map((node, i) => {
    const x = PAD + i * (BOX_W + GAP)
    const rows = nodeRows(node, catalog)
    return {
      node,
      x,
      ports: portsOf(node, catalog, x),
      rows: rows.map((r) => (r.kind === 'section' ? [r.text] : wrap(r.text, BOX_W - 36))),
      kinds: rows.map((r) => r.kind),
    }
  })
}

const rowsHeight = (l: Layout) => l.rows.reduce((h, lines) => h + lines.length * LINE_H, 0)
const portLabelHeight = (l: Layout) => Math.max(0, ...l.ports.map((p) => p.label.length)) * LINE_H

function nodeBox(l: Layout, height: number, bottleneckPorts: Set<string>): string {
  const parts = [`<rect x="${l.x}" y="${PAD}" width="${BOX_W}" height="${height}" rx="8" class="topo-node"/>`]
  parts.push(
    `<a href="/nodes/${encodeURIComponent(l.node.id)}/" ` +
      `aria-label="${escapeXml(`${l.node.name}: devices and platform`)}">` +
      text(l.x + 12, PAD + 26, 'topo-title', l.node.name) +
      '</a>',
  )
  let y = PAD + HEAD_H + 4
  l.rows.forEach((lines, r) => {
    const cls = l.kinds[r] === 'section' ? 'topo-section' : 'topo-item'
    const indent = l.kinds[r] === 'section' ? 12 : 20
    lines.forEach((line, k) => parts.push(text(l.x + indent + (k > 0 ? 12 : 0), y + k * LINE_H, cls, line)))
    y += lines.length * LINE_H
  })
  const bottom = PAD + height
  for (const p of l.ports) {
    const cls = `topo-port topo-role-${p.nic.role}${bottleneckPorts.has(p.nic.id) ? ' topo-bottleneck' : ''}`
    parts.push(
      `<rect x="${p.x - 9}" y="${bottom - PORT_H / 2}" width="18" height="${PORT_H}" rx="2" class="${cls}"/>`,
    )
    const top = bottom - PORT_H - p.label.length * LINE_H + 6
    p.label.forEach((line, k) => parts.push(text(p.x, top + k * LINE_H, 'topo-port-label', line, 'middle')))
  }
  return `<g class="topo-box">${parts.join('')}</g>`
}

/** The roles a network carries: those of the ports on it ("data, management"). */
function networkRole(link: NodeLink, ports: Map<string, Port>): string {
  const roles = [...new Set(link.ends.map((e) => ports.get(e.interface)?.nic.role ?? 'unknown'))].sort()
  return roles.map((r) => ROLE_TEXT[r]).join(', ')
}

function network(
  link: NodeLink,
  y: number,
  ports: Map<string, Port>,
  boxBottom: number,
  width: number,
): string {
  const xs = link.ends.map((e) => ports.get(e.interface)?.x ?? PAD)
  const drops = xs.map(
    (x) =>
      `<line x1="${x}" y1="${boxBottom + PORT_H / 2}" x2="${x}" y2="${y}" class="topo-drop"/>` +
      `<circle cx="${x}" cy="${y}" r="4" class="topo-joint"/>`,
  )
  const label = `${link.link.label} · ${linkSpeedLabel(link)} · ${networkRole(link, ports)}`
  return (
    `<g class="topo-network">${drops.join('')}` +
    `<line x1="${Math.min(...xs)}" y1="${y}" x2="${Math.max(...xs)}" y2="${y}" class="topo-link"/>` +
    wrap(label, width - 2 * PAD)
      .map((line, k) => text(PAD, y + 20 + k * LINE_H, 'topo-link-label', line))
      .join('') +
    '</g>'
  )
}

const LEGEND: [string, string][] = [
  ['topo-port topo-role-management', 'management port'],
  ['topo-port topo-role-data', 'data port'],
  ['topo-port topo-role-unknown', 'unused or role unknown'],
  ['topo-port topo-role-data topo-bottleneck', 'limits its network'],
]

function legend(y: number): string {
  const items = LEGEND
  let x = PAD
  return `<g class="topo-legend">${items
    .map(([cls, label]) => {
      const at = x
      x += 26 + label.length * CHAR_W + 24
      return (
        `<rect x="${at}" y="${y - 11}" width="18" height="${PORT_H}" rx="2" ` +
        `class="topo-key ${cls}"/>${text(at + 26, y, 'topo-port-label', label)}`
      )
    })
    .join('')}</g>`
}

/** One sentence per node and network: the diagram's text alternative (<desc>). */
export function topologyDescription(catalog: Catalog): string {
  const nodes = layout(catalog).map((l) => {
    const items = nodeRows(l.node, catalog)
      .filter((r) => r.kind === 'item')
      .map((r) => r.text)
    const ports = l.ports.map((p) => p.label.join(' '))
    return `${l.node.name}: ${[...items, ...ports.map((p) => `port ${p}`)].join('; ')}.`
  })
  const links = resolveLinks(catalog).map((l) => {
    const ends = l.ends.map(
      (e) => `${e.node.toUpperCase()} ${shortModel(e.nicModel.slug, e.nicModel.vendor)}`,
    )
    return `${l.link.label} joins ${ends.join(' and ')} at ${linkSpeedLabel(l)}.`
  })
  return [...nodes, ...links].join(' ')
}

export function topologySvg(catalog: Catalog): string {
  const links = resolveLinks(catalog)
  const boxes = layout(catalog)
  const boxH =
    HEAD_H + Math.max(0, ...boxes.map(rowsHeight)) + 16 + Math.max(0, ...boxes.map(portLabelHeight)) + PORT_H
  const boxBottom = PAD + boxH
  const width = Math.max(PAD * 2 + boxes.length * BOX_W + Math.max(0, boxes.length - 1) * GAP, LEGEND_W)
  const ports = new Map(boxes.flatMap((b) => b.ports.map((p): [string, Port] => [p.nic.id, p])))
  const bottlenecks = new Set(
    links
      .filter((l) => l.ends.some((e) => e.nicModel.speedMbps !== l.effectiveMbps))
      .map((l) => l.bottleneck.interface),
  )
  const nets = links.map((l, i) => network(l, boxBottom + 36 + i * (NET_H + LINE_H), ports, boxBottom, width))
  const legendY = boxBottom + 36 + links.length * (NET_H + LINE_H) + 8
  const height = legendY + 16
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="group" aria-labelledby="topo-title" aria-describedby="topo-desc" class="topology topology-wide">` +
    `<title id="topo-title">Lab topology: ${catalog.nodes.length} nodes, ${links.length} networks</title>` +
    `<desc id="topo-desc">${escapeXml(topologyDescription(catalog))}</desc>` +
    boxes.map((b) => nodeBox(b, boxH, bottlenecks)).join('') +
    nets.join('') +
    legend(legendY) +
    '</svg>'
  )
}

/**
 * The same facts for a phone, drawn to fit 358 px: nodes stacked, each port a row (its role
 * colour, model, rate, role and the networks it is on), then one line per network and the
 * legend. The page shows this one on narrow screens instead of the wide drawing.
 */
export function narrowTopologySvg(catalog: Catalog): string {
  const links = resolveLinks(catalog)
  const bottlenecks = new Set(
    links
      .filter((l) => l.ends.some((e) => e.nicModel.speedMbps !== l.effectiveMbps))
      .map((l) => l.bottleneck.interface),
  )
  // The page already pads the figure: the drawing starts at x = 0.
  const inner = NARROW_W
  const X = 0
  const parts: string[] = []
  let y = PAD
  for (const l of layout(catalog)) {
    const rows: string[] = []
    let h = HEAD_H + 6
    for (const [r, lines] of nodeRows(l.node, catalog).map(
      (row) => [row, row.kind === 'section' ? [row.text] : wrap(row.text, inner - 36)] as const,
    )) {
      const cls = r.kind === 'section' ? 'topo-section' : 'topo-item'
      lines.forEach((line, k) =>
        rows.push(
          text(X + (r.kind === 'section' ? 12 : 20) + (k > 0 ? 12 : 0), y + h + k * LINE_H, cls, line),
        ),
      )
      h += lines.length * LINE_H
    }
    rows.push(text(X + 12, y + h, 'topo-section', 'Ports'))
    h += LINE_H
    for (const p of l.ports) {
      const nets = links.filter((k) => k.ends.some((e) => e.interface === p.nic.id)).map((k) => k.link.label)
      const cls = `topo-port topo-role-${p.nic.role}${bottlenecks.has(p.nic.id) ? ' topo-bottleneck' : ''}`
      rows.push(`<rect x="${X + 14}" y="${y + h - 11}" width="18" height="${PORT_H}" rx="2" class="${cls}"/>`)
      const lines = [
        ...wrap(p.label.join(' · '), inner - 56),
        ...(nets.length ? wrap(`on ${nets.join(', ')}`, inner - 56) : []),
      ]
      lines.forEach((line, k) => rows.push(text(X + 40, y + h + k * LINE_H, 'topo-item', line)))
      h += lines.length * LINE_H + 6
    }
    parts.push(
      `<g class="topo-box"><rect x="${X}" y="${y}" width="${inner}" height="${h}" rx="8" class="topo-node"/>` +
        `<a href="/nodes/${encodeURIComponent(l.node.id)}/" ` +
        `aria-label="${escapeXml(`${l.node.name}: devices and platform`)}">` +
        text(X + 12, y + 26, 'topo-title', l.node.name) +
        `</a>${rows.join('')}</g>`,
    )
    y += h + 16
  }
  parts.push(text(X, y + 10, 'topo-section', 'Networks'))
  y += 10 + LINE_H
  for (const link of links) {
    const ports = new Map(layout(catalog).flatMap((b) => b.ports.map((p): [string, Port] => [p.nic.id, p])))
    for (const line of wrap(
      `${link.link.label} · ${linkSpeedLabel(link)} · ${networkRole(link, ports)}`,
      inner * BOLD_RATIO,
    )) {
      parts.push(text(X, y + 4, 'topo-link-label', line))
      y += LINE_H
    }
    y += 6
  }
  for (const [cls, label] of LEGEND) {
    parts.push(
      `<rect x="${X}" y="${y - 3}" width="18" height="${PORT_H}" rx="2" ` +
        `class="topo-key ${cls}"/>${text(X + 26, y + 8, 'topo-port-label', label)}`,
    )
    y += LINE_H + 2
  }
  const height = y + 8
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${NARROW_W} ${height}" width="${NARROW_W}" height="${height}" role="group" aria-labelledby="topo-title-narrow" aria-describedby="topo-desc-narrow" class="topology topology-narrow">` +
    `<title id="topo-title-narrow">Lab topology: ${catalog.nodes.length} nodes, ${links.length} networks</title>` +
    `<desc id="topo-desc-narrow">${escapeXml(topologyDescription(catalog))}</desc>${parts.join('')}</svg>`
  )
}
