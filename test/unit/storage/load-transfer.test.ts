import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { resolveDevices } from '../../../api/src/domain/storage/devices.ts'
import { loadFromDevice, loadSecondsFromNode } from '../../../api/src/domain/storage/load.ts'
import { TransferRequestSchema } from '../../../api/src/domain/storage/schemas.ts'
import { listNetworkLinks, planTransfer } from '../../../api/src/domain/storage/transfer.ts'
import { catalog, errorOf } from './helpers.ts'

const transfer = (from: string, to: string, bytes: number) =>
  planTransfer(TransferRequestSchema.parse({ from, to, bytes }), catalog)
const sn850x = resolveDevices(catalog).find((d) => d.storageId === 'meraxes-sn850x-4tb')!

describe('loadSecondsFromNode', () => {
  it('loads 40 GB on MERAXES at the SN850X read rate: 40e9 / 7,300e6 = 5.48 s', () => {
    // PCIe 4.0 x16 (31,507 MB/s) and the drive's own 4.0 x4 link (7,877 MB/s) are both faster than 7,300 MB/s.
    const load = loadSecondsFromNode(catalog, 'meraxes', 40e9, { generation: 4, lanes: 16 })
    expect(load).toMatchObject({
      seconds: 5.48,
      bottleneck: { kind: 'drive-read', MBps: 7300 },
      drive: { storageId: 'meraxes-sn850x-4tb' },
    })
  })

  it('names the GPU link when it is slower than the drive', () => {
    // A PCIe 3.0 x1 GPU link carries 984.6 MB/s: 40e9 / 984.6e6 = 40.63 s.
    const load = loadSecondsFromNode(catalog, 'meraxes', 40e9, { generation: 3, lanes: 1 })
    expect(load).toMatchObject({ seconds: 40.63, bottleneck: { kind: 'gpu-pcie', MBps: 984.6 } })
  })

  it('is null on CARAXES: its only storage (HBA disks) has no known read rate', () => {
    expect(loadSecondsFromNode(catalog, 'caraxes', 40e9, { generation: 3, lanes: 16 })).toBeNull()
  })

  it('never loads more data faster (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e15 }), fc.integer({ min: 0, max: 1e14 }), (bytes, extra) => {
        const a = loadFromDevice(sn850x, bytes, null)!.seconds
        const b = loadFromDevice(sn850x, bytes + extra, null)!.seconds
        return b >= a
      }),
      { numRuns: 200 },
    )
  })
})

describe('planTransfer', () => {
  it("prices MERAXES → CARAXES at 1 Gb/s, bottleneck CARAXES's RTL8168", () => {
    // 40 GB × 8 / 1 Gb/s = 320 s raw; TCP payload 1,000 / 8 × 0.94 = 117.5 MB/s → 40e9 / 117.5e6 = 340.43 s.
    const plan = transfer('meraxes', 'caraxes', 40e9)
    expect(plan).toMatchObject({
      verdict: 'priced',
      seconds: 340.43,
      rawLinkSeconds: 320,
      link: { id: 'lab-lan', effectiveMbps: 1000 },
    })
    expect(plan.bottleneck).toMatchObject({ kind: 'network', MBps: 117.5 })
    expect(plan.bottleneck!.name).toMatch(/CARAXES RTL8111\/8168/)
    expect(plan.from).toMatchObject({ storageId: 'meraxes-sn850x-4tb', chosen: 'fastest-known' })
    expect(plan.unknowns.join(' ')).toContain('Destination write rate unknown')
  })

  it('bounds a same-node copy by the drives: SN850X → SN770 writes at 4,850 MB/s = 8.25 s for 40 GB', () => {
    const plan = transfer('meraxes:meraxes-sn850x-4tb', 'meraxes:meraxes-sn770-2tb', 40e9)
    expect(plan).toMatchObject({
      sameNode: true,
      link: null,
      seconds: 8.25,
      bottleneck: { kind: 'drive-write', MBps: 4850 },
    })
  })

  it('picks the other drive when a node copies onto one of its own', () => {
    const plan = transfer('meraxes', 'meraxes:meraxes-sn850x-4tb', 1e9)
    expect(plan.from.storageId).toBe('meraxes-sn770-2tb')
  })

  it('refuses from == to and unknown ids, naming the field', () => {
    expect(
      TransferRequestSchema.safeParse({ from: 'meraxes', to: 'MERAXES', bytes: 1 }).error?.issues[0]?.path,
    ).toEqual(['to'])
    expect(errorOf(() => transfer('meraxes:nope', 'caraxes', 1))).toMatchObject({
      kind: 'not-found',
      pointer: '/from',
    })
    expect(errorOf(() => transfer('meraxes', 'caraxis', 1))).toMatchObject({
      kind: 'not-found',
      pointer: '/to',
    })
  })
})

describe('listNetworkLinks', () => {
  it('lists each link with the slower end as its bottleneck', () => {
    const { links } = listNetworkLinks(catalog)
    expect(links.map((l) => [l.id, l.effectiveMbps, l.bottleneck.nicModel])).toEqual([
      ['lab-lan', 1000, 'realtek-rtl8168'],
      ['lab-management', 1000, 'realtek-rtl8168'],
    ])
    expect(listNetworkLinks(catalog, 'meraxes').links).toHaveLength(2)
  })
})
