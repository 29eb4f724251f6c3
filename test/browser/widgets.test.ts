/**
 * The embeddable widgets, in Chromium, on a page of ANOTHER origin that embeds each widget both
 * ways (iframe + web component): each shows the API's numbers for the same input (fetched here
 * from the API), iframes resize to their content, only /embed/* may be framed, and bad preset
 * values get a visible message without ever being rendered as HTML.
 * Screenshots: test-results/screenshots/widgets-*.png.
 */
import { mkdirSync } from 'node:fs'
import type { BrowserContext, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { ADDRESS_HINT } from '../../api/src/domain/catalog/lookup.ts'
import type { GroupCheck } from '../../api/src/domain/passthrough/schemas.ts'
import type { StoragePlan } from '../../api/src/domain/storage/plan-schemas.ts'
import type { VramFitAnswer } from '../../api/src/domain/vram/schemas.ts'
import {
  formatBytes,
  formatCapacity,
  formatNumber,
  formatSeconds,
  formatTokens,
} from '../../site/src/lib/format.ts'
import { proxmoxText } from '../../site/src/widgets/proxmox-text.ts'
// Type-only: brings the widget sources into `tsc -p .` (the root tsconfig does not include site/).
import type {} from '../../site/src/widgets/widgets.ts'
import type {} from '../../site/src/widgets/embed.ts'
import type {} from '../../site/src/widgets/resize-frames.ts'
import type {} from '../../site/src/islands/embed-configurator.ts'
import { LOCAL_ORIGIN } from '../../site/src/lib/site-origin.ts'
import { launchChromium, type LaunchedBrowser } from './browser.ts'
import { startHostServer, type HostServer } from './fixtures/host-server.ts'

const SHOTS = 'test-results/screenshots'
/** The worker global-setup.ts started (wrangler dev on 127.0.0.1:8799). */
const base = inject('baseUrl')

let host: HostServer
let browser: LaunchedBrowser
let context: BrowserContext

async function api<T>(path: string, body?: unknown): Promise<T> {
  const init: RequestInit =
    body === undefined
      ? {}
      : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
  const res = await fetch(base + path, init)
  expect(res.status, `${path} answered ${res.status}`).toBe(200)
  return await res.json()
}

/** Waits until a widget has rendered an answer (its host element says data-state="ready"). */
async function ready(widget: Locator): Promise<Locator> {
  await expect.poll(() => widget.getAttribute('data-state'), { timeout: 20_000 }).toBe('ready')
  return widget
}

/** The text shown for one field and the exact API value the widget kept next to it. */
async function shown(scope: Locator, field: string): Promise<{ text: string; value: string | null }> {
  const el = scope.locator(`[data-field="${field}"]`).first()
  return { text: ((await el.textContent()) ?? '').trim(), value: await el.getAttribute('data-value') }
}

async function expectVram(widget: Locator, answer: VramFitAnswer): Promise<void> {
  const r = answer.results[0]!
  const card = widget.locator('.card').first()
  expect(await card.getAttribute('data-target')).toBe(r.target.label)
  expect((await shown(card, 'verdict')).value).toBe(r.verdict)
  const b = r.breakdown!
  for (const [field, bytes] of [
    ['weightsBytes', b.weightsGpuBytes],
    ['kvBytes', b.kvCacheBytes],
    ['computeBytes', b.computeBufferBytes],
    ['overheadBytes', b.overheadBytes],
    ['freeBytes', b.freeGpuBytes],
  ] as const) {
    expect(await shown(card, field)).toEqual({
      text: formatBytes(field === 'freeBytes' ? Math.abs(bytes) : bytes),
      value: String(bytes),
    })
  }
  expect(await shown(card, 'maxContextLength')).toEqual({
    text: formatTokens(r.maxContextLength),
    value: String(r.maxContextLength),
  })
  expect(await shown(card, 'tokensPerSecond')).toEqual({
    text: formatNumber(r.tokensPerSecond!, 1),
    value: String(r.tokensPerSecond),
  })
  expect(await shown(card, 'loadSeconds')).toEqual({
    text: formatSeconds(r.loadSeconds),
    value: String(r.loadSeconds),
  })
}

async function expectPassthrough(widget: Locator, answer: GroupCheck): Promise<void> {
  expect((await shown(widget, 'verdict')).value).toBe(answer.verdict)
  expect((await shown(widget, 'summary')).text).toBe(answer.summary)
  expect((await shown(widget, 'members')).value).toBe(String(answer.members.length))
  expect(await widget.locator('[data-field="members"] tbody tr').count()).toBe(answer.members.length)
  const config = proxmoxText(answer.proxmox)
  if (config) expect(await widget.locator('pre[data-field="config"]').textContent()).toBe(config)
  // Every open check names its rule and links its page (docsUrl).
  const open = answer.checks.filter((c) => c.status !== 'pass')
  const links = widget.locator('[data-check] a')
  expect(await links.count()).toBe(open.length)
  if (open.length > 0)
    expect((await links.first().getAttribute('href'))?.endsWith(open[0]!.docsUrl)).toBe(true)
}

/** What the storage widget sends for purpose + size (GB) + reader. */
const storageItem = (purpose: string, sizeBytes: number, readers: string[] = []) => ({
  items: [{ name: 'widget', purpose, sizeBytes, readers }],
})

async function expectStorage(widget: Locator, answer: StoragePlan): Promise<void> {
  const item = answer.items[0]!
  expect((await shown(widget, 'verdict')).value).toBe(item.verdict)
  const r = item.recommended
  if (!r) {
    expect((await shown(widget, 'whyNot')).text).toBe(item.whyNot)
    return
  }
  expect((await shown(widget, 'tier')).value).toBe(r.tier)
  expect((await shown(widget, 'device')).value).toBe(`${r.node}:${r.storageId}`)
  expect(await shown(widget, 'capacityLeftBytes')).toEqual({
    text: formatCapacity(r.capacityLeftBytes),
    value: String(r.capacityLeftBytes),
  })
  const times = async (field: string) =>
    Promise.all(
      (await widget.locator(`[data-field="${field}"]`).all()).map(async (el) => ({
        text: (await el.textContent())?.trim(),
        value: await el.getAttribute('data-value'),
      })),
    )
  const expected = (list: { seconds: number | null }[]) =>
    list.map((t) => ({ text: t.seconds === null ? '—' : formatSeconds(t.seconds), value: String(t.seconds) }))
  expect(await times('loadSeconds')).toEqual(expected(item.loadTimes))
  expect(await times('copySeconds')).toEqual(expected(item.copyTimes))
  expect(item.loadTimes.length + item.copyTimes.length).toBeGreaterThan(0)
}

const VRAM_PRESET = {
  model: 'llama-3.1-8b',
  quantization: 'Q4_K_M',
  contextLength: 8192,
  targets: ['meraxes'],
}

beforeAll(async () => {
  host = await startHostServer(base)
  mkdirSync(SHOTS, { recursive: true })
  browser = await launchChromium()
  context = browser.context
})

afterAll(async () => {
  await browser?.close()
  await host?.close()
})

describe('widgets on another origin', () => {
  let page: Page
  const errors: string[] = []
  const nodeLists: string[] = []
  beforeAll(async () => {
    page = await context.newPage()
    page.on('request', (req) => {
      // Each iframe is a page of its own; the three web components of the host page share one answer.
      if (req.frame() === page.mainFrame() && new URL(req.url()).pathname === '/api/v1/nodes')
        nodeLists.push(req.url())
    })
    page.on('pageerror', (err) => errors.push(err.message))
    page.on('console', (msg) => {
      // The one expected refusal: /api/docs must not be framed.
      if (msg.type() === 'error' && !msg.text().includes('frame-ancestors')) errors.push(msg.text())
    })
    await page.goto(host.url)
  })

  afterAll(() => {
    expect(errors, 'console errors on the host page').toEqual([])
  })

  it('iframe: the VRAM planner shows the API numbers and resizes its frame', async () => {
    const frame = page.frameLocator('#if-vram')
    const widget = await ready(frame.locator('vram-fit-planner'))
    await expectVram(widget, await api<VramFitAnswer>('/api/v1/plan/vram-fit', VRAM_PRESET))
    // The parent applied the height the frame reported: its whole content, not the default 150px.
    await expect
      .poll(async () => {
        const iframe = await page.locator('#if-vram').boundingBox()
        const inner = await frame
          .locator('html')
          .evaluate((el) => Math.ceil(el.getBoundingClientRect().height))
        return Math.abs((iframe?.height ?? 0) - inner) <= 2 && inner > 300
      })
      .toBe(true)
  })

  it('iframe: the IOMMU group check shows the API verdict, members and config', async () => {
    const widget = await ready(page.frameLocator('#if-passthrough').locator('passthrough-check'))
    await expectPassthrough(widget, await api<GroupCheck>('/api/v1/nodes/caraxes/iommu-groups/31/check'))
  })

  it('iframe: the storage tier planner shows the API numbers', async () => {
    const widget = await ready(page.frameLocator('#if-storage').locator('storage-tier-planner'))
    await expectStorage(
      widget,
      await api<StoragePlan>('/api/v1/plan/storage-tier', storageItem('model-store', 40e9)),
    )
  })

  it('web component: VRAM planner follows input changes made with the keyboard', async () => {
    const widget = await ready(page.locator('#wc-vram'))
    await expectVram(widget, await api<VramFitAnswer>('/api/v1/plan/vram-fit', VRAM_PRESET))
    await widget.locator('select[name="model"]').selectOption('qwen2.5-14b')
    await ready(widget)
    await widget.locator('input[name="context-length"]').focus()
    await page.keyboard.press('ControlOrMeta+a')
    await page.keyboard.type('32768')
    await page.keyboard.press('Enter')
    await expect
      .poll(async () => (await widget.locator('.note').first().textContent()) ?? '')
      .toContain('32K tokens')
    await ready(widget)
    await expectVram(
      widget,
      await api<VramFitAnswer>('/api/v1/plan/vram-fit', {
        ...VRAM_PRESET,
        model: 'qwen2.5-14b',
        contextLength: 32768,
      }),
    )
    await page.keyboard.press('Tab') // the next stop is the Plan button, inside the shadow root
    expect(await widget.evaluate((el) => el.shadowRoot?.activeElement?.textContent)).toBe('Plan')
  })

  it('web component: the IOMMU group check follows a change of node', async () => {
    const widget = await ready(page.locator('#wc-passthrough'))
    await expectPassthrough(widget, await api<GroupCheck>('/api/v1/nodes/caraxes/iommu-groups/31/check'))
    await widget.locator('select[name="node"]').selectOption('meraxes')
    await expect.poll(async () => (await shown(widget, 'summary')).text).not.toBe('')
    await expect.poll(() => widget.locator('strong').nth(1).textContent()).toContain('meraxes')
    await ready(widget)
    const group = await widget.locator('select[name="group"]').inputValue()
    await expectPassthrough(
      widget,
      await api<GroupCheck>(`/api/v1/nodes/meraxes/iommu-groups/${group}/check`),
    )
  })

  it('web component: the storage tier planner follows purpose, size and reader', async () => {
    const widget = await ready(page.locator('#wc-storage'))
    await expectStorage(
      widget,
      await api<StoragePlan>('/api/v1/plan/storage-tier', storageItem('model-store', 40e9)),
    )
    await widget.locator('select[name="node"]').selectOption('meraxes')
    await widget.locator('select[name="purpose"]').selectOption('dataset')
    await widget.locator('input[name="size-gb"]').fill('4000')
    await widget.locator('input[name="size-gb"]').press('Enter')
    await expect.poll(async () => (await shown(widget, 'verdict')).value).toBe('does-not-fit')
    await ready(widget)
    await expectStorage(
      widget,
      await api<StoragePlan>('/api/v1/plan/storage-tier', storageItem('dataset', 4000e9, ['meraxes'])),
    )
  })

  it('fetches each API answer once per page (the node list of three web components)', async () => {
    await ready(page.locator('#wc-storage'))
    expect(nodeLists).toHaveLength(1)
  })

  it('only /embed/* pages may be framed', async () => {
    const docs = await page.locator('#if-docs').elementHandle()
    const frame = await docs.contentFrame()
    expect(frame!.url()).not.toContain('/api/docs') // refused by frame-ancestors 'none': an error page
    const embed = await fetch(`${base}/embed/vram-fit`)
    expect(embed.headers.get('content-security-policy')).toContain('frame-ancestors *')
    expect(embed.headers.get('x-frame-options')).toBeNull()
    // One owner (security-headers.ts): a single frame-ancestors, the page policy kept, nosniff and no-referrer.
    const embedCsp = embed.headers.get('content-security-policy') ?? ''
    expect(embedCsp.match(/frame-ancestors/g)).toHaveLength(1)
    expect(embedCsp).toContain("default-src 'self'")
    expect(embed.headers.get('x-content-type-options')).toBe('nosniff')
    expect(embed.headers.get('referrer-policy')).toBe('no-referrer')
    const apiDocs = await fetch(`${base}/api/docs`)
    expect(apiDocs.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
  })

  it('the API answers other origins without credentials', async () => {
    const res = await fetch(`${base}/api/v1/plan/vram-fit`, {
      method: 'OPTIONS',
      headers: {
        Origin: host.url.slice(0, -1),
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    })
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    expect(res.headers.get('access-control-allow-credentials')).toBeNull()
  })

  it('screenshots every embed, light and dark', async () => {
    // Tall enough for the longest widget: Chromium paints a cross-origin frame only where it is on screen.
    await page.setViewportSize({ width: 1100, height: 2000 })
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      for (const id of [
        'if-vram',
        'if-passthrough',
        'if-storage',
        'wc-vram',
        'wc-passthrough',
        'wc-storage',
      ]) {
        const embed = page.locator(`#${id}`)
        await embed.scrollIntoViewIfNeeded()
        await embed.screenshot({ path: `${SHOTS}/widgets-${id}-${scheme}.png` })
      }
    }
    await page.emulateMedia({ colorScheme: 'light' })
    // Each widget's own colours follow the scheme (not the host page's CSS).
    const bg = await page.locator('#wc-vram .planner').evaluate((el) => getComputedStyle(el).backgroundColor)
    expect(bg).toBe('rgb(255, 255, 255)')
  })
})

describe('the /widgets/ docs page', () => {
  it('runs its live demos under the site CSP and resizes its iframe', async () => {
    const page = await context.newPage()
    const errors: string[] = []
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text())
    })
    page.on('pageerror', (err) => errors.push(err.message))
    await page.goto(`${base}/widgets/`)
    await ready(page.frameLocator('iframe[data-homelab-planner]').locator('vram-fit-planner'))
    await expect
      .poll(async () => (await page.locator('iframe[data-homelab-planner]').boundingBox())?.height ?? 0)
      .toBeGreaterThan(300)
    expect(errors).toEqual([])
    await page.screenshot({ path: `${SHOTS}/widgets-docs-page.png`, fullPage: true })
    await page.close()
  })
})

describe('the embed configurator', () => {
  it('writes the snippet for the chosen planner, previews it, and the snippet works on another origin', async () => {
    const page = await context.newPage()
    await page.goto(`${base}/widgets/`)
    const form = page.locator('#embed-config')
    await form.locator('select[name="widget"]').selectOption('storage-tier')
    await form.locator('input[name="storage-tier.sizeGB"]').fill('250')
    await form.locator('input[name="storage-tier.sizeGB"]').press('Enter')
    await form.locator('input[name="form"][value="component"]').check()
    await form.locator('select[name="theme"]').selectOption('dark')
    const snippet = (await page.locator('#embed-snippet').textContent()) ?? ''
    // The test build has no SITE_ORIGIN: its snippets carry the local default
    // (test/unit/site/origin.test.ts builds one with an origin).
    expect(snippet).toContain(`<script type="module" src="${LOCAL_ORIGIN}/widgets/storage-tier.js"></script>`)
    expect(snippet).toContain(
      '<storage-tier-planner purpose="model-store" size-gb="250" node="meraxes" theme="dark"></storage-tier-planner>',
    )
    expect(await page.locator('#embed-csp').textContent()).toContain(`connect-src ${LOCAL_ORIGIN}`)
    const preview = await ready(page.locator('#embed-preview storage-tier-planner'))
    await expectStorage(
      preview,
      await api<StoragePlan>('/api/v1/plan/storage-tier', storageItem('model-store', 250e9, ['meraxes'])),
    )
    await form.locator('input[name="form"][value="iframe"]').check()
    expect(await page.locator('#embed-snippet').textContent()).toContain('allow="clipboard-write"')
    // Pasted into a plain page of another origin (the deployed origin here is the test worker's).
    await page.goto(host.url)
    await page.setContent(`<!doctype html><title>wiki</title>${snippet.replaceAll(LOCAL_ORIGIN, base)}`)
    const pasted = await ready(page.locator('storage-tier-planner'))
    await expectStorage(
      pasted,
      await api<StoragePlan>('/api/v1/plan/storage-tier', storageItem('model-store', 250e9, ['meraxes'])),
    )
    await page.close()
  })
})

describe('bad preset values', () => {
  it('names a bad query parameter and renders markup in values as text', async () => {
    const page = await context.newPage()
    const evil = '<img src=x onerror="window.pwned=1">'
    await page.goto(`${base}/embed/vram-fit?contextLength=abc&model=${encodeURIComponent(evil)}`)
    const widget = page.locator('vram-fit-planner')
    await expect.poll(() => widget.getAttribute('data-state')).toBe('invalid')
    const alert = widget.locator('[role="alert"]')
    expect(await alert.isVisible()).toBe(true)
    expect(await alert.textContent()).toContain(
      'contextLength: expected a whole number from 1 to 16777216 (got "abc")',
    )
    expect(await widget.locator('select[name="model"]').inputValue()).toBe(evil)
    expect(await widget.evaluate((el) => el.shadowRoot!.querySelectorAll('img').length)).toBe(0)
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined()
    await page.screenshot({ path: `${SHOTS}/widgets-bad-parameter.png` })
    await page.close()
  })

  it('names a bad preset by its documented query parameter (sizeGB, not a derived sizeGb)', async () => {
    const page = await context.newPage()
    await page.goto(`${base}/embed/storage-tier?sizeGB=-5`)
    const widget = page.locator('storage-tier-planner')
    await expect.poll(() => widget.getAttribute('data-state')).toBe('invalid')
    const alert = widget.locator('[role="alert"]')
    expect(await alert.isVisible()).toBe(true)
    expect(await alert.textContent()).toContain(
      'sizeGB: expected a number above 0, at most 1000000 (got "-5")',
    )
    await page.close()
  })

  it('rejects a PCI address the API rejects (device 20-ff), before any check is asked for', async () => {
    const page = await context.newPage()
    await page.goto(`${base}/embed/passthrough?node=caraxes&device=0e:20.0`)
    const widget = page.locator('passthrough-check')
    await expect.poll(() => widget.getAttribute('data-state')).toBe('invalid')
    expect(await widget.locator('[role="alert"]').textContent()).toContain(
      `device: ${ADDRESS_HINT} (got "0e:20.0")`,
    )
    await page.close()
  })

  it('says which required field is empty instead of planning a default', async () => {
    const page = await context.newPage()
    const planned: string[] = []
    page.on('request', (req) => {
      if (req.url().includes('/plan/')) planned.push(req.postData() ?? '')
    })
    await page.goto(`${base}/embed/storage-tier?sizeGB=250`)
    const widget = await ready(page.locator('storage-tier-planner'))
    expect(
      planned.map((b) => (JSON.parse(b) as { items: { sizeBytes: number }[] }).items[0]!.sizeBytes),
    ).toEqual([250e9])
    await widget.locator('input[name="size-gb"]').fill('')
    await widget.locator('input[name="size-gb"]').press('Enter')
    await expect.poll(() => widget.getAttribute('data-state')).toBe('invalid')
    const alert = widget.locator('[role="alert"]')
    expect(await alert.isVisible()).toBe(true)
    expect(await alert.textContent()).toContain('Size (GB): required; the field is empty')
    expect(await widget.locator('[data-field]').count()).toBe(0) // the old numbers are gone, no new ones
    expect(planned).toHaveLength(1) // nothing was sent for the empty field
    await page.close()
  })

  it('reports every bad parameter at once, unknown ones included', async () => {
    const page = await context.newPage()
    await page.goto(`${base}/embed/vram-fit?contextLength=abc&node=nowhere&theme=blue&colour=red`)
    const widget = page.locator('vram-fit-planner')
    await expect.poll(() => widget.getAttribute('data-state')).toBe('invalid')
    const lines = await widget.locator('[role="alert"] li').allTextContents()
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^theme: expected one of light, dark, auto \(got "blue"\)$/),
        expect.stringMatching(/^node: expected one of .*\(got "nowhere"\)$/),
        expect.stringMatching(/^contextLength: expected a whole number/),
        expect.stringMatching(/^colour: not a parameter of this widget/),
      ]),
    )
    expect(lines).toHaveLength(4)
    await page.close()
  })

  it('takes node ids in any case, as the API does', async () => {
    const page = await context.newPage()
    await page.goto(`${base}/embed/passthrough?node=CARAXES&group=31`)
    await expectPassthrough(
      await ready(page.locator('passthrough-check')),
      await api<GroupCheck>('/api/v1/nodes/caraxes/iommu-groups/31/check'),
    )
    await page.close()
  })

  it("keeps an embed's settings in its URL and follows theme=dark whatever the reader's system says", async () => {
    const page = await context.newPage()
    await page.emulateMedia({ colorScheme: 'light' })
    await page.goto(`${base}/embed/storage-tier?sizeGB=40&theme=dark`)
    const widget = await ready(page.locator('storage-tier-planner'))
    expect(await widget.locator('.planner').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
      'rgb(13, 17, 23)',
    )
    await widget.locator('select[name="purpose"]').selectOption('dataset')
    await ready(widget)
    expect(new URL(page.url()).searchParams.get('purpose')).toBe('dataset')
    expect(new URL(page.url()).searchParams.get('theme')).toBe('dark')
    await page.reload()
    expect(
      await (
        await ready(page.locator('storage-tier-planner'))
      )
        .locator('select[name="purpose"]')
        .inputValue(),
    ).toBe('dataset')
    await page.close()
  })

  it('names the CSP directive a wiki lacks when it blocks the API', async () => {
    const page = await context.newPage()
    await page.goto(`${host.url}strict-csp`)
    const widget = page.locator('storage-tier-planner')
    await expect.poll(() => widget.getAttribute('data-state'), { timeout: 20_000 }).toBe('error')
    expect(await widget.locator('[role="alert"]').textContent()).toContain(`(connect-src): allow ${base}`)
    await page.close()
  })

  it("shows the API's problem detail for a value only the API can judge", async () => {
    const page = await context.newPage()
    await page.goto(`${base}/embed/vram-fit?model=llama-9.9-999b`)
    const widget = page.locator('vram-fit-planner')
    await expect.poll(() => widget.getAttribute('data-state')).toBe('error')
    const res = await fetch(`${base}/api/v1/plan/vram-fit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'llama-9.9-999b', contextLength: 8192, targets: 'all' }),
    })
    const problem = await res.json<{ detail: string }>()
    expect(res.status).toBe(422)
    expect(await widget.locator('[role="alert"] p').textContent()).toBe(problem.detail)
    await page.close()
  })
})
