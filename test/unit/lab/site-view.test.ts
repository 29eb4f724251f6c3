/** The Architecture pages' data: built from planLab's answer, a new node gets its page, bars add up. */
import { describe, expect, it } from 'vitest'
import {
  architecturePaths,
  findingsOf,
  gpuBarSvg,
  gpuSegments,
  nodeDiagramSvg,
  nodeOfPointer,
  nodeTree,
} from '../../../site/src/lib/architecture-view.ts'
import { buildSidebar } from '../../../site/src/lib/sidebar.ts'
import { catalog, OLLAMA_PROD, patched, plan, seed } from './fixtures.ts'

const p = plan(seed)

describe('Architecture page data', () => {
  it('gives every catalog node an architecture page and a sidebar entry', () => {
    const three = structuredClone(catalog)
    three.nodes.push({ ...structuredClone(three.nodes[1]!), id: 'vhagar', name: 'VHAGAR' })
    expect(architecturePaths(three).map((x) => x.params.node)).toEqual(['caraxes', 'meraxes', 'vhagar'])
    expect(JSON.stringify(buildSidebar(three))).toContain('/architecture/vhagar/')
  })

  it("stacks each resident model's terms, the margin and the free VRAM to the GPU's size", () => {
    for (const gpu of p.gpus) {
      const segments = gpuSegments(gpu)
      expect(segments.reduce((s, x) => s + x.bytes, 0)).toBe(gpu.vramBytes)
      expect(segments.filter((x) => x.kind === 'overhead')).toHaveLength(gpu.resident.length)
    }
    expect(gpuBarSvg(p.gpus[1]!)).toMatch(/^<svg class="lab-bar"[^>]*role="img"/)
  })

  it('shows how far an overfull GPU is short', () => {
    const over = plan(
      patched({
        op: 'add',
        path: `/services/${OLLAMA_PROD}/models/-`,
        value: { model: 'gemma3:27b', resident: true },
      }),
    )
    const gpu = over.gpus.find((g) => g.node === 'meraxes')!
    expect(gpuSegments(gpu).at(-1)).toMatchObject({ kind: 'short', bytes: -gpu.freeBytes })
  })

  it('places findings and the tree on their node', () => {
    expect(nodeOfPointer(p, seed, '/guests/0/memoryBytes')).toBe('caraxes')
    expect(nodeOfPointer(p, seed, `/services/${OLLAMA_PROD}/models/3`)).toBe('meraxes')
    expect(nodeOfPointer(p, seed, '/datasets/0/readBy/0')).toBe('meraxes')
    expect(findingsOf(p, seed, 'caraxes').length + findingsOf(p, seed, 'meraxes').length).toBe(
      p.findings.length,
    )
    const tree = nodeTree(p, seed, 'meraxes')
    expect(tree.host.map((s) => s.name)).toEqual(['ollama-prod', 'finetune-nightly'])
    expect(tree.guests[0]!.services.map((s) => s.name)).toEqual(['openwebui-prod'])
  })
  it('draws guests → devices → services → models, resident models marked, text escaped', () => {
    const svg = nodeDiagramSvg(p, seed, 'meraxes')
    expect(svg).toMatch(/^<svg class="lab-diagram"[^>]*role="img"/)
    expect(svg.match(/class="lab-dg-guest"/g)).toHaveLength(2) // the openwebui CT and the host
    expect(svg.match(/class="lab-dg-model-resident"/g)).toHaveLength(3)
    expect(svg).toContain('host:meraxes')
    const caraxes = nodeDiagramSvg(p, seed, 'caraxes')
    expect(caraxes.match(/class="lab-dg-device"/g)).toHaveLength(4) // the 2080 SUPER's four functions
    const renamed = structuredClone(seed)
    renamed.services[0]!.models[0]!.model = 'a<b>&c'
    expect(nodeDiagramSvg(p, renamed, 'caraxes')).toContain('a&#60;b&#62;&#38;c')
  })
})
