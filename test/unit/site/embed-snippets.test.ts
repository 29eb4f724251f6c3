/**
 * The snippets wiki authors copy (site/src/lib/embed-snippets.ts): the configured origin in
 * every URL, allow="clipboard-write" on the iframe (the Copy config button needs it inside a
 * frame), parameters percent-encoded, theme only when chosen, and the CSP lines per form.
 */
import { describe, expect, it } from 'vitest'
import { QUERY_PARAMS } from '../../../site/src/widgets/params.ts'
import {
  componentSnippet,
  cspLines,
  embedPath,
  iframeSnippet,
  WIDGETS,
} from '../../../site/src/lib/embed-snippets.ts'

const ORIGIN = 'https://planner.example.org'

describe('embed snippets', () => {
  it('writes the iframe with the origin, allow="clipboard-write" and the resize script', () => {
    const snippet = iframeSnippet(ORIGIN, {
      widget: 'passthrough',
      params: { node: 'CARAXES', group: '31', device: '' },
      theme: 'dark',
    })
    expect(snippet).toContain('allow="clipboard-write"')
    expect(snippet).toContain(`src="${ORIGIN}/embed/passthrough/?node=CARAXES&group=31&theme=dark"`)
    expect(snippet).toContain(`<script type="module" src="${ORIGIN}/widgets/resize-frames.js"></script>`)
  })

  it('writes the web component with its attributes, escaping what would end one', () => {
    const snippet = componentSnippet(ORIGIN, {
      widget: 'vram-fit',
      params: { model: 'a"<b', contextLength: '16384' },
      theme: 'auto',
    })
    expect(snippet).toBe(`<script type="module" src="${ORIGIN}/widgets/vram-fit.js"></script>
<vram-fit-planner model="a&quot;&lt;b" context-length="16384"></vram-fit-planner>`)
  })

  it('percent-encodes parameter values in the embed URL and leaves empty ones out', () => {
    expect(embedPath({ widget: 'vram-fit', params: { model: 'qwen3:8b', node: '' }, theme: 'auto' })).toBe(
      '/embed/vram-fit/?model=qwen3%3A8b',
    )
  })

  it('names the CSP directives each form needs', () => {
    expect(cspLines(ORIGIN, 'iframe')).toEqual([`frame-src ${ORIGIN}`, `script-src ${ORIGIN}`])
    expect(cspLines(ORIGIN, 'component')).toEqual([`script-src ${ORIGIN}`, `connect-src ${ORIGIN}`])
  })

  it('documents exactly the parameters the widgets read (params.ts)', () => {
    const documented = Object.values(WIDGETS).flatMap((w) => w.params.map((p) => [p.attribute, p.query]))
    for (const [attribute, query] of documented) expect(QUERY_PARAMS[attribute!]).toBe(query)
  })
})
