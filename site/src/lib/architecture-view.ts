/**
 * Page data of the Architecture section, built from planLab's answer: per node its guests →
 * devices → services → models, per GPU a stacked bar of the resident set, per drive its
 * contents, every finding placed on its node. A node added to data/ gets its page and its
 * entries here with no code change.
 */
import type { Catalog } from '../../../api/src/domain/catalog/catalog.ts'
import type {
  Finding,
  GpuSummary,
  LabPlan,
  ResidentModel,
} from '../../../api/src/domain/lab/answer-schemas.ts'
import type { Architecture } from '../../../api/src/domain/lab/schemas.ts'
import { escapeXml, formatBytes } from './format.ts'

export function architecturePaths(catalog: Catalog) {
  return catalog.nodes.map((n) => ({ params: { node: n.id } }))
}

/** The node a finding's pointer lands on: a guest's, a service's, a dataset's drive or reader. */
export function nodeOfPointer(plan: LabPlan, arch: Architecture, pointer: string): string | null {
  const [, list, index, field, sub] = pointer.split('/')
  const i = Number(index)
  if (list === 'guests') return arch.guests[i]?.node.toLowerCase() ?? null
  if (list === 'services') {
    const s = arch.services[i]
    if (!s) return null
    const host = /^host:(.+)$/.exec(s.runsOn)
    return host
      ? host[1]!.toLowerCase()
      : (arch.guests.find((g) => g.name === s.runsOn)?.node.toLowerCase() ?? null)
  }
  if (list === 'datasets') {
    const d = arch.datasets[i]
    if (field === 'readBy' && d)
      return plan.flows.find((f) => f.dataset === d.name && f.reader === d.readBy[Number(sub)])?.to ?? null
    return plan.drives.find((dr) => dr.uses.some((u) => u.pointer === `/datasets/${i}`))?.node ?? null
  }
  if (list === 'nodes') return arch.nodes[i]?.node.toLowerCase() ?? null
  return null
}

export function findingsOf(plan: LabPlan, arch: Architecture, node: string): Finding[] {
  return plan.findings.filter((f) => nodeOfPointer(plan, arch, f.pointer) === node)
}

export interface ServiceView {
  name: string
  runtime: string
  gpus: string[]
  models: { label: string; resident: boolean; pointer: string }[]
  backend: string | null
}

export interface GuestView {
  name: string
  vmid: number
  kind: string
  memory: string
  pinned: boolean
  devices: string[]
  disks: string[]
  services: ServiceView[]
  pointer: string
}

function serviceView(plan: LabPlan, arch: Architecture, name: string): ServiceView {
  const s = arch.services.find((x) => x.name === name)!
  const i = arch.services.indexOf(s)
  const gpus = plan.gpus.filter(
    (g) => [...g.resident, ...g.onDemand].some((m) => m.service === name) || g.finetune?.service === name,
  )
  return {
    name,
    runtime: s.runtime,
    backend: s.backend ?? null,
    gpus: gpus.map((g) => `${g.name} (${g.address})`),
    models: s.models.map((m, j) => ({
      label: `${m.model}${m.quantization ? ` ${m.quantization}` : ''}${m.mode ? ` (${m.mode})` : ''}`,
      resident: m.resident,
      pointer: `/services/${i}/models/${j}`,
    })),
  }
}

/** Guests of a node with what they take and run, then the host itself as a pseudo-guest. */
export function nodeTree(
  plan: LabPlan,
  arch: Architecture,
  node: string,
): { guests: GuestView[]; host: ServiceView[] } {
  const guests = plan.guests
    .filter((g) => g.node === node)
    .map((g) => {
      const guest = arch.guests.find((x) => x.name === g.name)!
      return {
        name: g.name,
        vmid: g.vmid,
        kind: g.kind,
        memory: formatBytes(g.memoryBytes),
        pinned: g.pinned,
        pointer: g.pointer,
        devices: g.devices.map((d) => `${d.address} ${d.label}`),
        disks: guest.disks.map((d) => `${d.name} on ${d.on}`),
        services: g.services.map((s) => serviceView(plan, arch, s)),
      }
    })
  const host =
    plan.nodes.find((n) => n.node === node)?.hostServices.map((s) => serviceView(plan, arch, s)) ?? []
  return { guests, host }
}

export interface BarSegment {
  kind: 'weights' | 'kv' | 'compute' | 'overhead' | 'margin' | 'free' | 'short'
  label: string
  bytes: number
}

const PARTS: [BarSegment['kind'], keyof ResidentModel, string][] = [
  ['weights', 'weightsBytes', 'weights'],
  ['kv', 'kvCacheBytes', 'KV cache'],
  ['compute', 'computeBufferBytes', 'compute buffer'],
  ['overhead', 'cudaContextBytes', 'CUDA context'],
]

/** The resident set as bar segments, model by model, then margin and free (or how far short). */
export function gpuSegments(gpu: GpuSummary): BarSegment[] {
  const models = gpu.resident.flatMap((m) =>
    PARTS.map(([kind, key, what]) => ({ kind, label: `${m.model}: ${what}`, bytes: m[key] as number })),
  )
  const tail: BarSegment[] = [{ kind: 'margin', label: 'planner margin', bytes: gpu.marginBytes }]
  tail.push(
    gpu.freeBytes >= 0
      ? { kind: 'free', label: 'free', bytes: gpu.freeBytes }
      : { kind: 'short', label: 'short by', bytes: -gpu.freeBytes },
  )
  return [...models, ...tail]
}

const BAR_W = 640
const BAR_H = 28

/** A stacked bar (SVG string) of a GPU's VRAM: each resident model's terms, margin, free. */
export function gpuBarSvg(gpu: GpuSummary): string {
  const segments = gpuSegments(gpu)
  const total = Math.max(gpu.vramBytes, gpu.residentBytes)
  let x = 0
  const rects = segments.map((s) => {
    const w = (s.bytes / total) * BAR_W
    const rect =
      `<rect class="lab-bar-${s.kind}" x="${x.toFixed(2)}" y="0" width="${w.toFixed(2)}" height="${BAR_H}">` +
      `<title>${escapeXml(`${s.label}: ${formatBytes(s.bytes)}`)}</title></rect>`
    x += w
    return rect
  })
  let mx = 0
  const labels = gpu.resident.map((m) => {
    const w = (m.totalBytes / total) * BAR_W
    const text =
      w > 60
        ? `<text class="lab-bar-label" x="${(mx + 4).toFixed(2)}" y="${BAR_H + 16}">${escapeXml(m.model)}</text>`
        : ''
    mx += w
    return text
  })
  const vramX = ((gpu.vramBytes / total) * BAR_W).toFixed(2)
  const title = `${gpu.name}: ${formatBytes(gpu.residentBytes)} resident of ${formatBytes(gpu.vramBytes)}`
  return (
    `<svg class="lab-bar" viewBox="0 0 ${BAR_W} ${BAR_H + 24}" role="img" aria-label="${escapeXml(title)}">` +
    `${rects.join('')}` +
    `<line class="lab-bar-vram" x1="${vramX}" x2="${vramX}" y1="0" y2="${BAR_H}" />${labels.join('')}</svg>`
  )
}

export const SEGMENT_LEGEND: { kind: BarSegment['kind']; label: string }[] = [
  { kind: 'weights', label: 'Weights' },
  { kind: 'kv', label: 'KV cache' },
  { kind: 'compute', label: 'Compute buffer' },
  { kind: 'overhead', label: 'CUDA context (one per runner)' },
  { kind: 'margin', label: 'Planner margin' },
  { kind: 'free', label: 'Free' },
  { kind: 'short', label: 'Short' },
]

const COL_W = 210
const COL_GAP = 44
const ROW_H = 30
const BOX_H = 24
const HEAD_H = 28
/** About 7 px per character at 12 px: keeps a label inside its box. */
const BOX_CHARS = Math.floor((COL_W - 12) / 7)

const clip = (text: string) => (text.length > BOX_CHARS ? `${text.slice(0, BOX_CHARS - 1)}…` : text)

interface Box {
  col: number
  row: number
  text: string
  kind: string
  title: string
}

/** One owner's rows: the owner, its devices, its services, each service's models under it. */
function ownerBoxes(
  owner: { label: string; title: string; devices: string[]; services: ServiceView[] },
  top: number,
) {
  const boxes: Box[] = [{ col: 0, row: top, text: owner.label, kind: 'guest', title: owner.title }]
  const lines: [Box, Box][] = []
  owner.devices.forEach((d, i) => {
    boxes.push({ col: 1, row: top + i, text: d, kind: 'device', title: d })
    lines.push([boxes[0]!, boxes[boxes.length - 1]!])
  })
  let row = top
  for (const s of owner.services) {
    const service: Box = {
      col: 2,
      row,
      text: `${s.name} (${s.runtime})`,
      kind: 'service',
      title: `${s.name}: ${s.runtime}`,
    }
    boxes.push(service)
    lines.push([boxes[0]!, service])
    s.models.forEach((m, i) => {
      const model: Box = {
        col: 3,
        row: row + i,
        text: m.label,
        kind: m.resident ? 'model-resident' : 'model',
        title: `${m.label}${m.resident ? ' (resident)' : ''}`,
      }
      boxes.push(model)
      lines.push([service, model])
    })
    row += Math.max(1, s.models.length)
  }
  const rows = Math.max(1, owner.devices.length, row - top)
  return { boxes, lines, rows }
}

/**
 * A node's architecture as an SVG string: owners (each guest, then the host) → devices passed
 * → services → models, resident models marked. Colours come from CSS classes (dark mode).
 */
export function nodeDiagramSvg(plan: LabPlan, arch: Architecture, node: string): string {
  const tree = nodeTree(plan, arch, node)
  const owners = [
    ...tree.guests.map((g) => ({
      label: `${g.kind.toUpperCase()} ${g.vmid} ${g.name}`,
      title: `${g.name}: ${g.memory}${g.pinned ? ', pinned' : ''}`,
      devices: g.devices,
      services: g.services,
    })),
    ...(tree.host.length > 0
      ? [{ label: `host:${node}`, title: `the ${node} host`, devices: [], services: tree.host }]
      : []),
  ]
  const boxes: Box[] = []
  const lines: [Box, Box][] = []
  let row = 0
  for (const owner of owners) {
    const part = ownerBoxes(owner, row)
    boxes.push(...part.boxes)
    lines.push(...part.lines)
    row += part.rows
  }
  const x = (col: number) => col * (COL_W + COL_GAP)
  const y = (r: number) => HEAD_H + r * ROW_H
  const width = 4 * COL_W + 3 * COL_GAP
  const height = HEAD_H + Math.max(row, 1) * ROW_H
  const heads = ['Guests', 'Devices passed', 'Services', 'Models'].map(
    (h, c) => `<text class="lab-dg-head" x="${x(c)}" y="16">${h}</text>`,
  )
  const paths = lines.map(
    ([a, b]) =>
      `<line class="lab-dg-line" x1="${x(a.col) + COL_W}" y1="${y(a.row) + BOX_H / 2}" ` +
      `x2="${x(b.col)}" y2="${y(b.row) + BOX_H / 2}" />`,
  )
  const rects = boxes.map(
    (b) =>
      `<g class="lab-dg-${b.kind}"><title>${escapeXml(b.title)}</title>` +
      `<rect x="${x(b.col)}" y="${y(b.row)}" width="${COL_W}" height="${BOX_H}" rx="4" />` +
      `<text x="${x(b.col) + 6}" y="${y(b.row) + 16}">${escapeXml(clip(b.text))}</text></g>`,
  )
  const label = `${node}: ${owners.length} owners, ${boxes.filter((b) => b.kind.startsWith('model')).length} models`
  return (
    `<svg class="lab-diagram" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(label)}">` +
    `${heads.join('')}${paths.join('')}${rects.join('')}</svg>`
  )
}
