import { describe, expect, it } from 'vitest'
import { jsonOf, problemOf, request } from './request.ts'

interface GpuList {
  items: {
    slug: string
    vendor: string
    vramBytes: number
    backends: string[]
    segment: string
    resetBug: string
    href: string
  }[]
  count: number
  offset: number
  limit: number
}

describe('GET /api/v1/gpus', () => {
  it('lists at least 60 cards in the list envelope, by slug', async () => {
    const list = await jsonOf<GpuList>(request('/api/v1/gpus'))
    expect(list.count).toBeGreaterThanOrEqual(60)
    expect(list).toMatchObject({ offset: 0, limit: 100 })
    expect(list.items).toHaveLength(Math.min(list.count, 100))
    const slugs = list.items.map((g) => g.slug)
    expect(slugs).toEqual([...slugs].sort())
    expect(list.items.find((g) => g.slug === 'nvidia-rtx-4090')).toMatchObject({
      vendor: 'NVIDIA',
      vramBytes: 24 * 2 ** 30,
      href: '/api/v1/gpus/nvidia-rtx-4090',
    })
  })

  it.each(['vendor=amd&vendor=intel', 'vendor=AMD,Intel'])('takes several vendors: %s', async (query) => {
    const list = await jsonOf<GpuList>(request(`/api/v1/gpus?${query}`))
    expect(list.count).toBeGreaterThan(0)
    expect(new Set(list.items.map((g) => g.vendor))).toEqual(new Set(['AMD', 'Intel']))
  })

  it('combines backend, segment and minVramBytes filters', async () => {
    const list = await jsonOf<GpuList>(
      request(`/api/v1/gpus?backend=rocm&segment=datacenter&minVramBytes=${32 * 2 ** 30}`),
    )
    expect(list.items.map((g) => g.slug)).toEqual([
      'amd-instinct-mi100',
      'amd-instinct-mi50-32gb',
      'amd-instinct-mi60',
    ])
    expect(list.items.every((g) => g.backends.includes('rocm') && g.vramBytes >= 32 * 2 ** 30)).toBe(true)
  })

  it('pages with limit and offset; count stays the total', async () => {
    const all = await jsonOf<GpuList>(request('/api/v1/gpus'))
    const page = await jsonOf<GpuList>(request('/api/v1/gpus?limit=5&offset=10'))
    expect(page).toMatchObject({ count: all.count, offset: 10, limit: 5 })
    expect(page.items.map((g) => g.slug)).toEqual(all.items.slice(10, 15).map((g) => g.slug))
  })

  it('reads vendor, backend and segment in any case', async () => {
    const list = await jsonOf<GpuList>(request('/api/v1/gpus?vendor=Amd&backend=ROCM&segment=DataCenter'))
    expect(list.count).toBeGreaterThan(0)
    expect(list.items.every((g) => g.vendor === 'AMD' && g.segment === 'datacenter')).toBe(true)
  })

  // The list convention of docs/API.md ("Lists"): a bad value of a several-valued filter is
  // pointed at by its index; paging is the shared limit/offset.
  it.each([
    ['backend=opencl', '/backend/0', 'cuda, rocm, vulkan, sycl, metal'],
    ['vendor=amd,nvidea', '/vendor/1', 'NVIDIA, AMD, Intel'],
    ['vendor=amd&vendor=intel&vendor=', '/vendor/2', 'NVIDIA, AMD, Intel'],
    ['minVramBytes=-1', '/minVramBytes', 'an integer from 0 to 17592186044416'],
    ['minVramBytes=17592186044417', '/minVramBytes', '<=17592186044416'],
    ['limit=1001', '/limit', '<=1000'],
    ['limit=0', '/limit', '>=1'],
    ['offset=x', '/offset', 'an integer'],
    ['vendors=amd', '/vendors', 'did you mean "vendor"'],
  ])('rejects %s with a 400 naming the parameter', async (query, pointer, expected) => {
    const problem = await problemOf(await request(`/api/v1/gpus?${query}`))
    expect(problem.status).toBe(400)
    expect(problem.errors?.[0]).toMatchObject({ in: 'query', pointer })
    expect(problem.errors?.[0]?.detail).toContain(expected)
  })
})

describe('GET /api/v1/gpus/{slug}', () => {
  it('returns the full card with provenance and public sources', async () => {
    const gpu = await jsonOf<{
      gfxTarget: string
      passthrough: { resetBug: string; resetFix: string }
      sources: string[]
    }>(request('/api/v1/gpus/amd-radeon-vii'))
    expect(gpu.gfxTarget).toBe('gfx906')
    expect(gpu.passthrough.resetBug).toBe('affected')
    expect(gpu.passthrough.resetFix).toContain('vendor-reset')
    expect(gpu.sources.every((s) => s.startsWith('https://'))).toBe(true)
  })

  it('answers an unknown slug with a 404 naming the nearest slugs', async () => {
    const problem = await problemOf(await request('/api/v1/gpus/nvidia-rtx-4095'))
    expect(problem.status).toBe(404)
    expect(problem.detail).toContain('nvidia-rtx-4090')
    expect(problem.errors?.[0]).toMatchObject({ in: 'path', pointer: '/slug' })
  })
})
