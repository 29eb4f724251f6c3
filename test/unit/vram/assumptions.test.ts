import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { assumptionsFor } from '../../../api/src/domain/vram/assumptions.ts'

// Heading anchors as GitHub and Astro (github-slugger) make them: lower case, punctuation dropped,
// spaces to hyphens.
const anchors = new Set(
  readFileSync('docs/research/vram-formulas.md', 'utf8')
    .split('\n')
    .filter((l) => /^#{2,4} /.test(l))
    .map((l) =>
      l
        .replace(/^#+ /, '')
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s-]/gu, '')
        .replace(/\s/g, '-'),
    ),
)

describe('assumptions link to the formula that derives them', () => {
  for (const mode of ['inference', 'full', 'lora', 'qlora'] as const) {
    it(`${mode}: every term has a docsUrl to a section of docs/research/vram-formulas.md`, () => {
      for (const a of assumptionsFor(mode)) {
        const [path, anchor] = a.docsUrl.split('#')
        expect(path, a.term).toBe('/research/vram-formulas/')
        expect(anchors.has(anchor!), `${a.term} → #${anchor}`).toBe(true)
        expect(a.source, a.term).not.toMatch(/vram\.md|shared\//)
      }
    })
  }
})
