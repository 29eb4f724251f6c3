/**
 * A node's PCI functions as a tree in the spirit of `lspci -tv`: domain:bus, then slot, then
 * function, each with its IOMMU group. The catalog records each function's address but not
 * which bridge leads to which bus, so buses sit side by side under their domain rather than
 * under their bridges; functions without an address come last, under [address unknown].
 */
import type { NodeRecord, PciDevice } from '../../../api/src/domain/catalog/schemas.ts'

export interface TreeLine {
  /** Box-drawing indent, e.g. "├─" or "│  └─". */
  prefix: string
  text: string
  /** The IOMMU group of the function on this line; null for a bus line. */
  group: number | null
}

interface Parsed {
  bus: string
  slot: string
  fn: string
  device: PciDevice
}

function parse(d: PciDevice): Parsed | null {
  const m = /^([0-9a-f]{4}:[0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$/.exec(d.address ?? '')
  return m ? { bus: m[1]!, slot: m[2]!, fn: m[3]!, device: d } : null
}

const describe = (d: PciDevice) => `${d.label} · ${d.name} [${d.vendorDevice}]`

export function pcieTree(node: NodeRecord): TreeLine[] {
  const parsed = node.devices.map(parse).filter((p): p is Parsed => p !== null)
  const buses: { title: string; children: { text: string; group: number }[] }[] = [
    ...new Set(parsed.map((p) => p.bus)),
  ]
    .sort()
    .map((bus) => ({
      title: `[${bus}]`,
      children: parsed
        .filter((p) => p.bus === bus)
        .sort((a, b) => `${a.slot}.${a.fn}`.localeCompare(`${b.slot}.${b.fn}`))
        .map((p) => ({ text: `${p.slot}.${p.fn}  ${describe(p.device)}`, group: p.device.iommuGroup })),
    }))
  const unaddressed = node.devices.filter((d) => parse(d) === null)
  if (unaddressed.length > 0) {
    buses.push({
      title: '[address unknown]',
      children: unaddressed.map((d) => ({ text: describe(d), group: d.iommuGroup })),
    })
  }
  return buses.flatMap((bus, bi) => {
    const last = bi === buses.length - 1
    return [
      { prefix: last ? '└─' : '├─', text: bus.title, group: null },
      ...bus.children.map((c, i) => ({
        prefix: `${last ? '   ' : '│  '}${i === bus.children.length - 1 ? '└─' : '├─'}`,
        ...c,
      })),
    ]
  })
}

/** One hue per group, far apart for neighbouring numbers (golden-angle steps). */
export function groupHue(group: number): number {
  return Math.round((group * 137.508) % 360)
}
