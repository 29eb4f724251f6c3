/** data/architecture/*.yaml: loaded, validated and cross-checked with file and field path. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CatalogError, loadArchitecture } from '../../../api/scripts/load-catalog.ts'
import { catalog, seed } from './fixtures.ts'

let dir = ''
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** A copy of data/ with one architecture file edited. */
function broken(file: string, edit: (text: string) => string): () => unknown {
  dir = mkdtempSync(join(tmpdir(), 'lab-'))
  cpSync('data', dir, { recursive: true })
  const path = join(dir, 'architecture', file)
  writeFileSync(path, edit(readFileSync(path, 'utf8')))
  return () => loadArchitecture(catalog, dir)
}

const problems = (run: () => unknown) => {
  try {
    run()
  } catch (err) {
    if (err instanceof CatalogError) return err.problems
    throw err
  }
  return []
}

describe('loadArchitecture', () => {
  it('merges one file per node; every record has provenance', () => {
    expect(seed.nodes.map((n) => n.node)).toEqual(['caraxes', 'meraxes'])
    expect(seed.guests.map((g) => `${g.node}/${g.name}`)).toEqual(['caraxes/ai-dev', 'meraxes/openwebui'])
    for (const list of [seed.guests, seed.services, seed.datasets])
      for (const r of list) expect(r.provenance).toBeDefined()
  })

  it('a schema error names the file and field path', () => {
    expect(problems(broken('meraxes.yaml', (t) => t.replace('cores: 2', 'cores: -2')))).toEqual([
      'data/architecture/meraxes.yaml: guests[0].cores: Too small: expected number to be >=1',
    ])
  })

  it('an unknown model is a cross-check error naming the file and field', () => {
    const [p] = problems(broken('meraxes.yaml', (t) => t.replace('"qwen2.5:14b"', '"qwen9:14b"')))
    expect(p).toMatch(
      /^data\/architecture\/meraxes\.yaml: services\[0\]\.models\[0\]\.model: No model "qwen9:14b"/,
    )
  })

  it('an unknown drive and a missing provenance are errors', () => {
    expect(
      problems(
        broken('caraxes.yaml', (t) =>
          t.replace('on: caraxes-hba-disks, sizeBytes: 64', 'on: caraxes-nvme, sizeBytes: 64'),
        ),
      ),
    ).toEqual([
      expect.stringMatching(
        /^data\/architecture\/caraxes\.yaml: guests\[0\]\.disks\[0\]\.on: No storage "caraxes-nvme" on caraxes/,
      ),
    ])
    expect(
      problems(
        broken('meraxes.yaml', (t) =>
          t.replace(
            /    provenance:\n      default: \{ status: inferred, reason: "the production front end".*\n/,
            '',
          ),
        ),
      ),
    ).toEqual([expect.stringMatching(/^data\/architecture\/meraxes\.yaml: services\[1\]\.provenance: /)])
  })
})
