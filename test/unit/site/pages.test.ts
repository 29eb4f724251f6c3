/**
 * The site's page data functions are pure functions of the catalog: a node added to data/
 * gets its pages, sidebar entries, topology box, IOMMU verdicts, fit-matrix column and copy
 * times with no code change, and a value changed in data/ shows up where it is rendered.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadCatalog } from '../../../api/scripts/load-catalog.ts'
import type { Catalog } from '../../../api/src/domain/catalog/catalog.ts'
import { PROBLEM_TYPES } from '../../../api/src/http/problem.ts'
import {
  constraintsOf,
  operationRef,
  operationsByTag,
  schemaViews,
  type OpenApiDocument,
} from '../../../site/src/lib/api-reference.ts'
import { problemTypeDocs } from '../../../site/src/lib/errors.ts'
import { modelFitMatrix } from '../../../site/src/lib/model-fit.ts'
import { candidatesFirst, iommuGroups, nodePaths } from '../../../site/src/lib/node-view.ts'
import { labelCells } from '../../../site/src/lib/table-cells.ts'
import { pcieTree } from '../../../site/src/lib/pcie-tree.ts'
import { formatCount, formatMBps, formatTokens } from '../../../site/src/lib/format.ts'
import { inlineCode } from '../../../site/src/lib/inline-code.ts'
import { groupVerdict } from '../../../site/src/lib/passthrough-view.ts'
import { correctedFacts } from '../../../site/src/lib/provenance.ts'
import { buildSidebar } from '../../../site/src/lib/sidebar.ts'
import { loadRows, sampleFiles, transferRows } from '../../../site/src/lib/storage-view.ts'
import { narrowTopologySvg, topologySvg, wrap } from '../../../site/src/lib/topology.ts'

const catalog = loadCatalog('data')

/** The loaded catalog plus VHAGAR, a copy of MERAXES, joined to MERAXES by a 2.5 GbE link. */
function withThirdNode(): Catalog {
  const c = structuredClone(catalog)
  const meraxes = c.nodes.find((n) => n.id === 'meraxes')!
  const vhagar = structuredClone(meraxes)
  vhagar.id = 'vhagar'
  vhagar.name = 'VHAGAR'
  for (const nic of vhagar.networkInterfaces) nic.id = nic.id.replace('meraxes', 'vhagar')
  for (const s of vhagar.storage) s.id = s.id.replace('meraxes', 'vhagar')
  c.nodes.push(vhagar)
  c.networkLinks.push({
    id: 'fast-lane',
    label: 'Fast lane',
    notes: [],
    endpoints: [
      { node: 'meraxes', interface: 'meraxes-rtl8125' },
      { node: 'vhagar', interface: 'vhagar-rtl8125' },
    ],
    provenance: { default: { status: 'inferred', source: 'test fixture' }, fields: {} },
  })
  return c
}

describe('site page helpers', () => {
  it('lists passthrough candidates first (the GPU of CARAXES), PCIe switch ports last', () => {
    const caraxes = catalog.nodes.find((n) => n.id === 'caraxes')!
    const ordered = candidatesFirst(iommuGroups(caraxes))
    expect(ordered[0]!.members.some((d) => d.role === 'gpu')).toBe(true)
    const firstBridge = ordered.findIndex((g) => g.members.every((d) => d.role === 'pcie-switch-port'))
    expect(
      ordered.slice(firstBridge).every((g) => g.members.every((d) => d.role === 'pcie-switch-port')),
    ).toBe(true)
  })

  it("draws each node's PCI functions as an lspci -tv style tree with their IOMMU groups", () => {
    const caraxes = catalog.nodes.find((n) => n.id === 'caraxes')!
    const lines = pcieTree(caraxes)
    expect(lines.filter((l) => l.group !== null)).toHaveLength(caraxes.devices.length)
    expect(lines).toContainEqual({ prefix: '├─', text: '[0000:0e]', group: null })
    const groupTexts = lines.filter((l) => l.prefix === '│  ├─' && l.group === 31).map((l) => l.text)
    expect(groupTexts.join('\n')).toMatch(/^00\.0  RTX 2080 SUPER .*\[10de:1e81\]$/m)
    expect(lines.at(-5)).toEqual({ prefix: '└─', text: '[address unknown]', group: null })
  })

  it('labels every cell with its column for the phone cards', () => {
    const rows = '<tr><th scope="row">a</th><td>b<br/>c</td></tr><tr><th>d</th><td>e</td></tr>'
    expect(labelCells(rows, ['Name', 'Value'])).toBe(
      '<tr><th data-label="Name" scope="row">a</th><td data-label="Value">b<br/>c</td></tr>' +
        '<tr><th data-label="Name">d</th><td data-label="Value">e</td></tr>',
    )
  })

  // Values worked out by hand: 18944 / 1024 = 18.5; 131072 / 1024 = 128; 1000 is no multiple of 256.
  it('writes one number style', () => {
    expect([18944, 131072, 1000, 8192].map(formatTokens)).toEqual([
      '18.5K tokens',
      '128K tokens',
      '1,000 tokens',
      '8K tokens',
    ])
    expect([7300, 1117.5, null].map(formatMBps)).toEqual(['7,300 MB/s', '1,117.5 MB/s', 'unknown'])
    expect([formatCount(1, 'drive'), formatCount(3, 'drive'), formatCount(1200, 'copy', 'copies')]).toEqual([
      '1 drive',
      '3 drives',
      '1,200 copies',
    ])
  })

  it('shows backticked commands as code, not as backticks', () => {
    expect(inlineCode('drop it if `lspci -nn` does not list it')).toEqual([
      { code: false, text: 'drop it if ' },
      { code: true, text: 'lspci -nn' },
      { code: false, text: ' does not list it' },
    ])
  })
})

describe('site page data', () => {
  const three = withThirdNode()

  it('gives a new node its pages and sidebar entries', () => {
    expect(nodePaths(three).map((p) => p.params.node)).toEqual(['caraxes', 'meraxes', 'vhagar'])
    const links = JSON.stringify(buildSidebar(three))
    expect(links).toContain('/nodes/vhagar/')
    expect(links).toContain('/nodes/vhagar/iommu-groups/')
  })

  it('draws a third box and its link in the topology', () => {
    const svg = topologySvg(three)
    expect(svg.match(/class="topo-node"/g)).toHaveLength(3)
    expect(svg).toContain('VHAGAR')
    expect(svg).toContain('1 Gb/s (CARAXES RTL8168 is the bottleneck)')
    expect(svg).toContain('Fast lane · 2.5 Gb/s · data')
    expect(svg).toContain('href="/nodes/vhagar/"')
    // Each NIC is a labelled port: model and medium, then rate and role.
    expect(svg.match(/class="topo-port topo-role-/g)).toHaveLength(
      three.nodes.flatMap((n) => n.networkInterfaces).length,
    )
    expect(svg).toMatch(/>RTL8125 wired<\/text><text[^>]*>2\.5 Gb\/s<\/text><text[^>]*>data</)
    expect(svg).toMatch(/^<svg [^>]*role="group" aria-labelledby="topo-title" aria-describedby="topo-desc"/)
  })

  it('draws a phone layout of the same facts: nodes stacked, every port, every network', () => {
    const svg = narrowTopologySvg(three)
    expect(svg).toMatch(/^<svg [^>]*viewBox="0 0 358 /)
    expect(svg.match(/class="topo-port topo-role-/g)).toHaveLength(
      three.nodes.flatMap((n) => n.networkInterfaces).length,
    )
    for (const n of three.nodes) expect(svg).toContain(`href="/nodes/${n.id}/"`)
    expect(svg).toContain('Fast lane · 2.5 Gb/s · data')
  })

  it('wraps long text instead of cutting it, keeping a number with its unit', () => {
    expect(wrap('Samsung 1TB NVMe (PM9B1, Cache/OS) · 1 TB', 200)).toEqual([
      'Samsung 1TB NVMe (PM9B1,',
      'Cache/OS) · 1 TB',
    ])
    expect(wrap('a b', 1000)).toEqual(['a b'])
  })

  it('escapes catalog text in the SVG', () => {
    const c = structuredClone(catalog)
    c.nodes[0]!.name = 'A & <B>'
    expect(topologySvg(c)).toContain('A &#38; &#60;B&#62;')
  })

  it('renders a changed value from data/ (VRAM)', () => {
    const c = structuredClone(catalog)
    c.gpuModels.find((g) => g.slug === 'nvidia-rtx-3090-ti')!.vramBytes = 48 * 1024 ** 3
    expect(topologySvg(c)).toContain('GeForce RTX 3090 Ti · 48 GiB VRAM')
    expect(topologySvg(catalog)).toContain('GeForce RTX 3090 Ti · 24 GiB VRAM')
  })

  it("lists the new node's corrected facts and IOMMU verdicts", () => {
    const vhagar = three.nodes.find((n) => n.id === 'vhagar')!
    const fixed = correctedFacts(three).filter((f) => f.href === '/nodes/vhagar/')
    expect(fixed.map((f) => f.value)).toContain('10de:2203')
    const groups = iommuGroups(vhagar)
    expect(groups.map((g) => g.id)).toContain(30)
    expect(groupVerdict(vhagar, 30, three).verdict).toBe(groupVerdict(three.nodes[1]!, 30, three).verdict)
  })

  it('adds the new GPU to the model-fit matrix and the copy times', () => {
    const matrix = modelFitMatrix(three, () => ['Q4_K_M'])
    expect(matrix.targets.some((t) => t.includes('VHAGAR'))).toBe(true)
    expect(matrix.rows.every((r) => r.cells.length === matrix.targets.length)).toBe(true)
    const files = sampleFiles(three)
    expect(loadRows(three, files).some((r) => r.device.node === 'vhagar')).toBe(true)
    const fast = transferRows(three, files).find(
      (r) => r.route.startsWith('MERAXES') && r.route.includes('VHAGAR'),
    )!
    expect(fast.bottleneck).not.toMatch(/RTL8168/)
  })

  it('finds every corrected fact of the real data, the 10de:2203 one with its reason', () => {
    const gpu = correctedFacts(catalog).find((f) => f.field === 'vendorDevice' && f.value === '10de:2203')
    expect(gpu?.reason).toMatch(/not a GA102 device ID/)
    expect(gpu?.source).toBeTruthy()
  })

  it('lists every OpenAPI operation and every problem type', () => {
    const doc = JSON.parse(readFileSync('openapi/openapi.json', 'utf8')) as OpenApiDocument
    const count = Object.values(doc.paths).reduce(
      (n, item) => n + Object.keys(item).filter((m) => m !== 'parameters').length,
      0,
    )
    expect(operationsByTag(doc).flatMap((t) => t.operations)).toHaveLength(count)
    expect(problemTypeDocs(PROBLEM_TYPES).map((t) => t.key)).toEqual(Object.keys(PROBLEM_TYPES))
  })

  it('renders every schema of openapi.json, with fields, linked types, constraints and examples', () => {
    const doc = JSON.parse(readFileSync('openapi/openapi.json', 'utf8')) as OpenApiDocument
    const views = schemaViews(doc)
    const names = new Set(views.map((v) => v.name))
    expect(names).toEqual(new Set(Object.keys(doc.components!.schemas!)))
    // Every linked name has a section to land on.
    const refs = views
      .flatMap((v) => [...v.type, ...v.fields.flatMap((f) => f.type)])
      .flatMap((p) => (p.ref ? [p.ref] : []))
    expect(refs.filter((r) => !names.has(r))).toEqual([])
    const summary = views.find((v) => v.name === 'NodeSummary')!
    expect(summary.fields).toContainEqual(
      expect.objectContaining({
        name: 'gpus[].vramBytes',
        required: true,
        type: [
          { text: 'integer', ref: null },
          { text: ' | ', ref: null },
          { text: 'null', ref: null },
        ],
      }),
    )
    const record = views.find((v) => v.name === 'NodeRecord')!
    expect(record.fields.find((f) => f.name === 'devices')!.type).toEqual([
      { text: 'PciDevice', ref: 'PciDevice' },
      { text: '[]', ref: null },
    ])
    expect(constraintsOf({ minimum: 1, maximum: 16, default: 8 })).toEqual(['≥ 1', '≤ 16', 'default 8'])
    expect(views.some((v) => v.example !== null)).toBe(true)
  })

  it('names only operations that openapi.json has (<ApiOp id>)', () => {
    const doc = JSON.parse(readFileSync('openapi/openapi.json', 'utf8')) as OpenApiDocument
    const pages = readdirSync('site/src/pages', { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.astro'),
    )
    const ids = pages.flatMap((f) =>
      [...readFileSync(`site/src/pages/${f}`, 'utf8').matchAll(/<ApiOp id="([^"]+)"/g)].map((m) => m[1]!),
    )
    expect(ids.length).toBeGreaterThan(0)
    expect(ids.filter((id) => operationRef(doc, id) === null)).toEqual([])
  })
})
