/** The API contract automation relies on: strict inputs, one error per field, HTTP caching. */
import { describe, expect, it } from 'vitest'
import { postJson, problemOf, request } from './request.ts'

describe('strict inputs', () => {
  it('refuses a typo in a body field with a 422 naming it and the nearest known field', async () => {
    const res = await postJson('/api/v1/plan/vram-fit', { model: 'llama-3.1-8b', contextLenght: 131072 })
    expect(res.status).toBe(422)
    const problem = await problemOf(res)
    expect(problem.errors).toHaveLength(1)
    expect(problem.errors?.[0]).toMatchObject({ in: 'body', pointer: '/contextLenght' })
    expect(problem.errors?.[0]?.detail).toContain('did you mean "contextLength"')
  })

  it('refuses an unknown field deep inside a body, with its pointer', async () => {
    const res = await postJson('/api/v1/plan/storage-tier', {
      items: [{ name: 'store', purpose: 'model-store', sizeBytes: 40e9, readerz: ['meraxes'] }],
    })
    expect(res.status).toBe(422)
    const problem = await problemOf(res)
    expect(problem.errors?.[0]).toMatchObject({ pointer: '/items/0/readerz' })
    expect(problem.errors?.[0]?.detail).toContain('did you mean "readers"')
  })

  it('refuses an unknown query parameter with a 400 suggesting the known one', async () => {
    const res = await request('/api/v1/devices?clas=0300')
    expect(res.status).toBe(400)
    const problem = await problemOf(res)
    expect(problem.errors?.[0]).toMatchObject({ in: 'query', pointer: '/clas' })
    expect(problem.errors?.[0]?.detail).toContain('did you mean "class"')
  })

  it('refuses a query parameter on an operation that takes none', async () => {
    const problem = await problemOf(await request('/api/v1/nodes/meraxes?verbose=1'))
    expect(problem.status).toBe(400)
    expect(problem.errors?.[0]).toMatchObject({ in: 'query', pointer: '/verbose' })
  })
})

describe('one error per field', () => {
  it('gives contextLength 2^53 + 1 one error, the tightest bound', async () => {
    const problem = await problemOf(
      await postJson('/api/v1/plan/vram-fit', { model: 'llama-3.1-8b', contextLength: 9007199254740993 }),
    )
    expect(problem.status).toBe(422)
    expect(problem.errors?.map(({ detail: _detail, ...where }) => where)).toEqual([
      { in: 'body', pointer: '/contextLength' },
    ])
    expect(problem.errors?.[0]?.detail).toContain('16777216')
  })
})

describe('unknown names inside a request', () => {
  it('is a 422 with the pointer inside a body (the planner exists; the body is wrong)', async () => {
    const problem = await problemOf(await postJson('/api/v1/plan/vram-fit', { model: 'llama-9b' }))
    expect(problem).toMatchObject({ status: 422, errors: [{ in: 'body', pointer: '/model' }] })
  })

  it('is a 400 in a query filter, a 404 only in the path', async () => {
    expect((await problemOf(await request('/api/v1/devices?node=meraxis'))).status).toBe(400)
    expect((await problemOf(await request('/api/v1/nodes/meraxis'))).status).toBe(404)
  })
})

describe('ids where automation acts on a value', () => {
  it('gives the recommended GPU set as an id beside its label', async () => {
    const res = await postJson('/api/v1/plan/vram-fit', { model: 'llama-3.1-8b', targets: 'all' })
    const body = await res.json<{ recommendation: { targetId: string; target: string } }>()
    expect(body.recommendation.targetId).toBe('meraxes/nvidia-rtx-3090-ti')
    expect(body.recommendation.target).toContain('MERAXES')
  })
})

/** Every header but the ones a transport may set per message. */
function headersOf(res: Response): Record<string, string> {
  return Object.fromEntries([...res.headers].filter(([name]) => name !== 'date'))
}

describe('HTTP caching', () => {
  it.each(['/api/v1/nodes', '/api/v1/catalog', '/api/docs', '/api/openapi.json'])(
    'HEAD %s carries the headers of GET, with no body',
    async (path) => {
      const get = await request(path)
      const head = await request(path, { method: 'HEAD' })
      expect(head.status).toBe(200)
      expect(await head.text()).toBe('')
      expect(headersOf(head)).toEqual(headersOf(get))
      expect(Number(get.headers.get('content-length'))).toBe((await get.arrayBuffer()).byteLength)
    },
  )

  it.each(['/api/v1/nodes', '/api/docs'])(
    'a 304 for %s carries exactly the headers of its 200 (CSP included)',
    async (path) => {
      const ok = await request(path)
      const tag = ok.headers.get('etag')!
      for (const method of ['GET', 'HEAD']) {
        const notModified = await request(path, { method, headers: { 'If-None-Match': `"other", ${tag}` } })
        expect(notModified.status).toBe(304)
        expect(headersOf(notModified)).toEqual(headersOf(ok))
      }
    },
  )

  it('exposes ETag and the catalog revision to cross-origin scripts', async () => {
    const res = await request('/api/v1/nodes', { headers: { Origin: 'https://wiki.example' } })
    const exposed = (res.headers.get('access-control-expose-headers') ?? '').toLowerCase().split(/\s*,\s*/)
    expect(exposed).toEqual(expect.arrayContaining(['etag', 'catalog-revision']))
  })

  it('never caches /api/health, which reports the build version and the catalog ETag', async () => {
    const res = await request('/api/health')
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('etag')).toBeNull()
    const body = await res.json<{ status: string; version: string; catalogETag: string }>()
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/)
    expect(body.catalogETag).toBe((await request('/api/v1/catalog')).headers.get('etag'))
  })

  it('stamps planner answers with the catalog revision they were computed from', async () => {
    const { catalogETag } = await (await request('/api/health')).json<{ catalogETag: string }>()
    const plan = await postJson('/api/v1/plan/transfer', { from: 'meraxes', to: 'caraxes', bytes: 1e9 })
    expect(plan.status).toBe(200)
    expect(plan.headers.get('catalog-revision')).toBe(catalogETag)
    expect(plan.headers.get('etag')).toBeNull()
  })
})

describe('GET /api/openapi.json', () => {
  it('serves the committed document, response examples included', async () => {
    const res = await request('/api/openapi.json')
    expect(res.headers.get('content-type')).toContain('application/json')
    expect(res.headers.get('etag')).toBeTruthy()
    const doc = await res.json<{
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content?: Record<string, { example?: unknown }> }> }>
      >
    }>()
    expect(
      doc.paths['/api/v1/nodes']!.get!.responses['200']!.content!['application/json']!.example,
    ).toMatchObject({ count: 2 })
  })
})
