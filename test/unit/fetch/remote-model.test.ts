/**
 * The fetch boundary, offline: every URL a plan may name goes through GuardedFetch, here with
 * the fixture server of test/fixtures/remote-models.ts injected as the network.
 */
import { describe, expect, it } from 'vitest'
import {
  DEFAULT_ALLOWED_HOSTS,
  policyFromVars,
  type FetchPolicy,
} from '../../../api/src/fetch/fetch-policy.ts'
import { GuardedFetch } from '../../../api/src/fetch/guarded-fetch.ts'
import { readGgufHeader } from '../../../api/src/fetch/gguf-header.ts'
import { resolveRemoteModel } from '../../../api/src/fetch/resolve-remote-model.ts'
import { ProblemError, PROBLEM_TYPES } from '../../../api/src/http/problem.ts'
import { VramFitRequestSchema } from '../../../api/src/domain/vram/schemas.ts'
import { planVramFit } from '../../../api/src/domain/vram/plan-vram-fit.ts'
import { fixtureFetch, URLS } from '../../fixtures/remote-models.ts'
import { catalog } from '../vram/helpers.ts'

const policy: FetchPolicy = { ...policyFromVars({}), timeoutMs: 500 }

function network() {
  const calls: string[] = []
  const fetch = (url: string, init?: RequestInit) => {
    calls.push(url)
    return fixtureFetch(new Request(url, init))
  }
  return { calls, deps: { policy, fetch } }
}

async function planOf(model: unknown) {
  const req = VramFitRequestSchema.parse({ model, contextLength: 8192, targets: ['caraxes'] })
  return planVramFit(await resolveRemoteModel(req, catalog.llmModels, network().deps), catalog)
}

/** The problem a request is refused with: HTTP status and the field it names. */
async function refusal(
  model: unknown,
  p: FetchPolicy = policy,
): Promise<{ status: number; pointer?: string; detail: string }> {
  const req = VramFitRequestSchema.parse({ model })
  try {
    await resolveRemoteModel(req, catalog.llmModels, { ...network().deps, policy: p })
  } catch (e) {
    if (!(e instanceof ProblemError)) throw e
    return { status: PROBLEM_TYPES[e.problemType].status, pointer: e.errors?.[0]?.pointer, detail: e.message }
  }
  throw new Error('expected a refusal')
}

describe('a GGUF URL read with range requests', () => {
  it('plans the header it read, weights exact to the byte (143,025,408 as for the posted header)', async () => {
    const answer = await planOf({ url: URLS.smol })
    expect(answer.model.weightsBytes).toBe(143_025_408)
    expect(answer.model.quantization).toBe('Q8_0')
  })

  it('merges every shard of a -00001-of-0000N file', async () => {
    expect((await planOf({ url: URLS.shard1 })).model.weightsBytes).toBe(143_025_408)
  })

  it('caches by URL and ETag: the second read costs one probe of one byte', async () => {
    const { calls, deps } = network()
    await readGgufHeader(URLS.smol, new GuardedFetch(deps.policy, deps.fetch, '/model/url'))
    calls.length = 0
    await readGgufHeader(URLS.smol, new GuardedFetch(deps.policy, deps.fetch, '/model/url'))
    expect(calls).toEqual([URLS.smol, 'https://cas-bridge.xethub.hf.co/xet/smol?sig=1'])
  })

  it('resolves an Ollama tag not in the registry, and hf.co/<user>/<repo>:<quant>, through the manifest', async () => {
    expect((await planOf('smollm2:135m')).model.weightsBytes).toBe(143_025_408)
    expect((await planOf('hf.co/test-org/SmolLM2-135M-GGUF:Q8_0')).model.name).toBe(
      'hf.co/test-org/SmolLM2-135M-GGUF:Q8_0',
    )
    expect(await refusal('nosuch:1b')).toMatchObject({ status: 422, pointer: '/model' })
  })

  it('leaves registry models and inline architectures alone (no fetch)', async () => {
    const { calls, deps } = network()
    const req = VramFitRequestSchema.parse({ model: 'llama3.1:8b' })
    expect(await resolveRemoteModel(req, catalog.llmModels, deps)).toBe(req)
    expect(calls).toEqual([])
  })
})

describe('the fetch boundary refuses', () => {
  it.each([
    ['http', 'http://huggingface.co/x.gguf', /Only https/],
    ['loopback', 'https://127.0.0.1/x.gguf', /loopback/],
    ['loopback written as one integer', 'https://2130706433/x.gguf', /127\.0\.0\.1 is a loopback/],
    ['IPv6 loopback', 'https://[::1]/x.gguf', /loopback/],
    ['IPv4-mapped IPv6', 'https://[::ffff:10.0.0.1]/x.gguf', /IPv4-mapped/],
    ['private', 'https://192.168.1.10/x.gguf', /private/],
    ['link-local (cloud metadata)', 'https://169.254.169.254/latest/meta-data/', /link-local/],
    ['localhost', 'https://localhost/x.gguf', /loopback name/],
    ['a local name', 'https://nas.local/x.gguf', /local-network/],
    ['credentials', 'https://user:secret@huggingface.co/x.gguf', /credentials/],
    ['another port', 'https://huggingface.co:8443/x.gguf', /port 8443/],
    ['a host not allowed', 'https://example.com/x.gguf', /not an allowed host/],
    ['a look-alike host', 'https://huggingface.co.evil.example/x.gguf', /not an allowed host/],
    ['not a URL', 'huggingface.co/x.gguf', /not an absolute URL/],
  ])('%s with a 422 naming /model/url', async (_, url, detail) => {
    const r = await refusal({ url })
    expect(r).toMatchObject({ status: 422, pointer: '/model/url' })
    expect(r.detail).toMatch(detail)
  })

  it.each([
    ['to loopback', URLS.toLoopback, /redirected to https:\/\/127\.0\.0\.1.*loopback/],
    ['to http', URLS.toHttp, /redirected to http:.*Only https/],
    ['to the metadata address', URLS.toMetadata, /link-local/],
    ['to a host not allowed', URLS.toOtherHost, /evil\.example\.com is not an allowed host/],
    ['in a loop', URLS.redirectLoop, /More than 5 redirects/],
  ])('a redirect %s, re-checked by hand', async (_, url, detail) => {
    const r = await refusal({ url })
    expect(r).toMatchObject({ status: 422, pointer: '/model/url' })
    expect(r.detail).toMatch(detail)
  })

  it('an answer past the byte budget (a server that ignores Range)', async () => {
    const r = await refusal({ url: URLS.huge })
    expect(r).toMatchObject({ status: 422, pointer: '/model/url' })
    expect(r.detail).toMatch(/more than the 50331648 bytes/)
  })

  it('a declared Content-Length past the budget, before reading it', async () => {
    const big = () => Promise.resolve(new Response('x', { headers: { 'content-length': String(10 ** 11) } }))
    const g = new GuardedFetch(policy, big, '/model/url')
    await expect(g.fetch('https://huggingface.co/a.gguf')).rejects.toThrow(/more than the 50331648 bytes/)
  })

  it.each([
    ['not a GGUF file', URLS.notGguf, 422, /did not answer with a GGUF header/],
    [
      "the Hub's web page of a file",
      URLS.blobPage,
      422,
      /use https:\/\/huggingface\.co\/.*\/resolve\/main\/SmolLM2/,
    ],
    ['a gated file', URLS.gated, 422, /refused access/],
    ['a missing file', URLS.missing, 422, /no file at this URL/],
    ['a server error', URLS.serverError, 502, /HTTP 500/],
    ['an unreachable host', URLS.unreachable, 502, /unreachable/],
    ['a host that does not answer in time', URLS.slow, 502, /did not answer within 0.5 s/],
  ])('%s (%s)', async (_, url, status, detail) => {
    const r = await refusal({ url })
    expect(r.status).toBe(status)
    expect(r.detail).toMatch(detail)
  })

  it('uses the allow-list from wrangler.toml [vars], and refuses a malformed budget loudly', () => {
    expect(policyFromVars({}).allowedHosts).toEqual(DEFAULT_ALLOWED_HOSTS)
    expect(
      policyFromVars({ MODEL_FETCH_ALLOWED_HOSTS: 'models.example.org, *.cdn.example.org' }).allowedHosts,
    ).toEqual(['models.example.org', '*.cdn.example.org'])
    expect(() => policyFromVars({ MODEL_FETCH_MAX_BYTES: '-1' })).toThrow(/MODEL_FETCH_MAX_BYTES/)
  })
})
