/**
 * Sources a reader can follow: every `source` / `sources` value in data/ and every citation in
 * the site's code is a public link or a file of this repository. A path outside the repo (the
 * owner's working notes under shared/, a "research/…md §3" without the file) fails, and so
 * does a repo path that does not exist.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

/** A repo-relative file path such as data/seed-findings.yaml#id or docs/research/x.md. */
const REPO_PATH = /(?<![\w/.:])((?:[\w.-]+\/)+[\w.-]+\.(?:md|ts|yaml|json|toml))(?:#[\w-]+)?/g
/**
 * What a reader cannot open: the private notes, or a section sign on a bare notes file name
 * ("vram.md §3"); a repo path with a section (docs/research/passthrough-rules.md §10) is fine.
 */
const OUTSIDE = /\bshared\/|\.\.\/|(?<!docs\/)research\/[\w-]+\.md|(?<![\w/.-])[\w.-]+\.md §/
/** The same in code, where ../ is an import: the notes' folders and "notes.md §n" citations. */
const OUTSIDE_IN_CODE = /\bshared\/(?:research|seed)|(?<!docs\/)research\/[\w-]+\.md|(?<![\w/.-])[\w-]+\.md §/

function files(dir: string, ext: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(ext))
    .map((f) => join(dir, f))
}

/** Every string under a `source` or `sources` key, with its place. */
function sources(
  value: unknown,
  at: string,
  out: { at: string; text: string }[] = [],
): { at: string; text: string }[] {
  if (Array.isArray(value)) value.forEach((v, i) => sources(v, `${at}/${i}`, out))
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if ((k === 'source' || k === 'sources') && typeof v === 'string')
        out.push({ at: `${at}/${k}`, text: v })
      else if (k === 'sources' && Array.isArray(v))
        v.forEach((s, i) => typeof s === 'string' && out.push({ at: `${at}/${k}/${i}`, text: s }))
      else sources(v, `${at}/${k}`, out)
    }
  }
  return out
}

/** What is wrong with one citation: a path outside the repo, or a repo path that is missing. */
function problems(text: string): string[] {
  const found: string[] = []
  if (OUTSIDE.test(text)) found.push(`cites a path outside the repository: "${text}"`)
  const withoutUrls = text.replace(/https?:\/\/\S+/g, '')
  for (const m of withoutUrls.matchAll(REPO_PATH)) {
    const path = m[1]!
    // Upstream files named with their repository ("proxmox/pve-kernel patches/…") are not ours.
    if (!existsSync(path) && /^(?:data|docs|api|site|scripts|test|openapi|bench)\//.test(path))
      found.push(`names ${path}, which is not in the repository`)
  }
  return found
}

describe('citations', () => {
  it('data/: every source is a public link or a file of this repository', () => {
    const bad = files('data', '.yaml').flatMap((f) =>
      sources(parse(readFileSync(f, 'utf8')), f).flatMap((s) => problems(s.text).map((p) => `${s.at}: ${p}`)),
    )
    expect(bad).toEqual([])
  })

  it('data/: no comment points at the private notes either', () => {
    const bad = files('data', '.yaml').filter((f) => OUTSIDE.test(readFileSync(f, 'utf8')))
    expect(bad).toEqual([])
  })

  it('site/src: pages, components, widgets and their code cite nothing outside the repository', () => {
    const bad = ['.astro', '.ts', '.css']
      .flatMap((ext) => files('site/src', ext))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .flatMap((line, i) => (OUTSIDE_IN_CODE.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
      )
    expect(bad).toEqual([])
  })

  it('catches what it should', () => {
    expect(problems('shared/research/passthrough.md §6')).toHaveLength(1)
    expect(problems('vram.md §3')).toHaveLength(1)
    expect(problems('data/no-such-file.yaml#x')).toHaveLength(1)
    expect(
      problems('data/seed-findings.yaml#spp-is-not-usb; https://pci-ids.ucw.cz/read/PC/1022/1485'),
    ).toEqual([])
    expect(
      problems(
        'proxmox/pve-kernel patches/kernel/0004-x.patch; https://pve.proxmox.com/wiki/PCI_Passthrough',
      ),
    ).toEqual([])
    expect(problems('pci.ids 2023.04.11; docs/research/passthrough-rules.md §10.4')).toEqual([])
    expect(problems('docs/research/no-such-notes.md §2')).toHaveLength(1)
  })
})
