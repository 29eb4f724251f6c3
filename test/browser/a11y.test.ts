/**
 * Accessibility bar: axe-core's WCAG 2.1 A/AA rules on every page of the sitemap, every embed
 * page and /api/docs, at 1280 px and 390 px, light and dark: no serious or critical finding.
 * One browser, one tab, pages visited in turn (2 CI cores). Every visit leaves a screenshot in
 * test-results/screenshots/a11y/ (full page in light mode, the first screen in dark mode).
 * Run after `npm run -s build`: npx vitest run --project browser test/browser/a11y.test.ts
 */
import { mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launchChromium, type LaunchedBrowser } from './browser.ts'

const SHOTS = 'test-results/screenshots/a11y'
const base = inject('baseUrl')
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']
const WIDTHS = [1280, 390] as const
const SCHEMES = ['light', 'dark'] as const

/** The embeds as a wiki would preset them (README, /widgets/). */
const EMBEDS = [
  '/embed/vram-fit/?node=meraxes&model=llama-3.1-8b&quantization=Q4_K_M',
  '/embed/passthrough/?node=caraxes&group=31',
  '/embed/storage-tier/?purpose=model-store&sizeGB=40&node=meraxes',
]

interface Finding {
  rule: string
  impact: string
  help: string
  targets: string[]
}

let browser: LaunchedBrowser
let page: Page
let paths: string[] = []
const findings = new Map<string, Finding[]>()

async function sitemapPaths(): Promise<string[]> {
  const index = await (await fetch(`${base}/sitemap-index.xml`)).text()
  const maps = [...index.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]!).pathname)
  const xml = await Promise.all(maps.map(async (p) => (await fetch(`${base}${p}`)).text()))
  return xml.flatMap((x) => [...x.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]!).pathname))
}

/** Waits for what a page draws after load: the widgets' answers, Swagger UI's operations. */
async function settled(path: string): Promise<void> {
  if (path.startsWith('/embed/') || path === '/widgets/') {
    await page.waitForFunction(
      () => {
        const widgets = [
          ...document.querySelectorAll<HTMLElement>(
            '[data-embed], passthrough-check, storage-tier-planner, vram-fit-planner',
          ),
        ]
        return widgets.every(
          (w) => w.dataset.state === 'ready' || w.dataset.state === 'error' || w.dataset.state === 'invalid',
        )
      },
      undefined,
      { timeout: 20_000 },
    )
  }
  if (path === '/api/docs') await page.locator('.opblock').first().waitFor({ timeout: 15_000 })
}

function shotName(path: string, width: number, scheme: string): string {
  const name =
    path
      .replace(/[?&=]/g, '-')
      .replace(/^\/|\/$/g, '')
      .replace(/\//g, '_') || 'index'
  return `${SHOTS}/${name}-${width}-${scheme}.png`
}

async function audit(path: string, width: number, scheme: (typeof SCHEMES)[number]): Promise<Finding[]> {
  await page.setViewportSize({ width, height: width > 600 ? 900 : 844 })
  await page.emulateMedia({ colorScheme: scheme })
  await page.goto(`${base}${path}`, { waitUntil: 'load' })
  await settled(path)
  await page.screenshot({ path: shotName(path, width, scheme), fullPage: scheme === 'light' })
  // page.evaluate runs outside the page's CSP, so the strict script-src does not block axe.
  await page.evaluate(AXE_SOURCE)
  const violations = await page.evaluate(async (tags) => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            ctx: Document,
            o: object,
          ) => Promise<{
            violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[]
          }>
        }
      }
    ).axe
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    })
    return result.violations.map((v) => ({
      rule: v.id,
      impact: v.impact ?? '',
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)),
    }))
  }, TAGS)
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  browser = await launchChromium()
  page = await browser.context.newPage()
  paths = [...(await sitemapPaths()), ...EMBEDS, '/api/docs']
  for (const path of paths)
    for (const width of WIDTHS)
      for (const scheme of SCHEMES)
        findings.set(`${path} @${width}px ${scheme}`, await audit(path, width, scheme))
}, 600_000)

afterAll(async () => {
  await browser?.close()
})

describe('accessibility (axe-core, WCAG 2.1 AA)', () => {
  it('audits every page, embed and /api/docs at both widths in both themes', () => {
    expect(paths).toEqual(
      expect.arrayContaining(['/', '/ai-placement/', '/widgets/', ...EMBEDS, '/api/docs']),
    )
    expect(findings.size).toBe(paths.length * WIDTHS.length * SCHEMES.length)
  })

  it('finds no serious or critical violation', () => {
    const bad = [...findings].filter(([, f]) => f.length > 0).map(([where, f]) => ({ where, f }))
    expect(bad, JSON.stringify(bad, null, 1)).toEqual([])
  })
})
