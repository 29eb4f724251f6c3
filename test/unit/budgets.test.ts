/**
 * Size budgets, read from the build outputs (never timed): the worker bundle `npm test` builds
 * with `npm run deploy:dry` before vitest (dist/worker/index.js; built into a temp dir here
 * if absent), the widgets in site/dist/widgets, and the static pages' CSP.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { inlineScripts, scriptHash } from '../../bench/csp.ts'

/**
 * Workers free plan allows 3 MiB gzip; a planner API + catalog should stay far below that, so
 * cold starts stay short. 250 KiB until the lab planner, the GGUF reader, the GPU library and the
 * strict request copies landed (271 KiB with all of them, zod and the OpenAPI helpers most of
 * it, the catalog 22 KiB); 300 KiB leaves room for data without hiding a runaway dependency.
 */
const WORKER_GZIP_BUDGET = 300 * 1024
/** A widget is embedded in other people's pages: it must cost less than a small image. */
const WIDGET_GZIP_BUDGET = 15_000
/**
 * The islands (site/src/islands/): the JS a page loads beyond Starlight's. Model-fit filters on
 * AI placement, the embed configurator on /widgets/ (its widgets.js is a widget, budgeted above).
 */
const ISLAND_GZIP_BUDGETS: Record<string, number> = {
  'site/dist/ai-placement/index.html': 4_000,
  'site/dist/widgets/index.html': 4_000,
}

const gzipBytes = (path: string) => gzipSync(readFileSync(path)).length

function workerBundle(): { path: string; cleanup: () => void } {
  if (existsSync('dist/worker/index.js')) return { path: 'dist/worker/index.js', cleanup: () => {} }
  const dir = mkdtempSync(join(tmpdir(), 'worker-bundle-'))
  execFileSync('node_modules/.bin/wrangler', ['deploy', '--dry-run', '--outdir', dir, '--minify'], {
    stdio: 'ignore',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  })
  return { path: join(dir, 'index.js'), cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

describe('budgets', () => {
  it(`keeps the minified worker bundle at most ${WORKER_GZIP_BUDGET / 1024} KiB gzip`, () => {
    const { path, cleanup } = workerBundle()
    try {
      const size = gzipBytes(path)
      expect(size, `${path}: ${(size / 1024).toFixed(1)} KiB gzip`).toBeLessThanOrEqual(WORKER_GZIP_BUDGET)
    } finally {
      cleanup()
    }
  }, 120_000)

  const widgetDir = 'site/dist/widgets'
  const widgets = existsSync(widgetDir) ? readdirSync(widgetDir).filter((f) => f.endsWith('.js')) : []
  // Skipped (not failed) until the site build produces widgets.
  it.skipIf(widgets.length === 0)(`keeps each widget at most ${WIDGET_GZIP_BUDGET / 1000} KB gzip`, () => {
    const sizes = Object.fromEntries(widgets.map((f) => [f, gzipBytes(join(widgetDir, f))]))
    const over = Object.entries(sizes).filter(([, size]) => size > WIDGET_GZIP_BUDGET)
    expect(over, JSON.stringify(sizes)).toEqual([])
  })
})

/** The /_astro/*.js module scripts an HTML page loads. */
function pageScripts(html: string): string[] {
  return [...html.matchAll(/<script\b[^>]*\bsrc="\/(_astro\/[^"]+\.js)"/g)].map((m) => m[1]!)
}

describe.each(Object.entries(ISLAND_GZIP_BUDGETS))('island of %s', (page, budget) => {
  it.skipIf(!existsSync(page))(`keeps the island at most ${budget / 1000} KB gzip`, () => {
    // Scripts some other page loads too are Starlight's, not the island's.
    const others = readdirSync('site/dist', { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.html') && join('site/dist', f) !== page,
    )
    const everyPage = new Set(others.flatMap((f) => pageScripts(readFileSync(join('site/dist', f), 'utf8'))))
    const own = pageScripts(readFileSync(page, 'utf8')).filter((s) => !everyPage.has(s))
    expect(own.length, 'the island script is missing from the page').toBeGreaterThan(0)
    const size = own.reduce((sum, s) => sum + gzipBytes(join('site/dist', s)), 0)
    expect(size, `${own.join(', ')}: ${size} B gzip`).toBeLessThanOrEqual(budget)
  })
})

describe('static pages CSP', () => {
  const htmlFiles = existsSync('site/dist')
    ? readdirSync('site/dist', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.html'))
    : []
  it.skipIf(htmlFiles.length === 0)(
    'allows every inline script of the built site by its hash (else run `npx node bench/csp.ts`)',
    () => {
      const headers = readFileSync('site/public/_headers', 'utf8')
      const missing = htmlFiles.flatMap((f) =>
        inlineScripts(readFileSync(join('site/dist', f), 'utf8'))
          .map(scriptHash)
          .filter((h) => !headers.includes(h))
          .map((h) => `${f}: ${h}`),
      )
      expect(missing).toEqual([])
      expect(headers).toMatch(/frame-ancestors 'none'/)
    },
  )
})
