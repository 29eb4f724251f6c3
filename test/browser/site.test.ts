/**
 * The docs site as people use it, served by the real worker (global-setup.ts): every page
 * opens without console errors or broken internal links, shows facts computed from data/ by
 * the same code, stays readable on a phone, and gets a screenshot in test-results/screenshots/.
 * Run after `npm run -s build`: npx vitest run --project browser test/browser/site.test.ts
 */
import { mkdirSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { loadCatalog } from '../../api/scripts/load-catalog.ts'
import { RULE_TABLE } from '../../api/src/domain/passthrough/rules.ts'
import { PROBLEM_TYPES } from '../../api/src/http/problem.ts'
import { planVramFit } from '../../api/src/domain/vram/plan-vram-fit.ts'
import { VramFitRequestSchema } from '../../api/src/domain/vram/schemas.ts'
import openapi from '../../openapi/openapi.json' with { type: 'json' }
import { formatNumber, formatTokens } from '../../site/src/lib/format.ts'
// Type-only: brings the island into `tsc -p .` (the root tsconfig does not include site/).
import type {} from '../../site/src/islands/model-fit.ts'
import { launchChromium, type LaunchedBrowser } from './browser.ts'

const SHOTS = 'test-results/screenshots'
const base = inject('baseUrl')
const catalog = loadCatalog('data')

interface Visited {
  status: number
  errors: string[]
  ids: Set<string>
  links: string[]
  overflowPx: number
}

const visited = new Map<string, Visited>()
let browser: LaunchedBrowser

/** Site pages are folders (trailingSlash 'always'); the API and files are checked with fetch. */
const isPage = (path: string) =>
  path.endsWith('/') && !path.startsWith('/api/') && !path.startsWith('/pagefind/')

function shotName(path: string, suffix = ''): string {
  return `${SHOTS}/${path.replace(/^\/|\/$/g, '').replace(/\//g, '_') || 'index'}${suffix}.png`
}

async function sitemapPaths(): Promise<string[]> {
  const index = await (await fetch(`${base}/sitemap-index.xml`)).text()
  const maps = [...index.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]!).pathname)
  const pages = await Promise.all(maps.map(async (p) => (await fetch(`${base}${p}`)).text()))
  return pages.flatMap((xml) => [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]!).pathname))
}

async function visit(page: Page, path: string): Promise<Visited> {
  const errors: string[] = []
  const onConsole = (msg: { type(): string; text(): string }) => {
    if (msg.type() === 'error') errors.push(msg.text())
  }
  const onError = (err: Error) => errors.push(err.message)
  const onResponse = (r: { status(): number; url(): string }) => {
    if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`)
  }
  page.on('console', onConsole)
  page.on('pageerror', onError)
  page.on('response', onResponse)
  const res = await page.goto(`${base}${path}`, { waitUntil: 'load' })
  await page.screenshot({ path: shotName(path), fullPage: true })
  const found = await page.evaluate(() => ({
    ids: [...document.querySelectorAll('[id]')].map((e) => e.id),
    // getAttribute, not .href: an SVG <a> (the topology's node links) has no string href.
    links: [...document.querySelectorAll('a[href]')].map(
      (a) => new URL(a.getAttribute('href')!, location.href).href,
    ),
  }))
  page.off('console', onConsole)
  page.off('pageerror', onError)
  page.off('response', onResponse)
  return { status: res?.status() ?? 0, errors, ids: new Set(found.ids), links: found.links, overflowPx: 0 }
}

/** Horizontal overflow of the whole page at phone width: wide tables must scroll in their own box. */
async function phoneOverflow(page: Page, path: string): Promise<number> {
  await page.goto(`${base}${path}`, { waitUntil: 'load' })
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  browser = await launchChromium()
  const page = await browser.context.newPage()
  const queue = ['/', ...(await sitemapPaths())]
  while (queue.length > 0) {
    const path = queue.shift()!
    if (visited.has(path)) continue
    const v = await visit(page, path)
    visited.set(path, v)
    for (const href of v.links) {
      const url = new URL(href)
      if (url.origin === base && isPage(url.pathname) && !visited.has(url.pathname)) queue.push(url.pathname)
    }
  }
  await page.setViewportSize({ width: 390, height: 844 })
  for (const [path, v] of visited) v.overflowPx = await phoneOverflow(page, path)
  await page.goto(`${base}/nodes/meraxes/`, { waitUntil: 'load' })
  await page.screenshot({ path: shotName('/nodes/meraxes/', '-phone') })
  await page.close()
}, 120_000)

afterAll(async () => {
  await browser?.close()
})

describe('docs site', () => {
  it('has every page the brief names, one per node', () => {
    const expected = [
      '/',
      '/findings/',
      '/api-reference/',
      '/docs/errors/',
      '/ai-placement/',
      '/storage/',
      '/network/',
      '/widgets/',
      '/embed-in-your-wiki/',
      '/rules/',
      '/gpus/',
    ]
    for (const node of catalog.nodes) expected.push(`/nodes/${node.id}/`, `/nodes/${node.id}/iommu-groups/`)
    expected.push('/architecture/')
    for (const node of catalog.nodes) expected.push(`/architecture/${node.id}/`)
    expect([...visited.keys()]).toEqual(expect.arrayContaining(expected))
  })

  it('opens every page with 200 and no console error', () => {
    const bad = [...visited]
      .filter(([, v]) => v.status !== 200 || v.errors.length > 0)
      .map(([p, v]) => ({ p, status: v.status, errors: v.errors }))
    expect(bad).toEqual([])
  })

  it('has no broken internal link or anchor', async () => {
    const broken: string[] = []
    const files = new Set<string>()
    for (const [from, v] of visited) {
      for (const href of v.links) {
        const url = new URL(href)
        if (url.origin !== base) continue
        const target = visited.get(url.pathname)
        if (target && url.hash && !target.ids.has(decodeURIComponent(url.hash.slice(1))))
          broken.push(`${from} → ${url.pathname}${url.hash}`)
        if (!target) files.add(url.pathname)
      }
    }
    for (const path of files) {
      const res = await fetch(`${base}${path}`)
      if (!res.ok) broken.push(`${path}: ${res.status}`)
    }
    expect(broken).toEqual([])
  })

  it('stays within a phone screen (wide tables scroll in their own box)', () => {
    const wide = [...visited].filter(([, v]) => v.overflowPx > 1).map(([p, v]) => `${p}: ${v.overflowPx}px`)
    expect(wide).toEqual([])
  })

  it('answers an unknown page with the 404 page', async () => {
    const res = await fetch(`${base}/no-such-page/`)
    expect(res.status).toBe(404)
    expect(await res.text()).toContain('404')
  })
})

describe('facts rendered from data/', () => {
  let page: Page
  beforeAll(async () => {
    page = await browser.context.newPage()
  })
  afterAll(async () => {
    await page.close()
  })

  it('draws the topology with the 1 Gb/s bottleneck, accessibly', async () => {
    await page.goto(`${base}/`)
    const svg = page.locator('svg.topology-wide[role="group"]')
    await expect(svg.locator('title').textContent()).resolves.toMatch(/topology/i)
    expect(await svg.textContent()).toContain('1 Gb/s (CARAXES RTL8168 is the bottleneck)')
    for (const node of catalog.nodes)
      expect(await svg.locator(`a[href="/nodes/${node.id}/"]`).count()).toBe(1)
    // On a phone the stacked drawing replaces the wide one, with the same node links.
    await page.setViewportSize({ width: 390, height: 844 })
    expect(await svg.isVisible()).toBe(false)
    const narrow = page.locator('svg.topology-narrow')
    expect(await narrow.isVisible()).toBe(true)
    expect((await narrow.boundingBox())!.width).toBeLessThanOrEqual(390)
    for (const node of catalog.nodes)
      expect(await narrow.locator(`a[href="/nodes/${node.id}/"]`).count()).toBe(1)
    await page.setViewportSize({ width: 1280, height: 900 })
  })

  it("shows MERAXES's 24 GiB GPU and the corrected 10de:2203 with its reason", async () => {
    await page.goto(`${base}/nodes/meraxes/`)
    await expect(page.getByText('24 GiB VRAM').first().isVisible()).resolves.toBe(true)
    const row = page.locator('tr', { hasText: '10de:2203' }).first()
    await expect(row.locator('.badge-corrected').first().isVisible()).resolves.toBe(true)
    await row.locator('details summary').first().click()
    await expect(
      row
        .getByText(/10de:1618 is not a GA102 device ID/)
        .first()
        .isVisible(),
    ).resolves.toBe(true)
  })

  it("lists CARAXES's IOMMU group 31 with the RTX 2080 SUPER", async () => {
    await page.goto(`${base}/nodes/caraxes/iommu-groups/`)
    const section = page.locator('section', { has: page.locator('#group-31') })
    expect(await section.textContent()).toContain('RTX 2080 SUPER')
  })

  it('shows the VRAM planner answer in the model-fit matrix', async () => {
    const answer = planVramFit(
      VramFitRequestSchema.parse({ model: 'llama-3.1-8b', quantization: 'Q4_K_M', contextLength: 8192 }),
      catalog,
    )
    const meraxes = answer.results.find(
      (r) => r.target.gpus.length === 1 && r.target.gpus[0]!.node === 'meraxes',
    )!
    await page.goto(`${base}/ai-placement/`)
    const header = (await page.locator('table.fit-matrix thead th').allTextContents()).map((t) => t.trim())
    const cell = page.locator('#fit-llama-3-1-8b-q4_k_m td').nth(header.indexOf(meraxes.target.label) - 1)
    const text = await cell.textContent()
    expect(text).toContain(meraxes.verdict)
    expect(text).toContain(`${formatNumber(meraxes.tokensPerSecond!, 1)} tokens/s`)
  })

  it('filters the model-fit matrix, recomputed at another context, with the state in the URL', async () => {
    const answer = planVramFit(
      VramFitRequestSchema.parse({ model: 'llama-3.1-8b', quantization: 'Q4_K_M', contextLength: 32768 }),
      catalog,
    )
    const meraxes = answer.results.find(
      (r) => r.target.gpus.length === 1 && r.target.gpus[0]!.node === 'meraxes',
    )!
    await page.goto(
      `${base}/ai-placement/?family=llama&context=32768&target=${encodeURIComponent(meraxes.target.label)}`,
    )
    await page.locator('#fit-filters').waitFor({ state: 'visible' })
    const rows = page.locator('table.fit-matrix tbody tr')
    const llamaRows = catalog.llmModels.filter((m) => m.family === 'llama').length * 3
    await expect.poll(() => rows.count()).toBe(llamaRows)
    expect(await page.locator('table.fit-matrix thead th').allTextContents()).toEqual([
      'Model',
      'Preset',
      'File size',
      meraxes.target.label,
    ])
    const cell = page.locator('#fit-llama-3-1-8b-q4_k_m td').nth(2)
    expect(await cell.textContent()).toContain(meraxes.verdict)
    await page.locator('#fit-filters input[name="fits"]').check()
    await expect.poll(() => new URL(page.url()).searchParams.get('fits')).toBe('1')
    expect(new URL(page.url()).searchParams.get('context')).toBe('32768')
    expect(await page.locator('#fit-status').textContent()).toMatch(
      /^\d+ of \d+ model × preset rows shown\.$/,
    )
  })

  it('redraws the model-fit matrix for another runtime, whose own defaults change the numbers', async () => {
    const plan = (runtime: 'ollama' | 'llama-server') =>
      planVramFit(
        VramFitRequestSchema.parse({
          model: 'llama-3.1-8b',
          quantization: 'Q4_K_M',
          runtime,
          contextLength: 8192,
        }),
        catalog,
      ).results
    const ollama = plan('ollama')
    // Only worth something on a target where the runtimes disagree (llama-server: its own margins and slots).
    const server = plan('llama-server').find((r) => {
      const same = ollama.find((o) => o.target.label === r.target.label)
      return same !== undefined && same.maxContextLength !== r.maxContextLength
    })
    expect(server).toBeDefined()
    if (!server) return
    await page.goto(
      `${base}/ai-placement/?runtime=llama-server&target=${encodeURIComponent(server.target.label)}`,
    )
    await page.locator('#fit-filters').waitFor({ state: 'visible' })
    await expect
      .poll(() => page.locator('#fit-filters select[name="runtime"]').inputValue())
      .toBe('llama-server')
    const cell = page.locator('#fit-llama-3-1-8b-q4_k_m td').nth(2)
    await expect.poll(() => cell.textContent()).toContain(`up to ${formatTokens(server.maxContextLength)}`)
    await page.locator('#fit-filters select[name="runtime"]').selectOption('ollama')
    await expect.poll(() => new URL(page.url()).searchParams.get('runtime')).toBeNull()
    const own = ollama.find((o) => o.target.label === server.target.label)!
    await expect.poll(() => cell.textContent()).toContain(`up to ${formatTokens(own.maxContextLength)}`)
  })

  it('gives every passthrough rule an anchor by id and by name on the rules page', async () => {
    await page.goto(`${base}/rules/`)
    for (const rule of RULE_TABLE) {
      expect(await page.locator(`[id="${rule.id.toLowerCase()}"]`).count()).toBe(1)
      expect(await page.locator(`[id="${rule.name}"]`).textContent()).toBe(`${rule.id} · ${rule.name}`)
    }
  })

  it('gives every problem type an anchor on the errors page', async () => {
    await page.goto(`${base}/docs/errors/`)
    for (const key of Object.keys(PROBLEM_TYPES)) expect(await page.locator(`[id="${key}"]`).count()).toBe(1)
  })

  it('lists every operation of openapi.json in the API reference', async () => {
    await page.goto(`${base}/api-reference/`)
    const ids = Object.values(openapi.paths).flatMap((item) =>
      Object.values(item as Record<string, { operationId?: string }>).map((op) => op.operationId),
    )
    for (const id of ids) expect(await page.locator(`[id="op-${id}"]`).count()).toBe(1)
  })

  it('finds pages with the search box', async () => {
    await page.goto(`${base}/`)
    await page.locator('site-search button').first().click()
    await page.locator('.pagefind-ui__search-input').fill('RTL8168')
    await expect(
      page
        .locator('.pagefind-ui__result-link')
        .first()
        .waitFor({ timeout: 10_000 })
        .then(() => true),
    ).resolves.toBe(true)
  })

  it('runs the interactive API reference at /api/docs offline, under the CSP, and tries a request', async () => {
    const errors: string[] = []
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text())
    })
    page.on('pageerror', (err) => errors.push(err.message))
    await page.goto(`${base}/api/docs`)
    const op = page.locator('#operations-catalog-getNode')
    await op.waitFor({ timeout: 15_000 })
    await op.locator('.opblock-summary').click()
    await page.locator('#operations-catalog-getNode input[placeholder="node"]').fill('meraxes')
    await page.locator('#operations-catalog-getNode .execute').click()
    await expect(
      page
        .locator('#operations-catalog-getNode .live-responses-table')
        .getByText('10de:2203')
        .first()
        .waitFor({ timeout: 10_000 })
        .then(() => true),
    ).resolves.toBe(true)
    await page.screenshot({ path: shotName('/api-docs/'), fullPage: false })
    expect(errors, errors.join('\n')).toEqual([])
  })

  it('keeps /api/docs working after a reload, when the page comes back as a 304', async () => {
    const errors: string[] = []
    page.on('pageerror', (err) => errors.push(err.message))
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text())
    })
    await page.goto(`${base}/api/docs`)
    await page.locator('#operations-catalog-getNode').waitFor({ timeout: 15_000 })
    const revalidated = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/docs')
    await page.reload()
    // A reload revalidates with If-None-Match and the server answers 304; Chromium then takes
    // the 304's headers, so it must carry the page's CSP, not the API's (else Swagger UI's
    // script and styles are blocked and the page stays blank).
    const request = await revalidated
    const tag = await request.headerValue('if-none-match')
    expect(tag).toBeTruthy()
    const answer = await fetch(`${base}/api/docs`, { headers: { 'If-None-Match': tag! } })
    expect(answer.status).toBe(304)
    await page.locator('#operations-catalog-getNode').waitFor({ timeout: 15_000 })
    expect(errors, errors.join('\n')).toEqual([])
  })

  it('renders in dark mode', async () => {
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.goto(`${base}/`)
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark')
    await page.screenshot({ path: shotName('/', '-dark'), fullPage: true })
  })
})
