import { describe, expect, it } from 'vitest'
import { deriveStorageTiers } from '../../../api/src/domain/storage/tiers.ts'
import { catalog, errorOf } from './helpers.ts'

const tiers = deriveStorageTiers(catalog)
const tier = (id: string) => tiers.tiers.find((t) => t.id === id)!

describe('deriveStorageTiers', () => {
  it('puts each drive in the first tier whose rule it meets', () => {
    // SN850X 4 TB ≥ 4 TB → capacity; SN770 5,150 MB/s ≥ 5,000 → fast; PM9B1 3,600 MB/s < 5,000 → standard.
    expect(tier('nvme-capacity').devices.map((d) => d.storageId)).toEqual(['meraxes-sn850x-4tb'])
    expect(tier('nvme-fast').devices.map((d) => d.storageId)).toEqual(['meraxes-sn770-2tb'])
    expect(tier('nvme-standard').devices.map((d) => d.storageId)).toEqual(['meraxes-pm9b1-1tb'])
    expect(tier('hba-mass').devices.map((d) => d.storageId)).toEqual(['caraxes-hba-disks'])
    expect(tiers.rules.map((r) => r.tier)).toEqual([
      'hba-mass',
      'nvme-capacity',
      'nvme-fast',
      'nvme-standard',
    ])
  })

  it('reports the HBA tier with unknown capacity, not a guess', () => {
    const hba = tier('hba-mass')
    expect(hba).toMatchObject({
      capacityStatus: 'unknown',
      capacityBytes: null,
      usableBytes: null,
      sequentialReadMBps: null,
    })
    expect(hba.devices[0]!.path.kind).toBe('behind-hba')
    expect(hba.devices[0]!.warnings.join(' ')).toContain('declaredDisks')
    expect(hba.devices[0]!.warnings.join(' ')).toContain('passthrough-rules.md §10.4')
  })

  it('gives specs, usable capacity (90 %) and the PCIe path from the catalog', () => {
    const sn850x = tier('nvme-capacity').devices[0]!
    // 4 × 10^12 × 0.9 = 3.6 × 10^12; PCIe 4.0 x4 = 4 × 1,969.2 = 7,876.8 MB/s
    expect(sn850x).toMatchObject({
      usableBytes: 3.6e12,
      sequentialReadMBps: 7300,
      randomReadIops: 1_200_000,
      enduranceTbw: 2400,
    })
    expect(sn850x.path).toMatchObject({
      kind: 'nvme-direct',
      pcie: { generation: 4, lanes: 4 },
      pcieMBps: 7876.8,
    })
  })

  it('flags the host OS drive and its unknown endurance', () => {
    const pm9b1 = tier('nvme-standard').devices[0]!
    expect(pm9b1.hostOs).toBe(true)
    expect(pm9b1.enduranceTbw).toBeNull()
    expect(pm9b1.warnings.join(' ')).toMatch(/Host OS\/boot drive/)
    expect(tier('nvme-standard').suits).toContain('model-cache')
  })

  it('filters by node and 404s an unknown one with the nearest id', () => {
    expect(deriveStorageTiers(catalog, 'caraxes').tiers.map((t) => t.id)).toEqual(['hba-mass'])
    expect(deriveStorageTiers(catalog, 'MERAXES').tiers.map((t) => t.id)).toEqual([
      'nvme-fast',
      'nvme-capacity',
      'nvme-standard',
    ])
    const error = errorOf(() => deriveStorageTiers(catalog, 'meraxis'))
    expect(error).toMatchObject({ kind: 'not-found', pointer: '/node' })
    expect(error?.message).toContain('"meraxes"')
  })
})
