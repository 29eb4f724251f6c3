import { describe, expect, it } from 'vitest'
import { jsonOf, postJson, problemOf, request } from './request.ts'

describe('GET /api/v1/nodes/{node}', () => {
  it("shows MERAXES's RTX 3090 Ti with its corrected device ID in group 30", async () => {
    const res = await request('/api/v1/nodes/meraxes')
    expect(res.status).toBe(200)
    const node = await jsonOf<{
      devices: {
        address: string
        vendorDevice: string
        subsystem: string
        iommuGroup: number
        provenance: { fields: Record<string, { status: string }> }
      }[]
    }>(res)
    const gpu = node.devices.find((d) => d.address === '0000:0d:00.0')!
    expect(gpu).toMatchObject({ vendorDevice: '10de:2203', subsystem: '10de:1618', iommuGroup: 30 })
    expect(gpu.provenance.fields.vendorDevice?.status).toBe('corrected')
  })

  it('answers an unknown node with a 404 naming the known nodes', async () => {
    const res = await request('/api/v1/nodes/meraxis')
    expect(res.status).toBe(404)
    const problem = await problemOf(res)
    expect(problem.detail).toContain('caraxes, meraxes')
    expect(problem.detail).toContain('did you mean "meraxes"')
  })

  it('rejects a malformed node id with a 400 naming the parameter', async () => {
    const problem = await problemOf(await request('/api/v1/nodes/MERAXES!'))
    expect(problem.status).toBe(400)
    expect(problem.errors?.[0]).toMatchObject({ in: 'path', pointer: '/node' })
  })
})

describe('GET /api/v1/nodes/{node}/devices/{address}', () => {
  it.each(['0e:00', '0000:0e:00', '0E:00'])(
    'expands the slot %s to every function of the 2080 SUPER',
    async (address) => {
      const res = await request(`/api/v1/nodes/caraxes/devices/${address}`)
      const body = await jsonOf<{
        address: string
        allFunctions: boolean
        devices: { address: string; iommuGroup: number }[]
      }>(res)
      expect(body.address).toBe('0000:0e:00')
      expect(body.allFunctions).toBe(true)
      expect(body.devices.map((d) => d.address)).toEqual([
        '0000:0e:00.0',
        '0000:0e:00.1',
        '0000:0e:00.2',
        '0000:0e:00.3',
      ])
      expect(new Set(body.devices.map((d) => d.iommuGroup))).toEqual(new Set([31]))
    },
  )

  it.each(['0e:00.0', '0000:0e:00.0'])('normalises %s to one function', async (address) => {
    const body = await jsonOf<{ address: string; devices: unknown[] }>(
      await request(`/api/v1/nodes/caraxes/devices/${address}`),
    )
    expect(body.address).toBe('0000:0e:00.0')
    expect(body.devices).toHaveLength(1)
  })

  it('answers a malformed address with a 400 naming the parameter', async () => {
    const problem = await problemOf(await request('/api/v1/nodes/caraxes/devices/zz:00.9'))
    expect(problem.status).toBe(400)
    expect(problem.errors?.[0]?.pointer).toBe('/address')
    expect(problem.errors?.[0]?.detail).toContain('0e:00.0')
  })

  it('answers an address not on the node with a 404 naming the nearest devices', async () => {
    const problem = await problemOf(await request('/api/v1/nodes/caraxes/devices/0e:01.0'))
    expect(problem.status).toBe(404)
    expect(problem.detail).toContain('0000:0e:00.0')
  })
})

describe('GET /api/v1/devices', () => {
  it('filters by class, node and vendor:device', async () => {
    const gpus = await jsonOf<{ items: { node: string; vendorDevice: string }[]; count: number }>(
      await request('/api/v1/devices?class=0300'),
    )
    expect(gpus.items.map((d) => `${d.node} ${d.vendorDevice}`)).toEqual([
      'caraxes 10de:1e81',
      'meraxes 10de:2203',
    ])
    expect(gpus.count).toBe(2)
    const group = await jsonOf<{ items: unknown[] }>(
      await request('/api/v1/devices?node=caraxes&iommuGroup=31'),
    )
    expect(group.items).toHaveLength(4)
    const byId = await jsonOf<{ items: unknown[] }>(await request('/api/v1/devices?vendorDevice=1022:149c'))
    expect(byId.items).toHaveLength(3)
  })

  it.each(['class=0300&class=0108', 'class=0300,0108'])(
    'takes several values of a filter (%s), matching any',
    async (query) => {
      const both = await jsonOf<{ items: { classCode: string }[] }>(request(`/api/v1/devices?${query}`))
      const gpus = await jsonOf<{ count: number }>(request('/api/v1/devices?class=0300'))
      const nvme = await jsonOf<{ count: number }>(request('/api/v1/devices?class=0108'))
      expect(both.items.length).toBe(gpus.count + nvme.count)
      expect(new Set(both.items.map((d) => d.classCode))).toEqual(new Set(['0300', '0108']))
    },
  )

  it('pages with limit and offset; count is the total before paging', async () => {
    const all = await jsonOf<{ items: { address: string }[]; count: number; offset: number; limit: number }>(
      request('/api/v1/devices'),
    )
    expect(all).toMatchObject({ offset: 0, limit: 100 })
    expect(all.count).toBe(all.items.length)
    const second = await jsonOf<{
      items: { address: string }[]
      count: number
      offset: number
      limit: number
    }>(request('/api/v1/devices?limit=2&offset=2'))
    expect(second).toMatchObject({ count: all.count, offset: 2, limit: 2 })
    expect(second.items).toEqual(all.items.slice(2, 4))
  })

  it.each(['limit=0', 'limit=1001', 'offset=-1', 'limit=ten'])(
    'rejects the paging parameter %s with a 400',
    async (query) => {
      const problem = await problemOf(await request(`/api/v1/devices?${query}`))
      expect(problem.status).toBe(400)
      expect(problem.errors?.[0]?.pointer).toBe(`/${query.split('=')[0]}`)
    },
  )

  it.each([
    ['class=VGA', '/class/0'],
    ['class=0300,VGA', '/class/1'],
    ['iommuGroup=thirty', '/iommuGroup/0'],
    ['vendorDevice=10de-2203', '/vendorDevice/0'],
  ])('rejects the filter %s with a 400 naming it', async (query, pointer) => {
    const problem = await problemOf(await request(`/api/v1/devices?${query}`))
    expect(problem.status).toBe(400)
    expect(problem.errors?.[0]?.pointer).toBe(pointer)
  })
})

describe('IOMMU groups', () => {
  it("lists CARAXES's group 31 with the four GPU functions", async () => {
    const group = await jsonOf<{ members: { vendorDevice: string }[] }>(
      await request('/api/v1/nodes/caraxes/iommu-groups/31'),
    )
    expect(group.members.map((m) => m.vendorDevice)).toEqual([
      '10de:1e81',
      '10de:10f8',
      '10de:1ad8',
      '10de:1ad9',
    ])
  })

  it("lists a node's groups as an envelope, sorted by number", async () => {
    const list = await jsonOf<{ items: { id: number }[]; count: number }>(
      request('/api/v1/nodes/caraxes/iommu-groups'),
    )
    expect(list.count).toBe(list.items.length)
    expect(list.items.map((g) => g.id)).toEqual([...list.items.map((g) => g.id)].sort((x, y) => x - y))
  })

  it("answers an unknown group with a 404 listing the node's groups", async () => {
    const problem = await problemOf(await request('/api/v1/nodes/caraxes/iommu-groups/99'))
    expect(problem.status).toBe(404)
    expect(problem.detail).toContain('22, 23, 24, 25, 26, 27, 29, 30, 31, 38')
  })

  it('rejects a non-numeric group with a 400', async () => {
    expect((await problemOf(await request('/api/v1/nodes/caraxes/iommu-groups/abc'))).status).toBe(400)
  })
})

describe('HTTP behaviour', () => {
  it('sends an ETag and answers If-None-Match with 304', async () => {
    const first = await request('/api/v1/catalog')
    const tag = first.headers.get('etag')
    expect(tag).toBeTruthy()
    expect(first.headers.get('cache-control')).toContain('max-age')
    const second = await request('/api/v1/catalog', { headers: { 'If-None-Match': tag! } })
    expect(second.status).toBe(304)
  })

  it('answers an unknown path with a problem+json 404', async () => {
    expect((await problemOf(await request('/api/v1/nope'))).status).toBe(404)
  })

  it('answers a wrong method with 405 and Allow', async () => {
    const res = await request('/api/v1/nodes', { method: 'DELETE' })
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('GET, HEAD')
    await problemOf(res)
    expect((await request('/api/v1/plan/vram-fit', { method: 'GET' })).headers.get('allow')).toBe('POST')
  })

  it('answers a non-JSON POST with 415', async () => {
    const res = await request('/api/v1/nodes', {
      method: 'POST',
      body: 'x',
      headers: { 'Content-Type': 'text/plain' },
    })
    expect(res.status).toBe(415)
  })

  it('answers a body over 1 MiB with 413', async () => {
    const res = await postJson('/api/v1/nodes', { blob: 'x'.repeat(1024 * 1024 + 1) })
    expect(res.status).toBe(413)
    await problemOf(res)
  })

  it('serves the OpenAPI 3.1 document', async () => {
    const doc = await jsonOf<{ openapi: string; paths: Record<string, unknown> }>(
      await request('/api/openapi.json'),
    )
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths)).toContain('/api/v1/nodes/{node}/devices/{address}')
  })
})
