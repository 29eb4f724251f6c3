/**
 * The GPU reference library (data/hardware/gpus/): every card parses, slugs are unique, and
 * every fact cites a public https source that the card lists.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadCatalog } from '../../../api/scripts/load-catalog.ts'
import { problemsOf } from './helpers.ts'

const gpus = loadCatalog('data').gpuModels
const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

function problemsWith(file: string, edit: (text: string) => string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'gpus-'))
  dirs.push(dir)
  cpSync('data', dir, { recursive: true })
  const path = join(dir, 'hardware/gpus', file)
  writeFileSync(path, edit(readFileSync(path, 'utf8')))
  return problemsOf(dir)
}

describe('GPU reference library', () => {
  it('holds at least 60 cards with unique slugs', () => {
    expect(gpus.length).toBeGreaterThanOrEqual(60)
    expect(new Set(gpus.map((g) => g.slug)).size).toBe(gpus.length)
  })

  it('covers every family the library promises', () => {
    const has = (arch: string) => gpus.some((g) => g.architecture.startsWith(arch))
    for (const arch of [
      'Pascal',
      'Turing',
      'Ampere',
      'Ada Lovelace',
      'Blackwell',
      'Volta',
      'RDNA 2',
      'RDNA 3',
      'RDNA 4',
      'CDNA 1',
    ]) {
      expect(has(arch), arch).toBe(true)
    }
    for (const slug of [
      'nvidia-tesla-p40',
      'nvidia-tesla-p100-16gb',
      'nvidia-tesla-v100-16gb',
      'nvidia-tesla-t4',
      'nvidia-a100-80gb-pcie',
      'amd-instinct-mi50-16gb',
      'amd-instinct-mi60',
      'amd-instinct-mi100',
      'intel-arc-a770-16gb',
      'nvidia-rtx-4090',
    ]) {
      expect(gpus.map((g) => g.slug)).toContain(slug)
    }
    expect(gpus.filter((g) => g.segment === 'workstation' && g.vendor === 'AMD').length).toBeGreaterThan(0)
  })

  it("lists every provenance source among the card's https sources", () => {
    for (const g of gpus) {
      const cited = [g.provenance.default, ...Object.values(g.provenance.fields)].map((f) => f.source)
      for (const source of cited) expect(g.sources, `${g.slug}: ${source}`).toContain(source)
      for (const source of g.sources) expect(source, g.slug).toMatch(/^https:\/\//)
    }
  })

  it('names the toolchain target of each vendor', () => {
    for (const g of gpus.filter((x) => x.vendor === 'NVIDIA'))
      expect(g.computeCapability, g.slug).toMatch(/^\d+\.\d$/)
    for (const g of gpus.filter((x) => x.vendor === 'AMD')) expect(g.gfxTarget, g.slug).toMatch(/^gfx/)
  })

  // vendor-reset README: Polaris 10/11/12 (gfx803), Vega 10 (gfx900), Vega 20 (gfx906), Navi 10/12/14 (gfx101x).
  it('marks the vendor-reset families as affected, with the fix', () => {
    const resetFamily = /^gfx(803|900|906|101[0-2])$/
    for (const g of gpus.filter((x) => x.vendor === 'AMD')) {
      const affected = resetFamily.test(g.gfxTarget!)
      expect(g.passthrough.resetBug, g.slug).toBe(
        affected ? 'affected' : g.architecture === 'RDNA 2' ? 'not-affected' : 'unknown',
      )
      if (affected) expect(g.passthrough.resetFix, g.slug).toMatch(/vendor-reset/)
    }
  })

  it('keeps VRAM sizes whole GiB and bandwidths plausible', () => {
    for (const g of gpus) {
      expect(g.vramBytes % 2 ** 30, g.slug).toBe(0)
      expect(g.memoryBandwidthGBps, g.slug).toBeGreaterThan(100)
      expect(g.memoryBandwidthGBps, g.slug).toBeLessThan(3000)
    }
  })

  it.each([
    {
      what: 'a citation of a private note',
      edit: (t: string) =>
        t.replace('source: "https://developer.nvidia.com/cuda-gpus"', 'source: "shared/research/vram.md"'),
      expected:
        'data/hardware/gpus/nvidia-rtx-4090.yaml: provenance.fields.computeCapability.source: ' +
        'expected a public https URL',
    },
    {
      what: 'an NVIDIA card without its compute capability',
      edit: (t: string) => t.replace('computeCapability: "8.9"', 'computeCapability: null'),
      expected:
        'data/hardware/gpus/nvidia-rtx-4090.yaml: computeCapability: an NVIDIA card needs its CUDA compute capability',
    },
    {
      what: 'an unknown backend',
      edit: (t: string) => t.replace('backends: [cuda, vulkan]', 'backends: [cuda, opencl]'),
      expected: 'data/hardware/gpus/nvidia-rtx-4090.yaml: backends[1]: Invalid option',
    },
  ])('fails on $what, naming the file and field', ({ edit, expected }) => {
    const problems = problemsWith('nvidia-rtx-4090.yaml', edit)
    expect(
      problems.some((p) => p.startsWith(expected)),
      problems.join('\n'),
    ).toBe(true)
  })
})
