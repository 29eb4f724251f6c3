import { describe, expect, it } from 'vitest'
import { jsonOf, postJson, problemOf, request } from './request.ts'

interface Tier {
  id: string
  capacityStatus: string
  capacityBytes: number | null
  devices: { storageId: string }[]
}

describe('GET /api/v1/storage-tiers', () => {
  it("derives the lab's tiers, the HBA tier with unknown capacity", async () => {
    const res = await request('/api/v1/storage-tiers')
    expect(res.status).toBe(200)
    const body = await jsonOf<{ tiers: Tier[] }>(res)
    expect(body.tiers.map((t) => t.id)).toEqual(['nvme-fast', 'nvme-capacity', 'nvme-standard', 'hba-mass'])
    expect(body.tiers.at(-1)).toMatchObject({ capacityStatus: 'unknown', capacityBytes: null })
  })

  it('filters by ?node= and per node, and answers an unknown node with a 400 naming the parameter', async () => {
    const caraxes = await jsonOf<{ tiers: Tier[] }>(request('/api/v1/storage-tiers?node=caraxes'))
    expect(caraxes.tiers.map((t) => t.id)).toEqual(['hba-mass'])
    const meraxes = await jsonOf<{ node: string; tiers: Tier[] }>(
      request('/api/v1/nodes/meraxes/storage-tiers'),
    )
    expect(meraxes.node).toBe('meraxes')
    const problem = await problemOf(await request('/api/v1/storage-tiers?node=caraxis'))
    expect(problem).toMatchObject({ status: 400, errors: [{ in: 'query', pointer: '/node' }] })
    expect(problem.detail).toContain('did you mean "caraxes"')
  })
})

describe('GET /api/v1/network/links', () => {
  it('gives each link its effective rate and the bottleneck NIC', async () => {
    const body = await jsonOf<{
      links: { id: string; effectiveMbps: number; bottleneck: { node: string; nicModel: string } }[]
    }>(request('/api/v1/network/links?node=meraxes'))
    expect(body.links[0]).toMatchObject({
      id: 'lab-lan',
      effectiveMbps: 1000,
      bottleneck: { node: 'caraxes', nicModel: 'realtek-rtl8168' },
    })
  })
})

describe('POST /api/v1/plan/storage-tier', () => {
  it('places a model store, a dataset and a VM disk with times and reasons', async () => {
    const res = await postJson('/api/v1/plan/storage-tier', {
      items: [
        { name: 'gguf-store', purpose: 'model-store', sizeBytes: 40e9, readers: ['meraxes'] },
        { name: 'dataset', purpose: 'dataset', sizeBytes: 2e12, readers: ['meraxes'] },
        {
          name: 'vm-101',
          purpose: 'vm-disk',
          sizeBytes: 200e9,
          access: 'random',
          readPercent: 70,
          dailyWritesBytes: 20e9,
          latencySensitive: true,
        },
      ],
    })
    expect(res.status).toBe(200)
    type Item = {
      name: string
      recommended: { storageId: string; reason: string }
      loadTimes: { seconds: number }[]
      copyTimes: { seconds: number; bottleneck: { kind: string } }[]
    }
    const body = await jsonOf<{ items: Item[]; tiers: Tier[] }>(res)
    expect(body.items.map((i) => i.recommended.storageId)).toEqual([
      'meraxes-sn850x-4tb',
      'meraxes-sn850x-4tb',
      'meraxes-sn770-2tb',
    ])
    // 40e9 B / 7,300 MB/s = 5.48 s; 40e9 B / (1,000 Mbps / 8 × 0.94) = 340.43 s
    expect(body.items[0]).toMatchObject({
      loadTimes: [{ seconds: 5.48 }],
      copyTimes: [{ seconds: 340.43, bottleneck: { kind: 'network' } }],
    })
    expect(body.items.every((i) => i.recommended.reason.length > 0)).toBe(true)
    expect(body.tiers.find((t) => t.id === 'hba-mass')?.capacityStatus).toBe('unknown')
  })

  it.each([
    [{ items: [{ name: 'x', purpose: 'dataset', sizeBytes: -5 }] }, '/items/0/sizeBytes'],
    [{ items: [{ name: 'x', purpose: 'dataset', sizeBytes: 2e15 }] }, '/items/0/sizeBytes'],
    [{ items: [{ name: 'x', purpose: 'photos', sizeBytes: 1 }] }, '/items/0/purpose'],
    [
      { items: [{ name: 'x', purpose: 'dataset', sizeBytes: 1, readPercent: 100, dailyWritesBytes: 1 }] },
      '/items/0/dailyWritesBytes',
    ],
  ])('answers %j with a 422 naming the field', async (body, pointer) => {
    const problem = await problemOf(await postJson('/api/v1/plan/storage-tier', body))
    expect(problem.status).toBe(422)
    expect(problem.errors?.[0]).toMatchObject({ in: 'body', pointer })
  })

  it('answers an unknown reader with a 422 naming it (the planner exists; the body is wrong)', async () => {
    const problem = await problemOf(
      await postJson('/api/v1/plan/storage-tier', {
        items: [{ name: 'x', purpose: 'dataset', sizeBytes: 1, readers: ['meraxis'] }],
      }),
    )
    expect(problem).toMatchObject({ status: 422, errors: [{ pointer: '/items/0/readers/0' }] })
  })
})

describe('POST /api/v1/plan/transfer', () => {
  it('prices MERAXES → CARAXES at 1 Gb/s with the RTL8168 named', async () => {
    const body = await jsonOf<{
      seconds: number
      rawLinkSeconds: number
      bottleneck: { kind: string; name: string }
    }>(postJson('/api/v1/plan/transfer', { from: 'meraxes', to: 'caraxes', bytes: 40e9 }))
    expect(body).toMatchObject({ seconds: 340.43, rawLinkSeconds: 320, bottleneck: { kind: 'network' } })
    expect(body.bottleneck.name).toContain('RTL8111/8168')
  })

  it('answers from == to with a 422 on /to, an unknown drive with a 422 on /from', async () => {
    expect(
      (await problemOf(await postJson('/api/v1/plan/transfer', { from: 'caraxes', to: 'caraxes', bytes: 1 })))
        .errors?.[0],
    ).toMatchObject({ pointer: '/to' })
    const missing = await problemOf(
      await postJson('/api/v1/plan/transfer', { from: 'meraxes:nope', to: 'caraxes', bytes: 1 }),
    )
    expect(missing).toMatchObject({ status: 422, errors: [{ pointer: '/from' }] })
  })
})
