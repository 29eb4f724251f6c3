import fc from 'fast-check'
import { loadCatalog } from '../../../api/scripts/load-catalog.ts'
import { resolveDevices } from '../../../api/src/domain/storage/devices.ts'
import { perfOf } from '../../../api/src/domain/storage/placement.ts'
import { describe, expect, it } from 'vitest'
import {
  PurposeSchema,
  StoragePlanRequestSchema,
  type StoragePlanRequestInput,
} from '../../../api/src/domain/storage/schemas.ts'
import { errorOf, plan } from './helpers.ts'

const THREE: StoragePlanRequestInput['items'] = [
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
    readers: ['meraxes'],
  },
]

describe('planStorageTier: a model store, a dataset and a VM disk at once', () => {
  const result = plan({ items: THREE })
  const item = (name: string) => result.items.find((i) => i.name === name)!

  it('places every item, latency-sensitive first, then largest first', () => {
    expect(result.items.map((i) => [i.name, i.verdict, i.placementOrder, i.recommended?.storageId])).toEqual([
      ['gguf-store', 'placed', 3, 'meraxes-sn850x-4tb'],
      ['dataset', 'placed', 2, 'meraxes-sn850x-4tb'],
      ['vm-101', 'placed', 1, 'meraxes-sn770-2tb'],
    ])
    expect(result.unplaced).toEqual([])
  })

  it('reports room left: SN850X usable 3.6 TB − 2 TB − 40 GB = 1.56 TB', () => {
    expect(item('gguf-store').recommended!.capacityLeftBytes).toBe(1.56e12)
    expect(result.devices.find((d) => d.storageId === 'meraxes-sn850x-4tb')).toMatchObject({
      placedBytes: 2.04e12,
      leftBytes: 1.56e12,
    })
  })

  it('times the model load into the RTX 3090 Ti: 40e9 / 7,300e6 = 5.48 s, drive-bound', () => {
    expect(item('gguf-store').loadTimes[0]).toMatchObject({
      reader: 'meraxes',
      sink: 'gpu',
      seconds: 5.48,
      bottleneck: { kind: 'drive-read' },
    })
  })

  it('prices the copy to CARAXES at 117.5 MB/s: 2e12 / 117.5e6 = 17,021.28 s (16,000 s raw at 1 Gb/s)', () => {
    expect(item('dataset').copyTimes[0]).toMatchObject({
      toNode: 'caraxes',
      seconds: 17021.28,
      rawLinkSeconds: 16000,
      bottleneck: { kind: 'network' },
    })
  })

  it('says the preferred HBA tier has unknown capacity for the dataset', () => {
    expect(item('dataset').warnings.map((w) => w.code)).toContain('capacity-unknown')
    expect(item('dataset').alternatives.find((a) => a.tier === 'hba-mass')).toMatchObject({
      fits: null,
      capacityLeftBytes: null,
    })
  })

  it("costs the VM disk's endurance: 1,200 TBW at 20 GB/day = 1.2e15 / 7.3e12 = 164.38 years", () => {
    expect(item('vm-101').endurance).toEqual([
      {
        node: 'meraxes',
        storageId: 'meraxes-sn770-2tb',
        dailyWritesBytes: 20e9,
        enduranceTbw: 1200,
        yearsToTbw: 164.38,
        reason: null,
      },
    ])
  })
})

describe('planStorageTier: endurance, redundancy and the OS drive', () => {
  it('gives 65.75 years for 100 GB/day on a 2,400 TBW SN850X (2.4e15 / 3.65e13)', () => {
    const r = plan({
      items: [
        { name: 'repo', purpose: 'model-store', sizeBytes: 100e9, readPercent: 90, dailyWritesBytes: 100e9 },
      ],
    })
    expect(r.items[0]!.endurance[0]).toMatchObject({ storageId: 'meraxes-sn850x-4tb', yearsToTbw: 65.75 })
  })

  it('answers null with a reason on the PM9B1, whose TBW is unpublished', () => {
    // Fill the two WD drives so the cache lands on the PM9B1.
    const r = plan({
      items: [
        { name: 'big', purpose: 'dataset', sizeBytes: 3.6e12 },
        { name: 'mid', purpose: 'scratch', sizeBytes: 1.8e12 },
        { name: 'cache', purpose: 'model-cache', sizeBytes: 100e9, readPercent: 50, dailyWritesBytes: 50e9 },
      ],
    })
    const cache = r.items[2]!
    expect(cache.recommended!.storageId).toBe('meraxes-pm9b1-1tb')
    expect(cache.endurance[0]).toMatchObject({ yearsToTbw: null })
    expect(cache.endurance[0]!.reason).toContain('PM9B1')
    expect(cache.warnings.map((w) => w.code)).toEqual(['endurance-unknown'])
  })

  it('warns when bulk data lands on the host OS drive', () => {
    const r = plan({
      items: [
        { name: 'a', purpose: 'dataset', sizeBytes: 3.6e12 },
        { name: 'b', purpose: 'dataset', sizeBytes: 1.8e12 },
        { name: 'c', purpose: 'backup', sizeBytes: 500e9 },
      ],
    })
    expect(r.items[2]!.warnings.map((w) => w.code)).toContain('host-os-drive')
  })

  it('mirrors across two MERAXES drives when asked, and warns when no second drive has room', () => {
    const ok = plan({
      items: [{ name: 'm', purpose: 'model-store', sizeBytes: 500e9, redundancy: 'mirror' }],
    })
    expect(ok.items[0]!.recommended!.mirror?.storageId).toBe('meraxes-sn770-2tb')
    expect(ok.items[0]!.endurance).toHaveLength(2)
    const big = plan({
      items: [{ name: 'm', purpose: 'model-store', sizeBytes: 3e12, redundancy: 'mirror' }],
    })
    expect(big.items[0]!.recommended!.mirror).toBeNull()
    expect(big.items[0]!.warnings.map((w) => w.code)).toContain('redundancy-unmet')
  })

  it('plans on declared HBA disks: a mirror inside the pool, and the one-card warning', () => {
    const r = plan({
      declaredDisks: [{ count: 4, capacityBytes: 8e12, sequentialReadMBps: 250, sequentialWriteMBps: 240 }],
      items: [
        { name: 'ds', purpose: 'dataset', sizeBytes: 2e12, redundancy: 'mirror', readers: ['caraxes'] },
      ],
    })
    const ds = r.items[0]!
    // Pool 4 × 8 TB = 32 TB, usable 28.8 TB; a mirror takes 2 × 2 TB → 24.8 TB left.
    expect(ds.recommended).toMatchObject({
      storageId: 'caraxes-hba-disks',
      capacityLeftBytes: 24.8e12,
      mirror: { storageId: 'caraxes-hba-disks' },
    })
    expect(ds.warnings.map((w) => w.code)).toEqual(['hba-single-card'])
    // Read: 4 × 250 = 1,000 MB/s striped → 2e12 / 1e9 = 2,000 s into CARAXES host memory.
    expect(ds.loadTimes[0]).toMatchObject({ reader: 'caraxes', sink: 'host-memory', seconds: 2000 })
  })
})

describe('planStorageTier: what does not fit, and bad input', () => {
  it('reports an item too big for every device, with the most room left', () => {
    const r = plan({ items: [{ name: 'huge', purpose: 'dataset', sizeBytes: 5e12 }] })
    expect(r.items[0]).toMatchObject({ verdict: 'does-not-fit', recommended: null })
    expect(r.unplaced[0]!.reason).toContain('3.6 TB on meraxes:meraxes-sn850x-4tb')
    expect(r.unplaced[0]!.reason).toContain('capacity unknown on caraxes-hba-disks')
  })

  it.each([
    [{ items: [{ name: 'x', purpose: 'dataset', sizeBytes: -1 }] }, ['items', 0, 'sizeBytes']],
    [{ items: [{ name: 'x', purpose: 'dataset', sizeBytes: 2e15 }] }, ['items', 0, 'sizeBytes']],
    [{ items: [{ name: 'x', purpose: 'photos', sizeBytes: 1 }] }, ['items', 0, 'purpose']],
    [
      { items: [{ name: 'x', purpose: 'dataset', sizeBytes: 1, readPercent: 101 }] },
      ['items', 0, 'readPercent'],
    ],
    [
      { items: [{ name: 'x', purpose: 'dataset', sizeBytes: 1, readPercent: 100, dailyWritesBytes: 1e9 }] },
      ['items', 0, 'dailyWritesBytes'],
    ],
    [
      {
        items: [
          { name: 'x', purpose: 'dataset', sizeBytes: 1 },
          { name: 'x', purpose: 'dataset', sizeBytes: 1 },
        ],
      },
      ['items', 1, 'name'],
    ],
  ])('rejects %j at the field', (input, path) => {
    expect(StoragePlanRequestSchema.safeParse(input).error?.issues[0]?.path).toEqual(path)
  })

  it('404s an unknown reader or storage id, 422s disks declared for an NVMe drive', () => {
    expect(
      errorOf(() =>
        plan({ items: [{ name: 'x', purpose: 'dataset', sizeBytes: 1, readers: ['meraxes', 'caraxis'] }] }),
      ),
    ).toMatchObject({ kind: 'not-found', pointer: '/items/0/readers/1' })
    expect(
      errorOf(() =>
        plan({
          items: [
            {
              name: 'x',
              purpose: 'dataset',
              sizeBytes: 1,
              declaredDisks: [{ storageId: 'nope', count: 1, capacityBytes: 1e12 }],
            },
          ],
        }),
      ),
    ).toMatchObject({ kind: 'not-found', pointer: '/items/0/declaredDisks/0/storageId' })
    expect(
      errorOf(() =>
        plan({
          declaredDisks: [{ storageId: 'meraxes-sn770-2tb', count: 1, capacityBytes: 1e12 }],
          items: [{ name: 'x', purpose: 'dataset', sizeBytes: 1 }],
        }),
      ),
    ).toMatchObject({ kind: 'invalid', pointer: '/declaredDisks/0/storageId' })
  })
})

describe('planStorageTier properties', () => {
  const itemArb = fc.record({
    purpose: fc.constantFrom(...PurposeSchema.options),
    sizeBytes: fc.integer({ min: 1, max: 4e12 }),
    latencySensitive: fc.boolean(),
    redundancy: fc.constantFrom('none' as const, 'mirror' as const),
  })
  const disksArb = fc.option(
    fc.record({ count: fc.integer({ min: 1, max: 6 }), capacityBytes: fc.integer({ min: 1e11, max: 2e13 }) }),
    { nil: undefined },
  )

  it('never overfills a device, and counts every placed byte', () => {
    fc.assert(
      fc.property(fc.array(itemArb, { minLength: 1, maxLength: 12 }), disksArb, (items, disks) => {
        const r = plan({
          items: items.map((it, i) => ({ ...it, name: `item-${i}` })),
          ...(disks ? { declaredDisks: [disks] } : {}),
        })
        for (const d of r.devices) {
          if (d.usableBytes === null) expect(d.placedBytes).toBe(0)
          else expect(d.placedBytes).toBeLessThanOrEqual(d.usableBytes)
        }
        const copies = r.items
          .filter((i) => i.verdict === 'placed')
          .reduce((s, i) => s + i.sizeBytes * (i.recommended!.mirror ? 2 : 1), 0)
        expect(r.devices.reduce((s, d) => s + d.placedBytes, 0)).toBe(copies)
      }),
      { numRuns: 150 },
    )
  })

  it('never times a bigger model store faster (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3e12 }), fc.integer({ min: 0, max: 5e11 }), (size, extra) => {
        const t = (bytes: number) =>
          plan({ items: [{ name: 'm', purpose: 'model-store', sizeBytes: bytes }] }).items[0]!.loadTimes[0]!
            .seconds!
        return t(size + extra) >= t(size)
      }),
      { numRuns: 60 },
    )
  })
})

describe('readPercent', () => {
  it('ranks drives by their rate for the read/write mix (harmonic mean of read and write)', () => {
    const sn770 = resolveDevices(loadCatalog('data'), 'meraxes').find(
      (d) => d.storageId === 'meraxes-sn770-2tb',
    )!
    const item = {
      name: 'vm',
      purpose: 'vm-disk',
      sizeBytes: 1e9,
      access: 'random',
      readPercent: 70,
      dailyWritesBytes: 1e9,
      latencySensitive: true,
      readers: [],
      redundancy: 'none',
    } as const
    // SN770 2TB: 650,000 random read, 800,000 random write IOPS (WD product brief):
    // 0.7 / 650,000 + 0.3 / 800,000 = 1.076923e-6 + 0.375e-6 = 1.451923e-6 s per I/O → 688,742 IOPS.
    expect(Math.round(perfOf(item as never, sn770))).toBe(688742)
    expect(perfOf({ ...item, readPercent: undefined } as never, sn770)).toBe(650000)
  })
})
