/**
 * A large, valid catalog for scale benchmarks: the real nodes of data/ first (so documented
 * examples that name them still resolve), then seeded copies of them, each padded with
 * cloned PCI devices (own address, own IOMMU group) up to `devicesPerNode`. Pure and
 * deterministic: same base, sizes and seed → same catalog. 200 × 50 = 10,000 devices.
 */
import type { Catalog } from '../api/src/domain/catalog/catalog.ts'
import type { NodeRecord, PciDevice } from '../api/src/domain/catalog/schemas.ts'

export interface GenerateOptions {
  nodes: number
  devicesPerNode: number
  seed: number
}

/** mulberry32: a tiny seeded PRNG (public domain), enough to pick templates reproducibly. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0')

/** Addresses in PCI domains 0100+ never collide with the real ones (domain 0000). */
function syntheticAddress(k: number): string {
  return `${hex(0x100 + (k >> 8), 4)}:${hex(k & 0xff, 2)}:00.0`
}

function copyNode(
  template: NodeRecord,
  index: number,
  devicesPerNode: number,
  random: () => number,
): NodeRecord {
  const node = structuredClone(template)
  node.id = `gen-${hex(index, 4)}`
  node.name = `GEN-${index}`
  node.summary = `Generated from ${template.id} for the scale benchmark.`
  const groupTemplate = template.iommuGroups[0]
  const extra: PciDevice[] = []
  for (let k = 0; node.devices.length + extra.length < devicesPerNode; k++) {
    const source = template.devices[Math.floor(random() * template.devices.length)]!
    const group = 1000 + k
    extra.push({
      ...structuredClone(source),
      address: syntheticAddress(k),
      label: `${source.label}-${k}`,
      iommuGroup: group,
      hostUse: [],
    })
    if (groupTemplate) node.iommuGroups.push({ ...structuredClone(groupTemplate), id: group, notes: [] })
  }
  node.devices.push(...extra)
  return node
}

export function generateCatalog(base: Catalog, { nodes, devicesPerNode, seed }: GenerateOptions): Catalog {
  const random = prng(seed)
  const generated: NodeRecord[] = []
  for (let i = base.nodes.length; i < nodes; i++) {
    const template = base.nodes[Math.floor(random() * base.nodes.length)]!
    generated.push(copyNode(template, i, devicesPerNode, random))
  }
  return { ...base, nodes: [...base.nodes.slice(0, nodes), ...generated] }
}

export function deviceCount(catalog: Catalog): number {
  return catalog.nodes.reduce((sum, n) => sum + n.devices.length, 0)
}
