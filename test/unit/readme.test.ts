/**
 * Every `curl` of README.md, run as written against the app the worker serves (app.request over
 * the same catalog), its answer compared with what the README shows under it:
 * each `"key":value` the README prints must be in the answer (a string ending in `...` is a
 * prefix), and a leading `404:` is the status. A shown output with nothing checkable fails, so
 * the README cannot drift into prose the test does not read.
 */
import { describe, expect, it } from 'vitest'
import { loadArchitecture, loadCatalog } from '../../api/scripts/load-catalog.ts'
import { createApp } from '../../api/src/app.ts'
import { readmeCurls, type ReadmeCurl } from '../readme-curls.ts'

const catalog = loadCatalog('data')
const app = createApp(catalog, loadArchitecture(catalog, 'data'))

/** `"key":scalar` pairs of the shown text: strings, numbers, booleans, null. */
function shownPairs(shown: string): { key: string; value: unknown; prefix: boolean }[] {
  const pairs = [
    ...shown.matchAll(/"(\w+)":\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:e\d+)?|true|false|null)/g),
  ]
  return pairs.map(([, key, raw]) => {
    const value = JSON.parse(raw!) as unknown
    const prefix = typeof value === 'string' && value.endsWith('...')
    return { key: key!, value: prefix ? value.slice(0, -3).trimEnd() : value, prefix }
  })
}

/** Every value of `key` anywhere in `json`. */
function valuesOf(json: unknown, key: string): unknown[] {
  if (Array.isArray(json)) return json.flatMap((v) => valuesOf(v, key))
  if (json === null || typeof json !== 'object') return []
  return Object.entries(json as Record<string, unknown>).flatMap(([k, v]) => [
    ...(k === key ? [v] : []),
    ...valuesOf(v, key),
  ])
}

/**
 * Examples that name a model the worker must fetch (a GGUF URL, an hf.co/… registry name): the
 * test machine is offline, so they are not run here. Their bodies are still type-checked
 * (readme-bodies), and the fetch path itself is tested offline against local fixtures
 * (test/unit/fetch/remote-model.test.ts, test/worker/vram-fit.test.ts).
 */
const fetchesModel = (c: ReadmeCurl) => /"url":\s*"https:|"(model|draft)":\s*"hf\.co\//.test(c.body ?? '')

const all = readmeCurls()
const curls = all.filter((c) => !fetchesModel(c))

describe('README curl examples', () => {
  it('has examples to run', () => expect(curls.length).toBeGreaterThanOrEqual(15))

  it.skip.each(all.filter(fetchesModel).map((c) => [c.command.split('\n')[0]!] as const))(
    '%s (fetches a model: needs the internet)',
    () => {},
  )

  it.each(curls.map((c) => [c.command.split('\n')[0]!, c] as const))('%s', async (_, curl) => {
    const res = await app.request(curl.path, {
      method: curl.method,
      headers: curl.headers,
      ...(curl.body !== undefined && { body: curl.body }),
    })
    const shown = curl.shown.join('\n')
    const status = shown.match(/^(\d{3}):/)?.[1]
    expect(res.status, await res.clone().text()).toBe(status ? Number(status) : 200)
    if (curl.shown.length === 0) return
    const json = await res.json<unknown>()
    const pairs = shownPairs(shown)
    // `404: text` shows the detail; `400: {...}` shows the body.
    const detail = shown.match(/^\d{3}: ([^{].*)$/s)?.[1]
    if (detail) expect((json as { detail: string }).detail).toContain(detail.replace(/\s+/g, ' ').trim())
    expect(
      pairs.length + (detail ? 1 : 0),
      `nothing checkable in the output shown for ${curl.command}`,
    ).toBeGreaterThan(0)
    for (const { key, value, prefix } of pairs) {
      const found = valuesOf(json, key)
      const match = found.some((v) =>
        prefix ? typeof v === 'string' && v.startsWith(value as string) : v === value,
      )
      expect(
        match,
        `"${key}":${JSON.stringify(value)} not in the answer (it has ${JSON.stringify(found).slice(0, 300)})`,
      ).toBe(true)
    }
  })
})
