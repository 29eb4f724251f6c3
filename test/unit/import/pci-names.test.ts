import { describe, expect, it } from 'vitest'
import { loadCatalog } from '../../../api/scripts/load-catalog.ts'
import { catalogNames, namesFor, parsePciIds } from '../../../api/src/domain/import/pci-names.ts'
import { roleFor } from '../../../api/src/domain/import/roles.ts'

// The pci.ids layout (pciutils/pciids README): vendor lines, TAB device lines, TAB TAB subsystems.
const PCI_IDS = [
  '# comment',
  '10de  NVIDIA Corporation',
  '\t1e81  TU104 [GeForce RTX 2080 SUPER]',
  '\t\t3842 3081  RTX 2080 Super Black',
  '1b21  ASMedia Technology Inc.',
  '\t0612  ASM1062 Serial ATA Controller',
  'C 03  Display controller',
  '\t00  VGA compatible controller',
].join('\n')

describe('PCI names', () => {
  const local = parsePciIds(PCI_IDS)
  const catalog = catalogNames(loadCatalog('data').nodes)

  it('parses vendors and devices of pci.ids and stops at the class section', () => {
    expect(local.vendors.get('1b21')).toBe('ASMedia Technology Inc.')
    expect(local.devices.get('10de:1e81')).toBe('TU104 [GeForce RTX 2080 SUPER]')
    expect(local.vendors.has('03')).toBe(false)
  })

  it("prefers the host's own names, cuts the vendor off lspci -nnk's description, else asks the tables", () => {
    const base = { address: '0000:04:00.0', sources: [] }
    expect(
      namesFor(
        {
          ...base,
          vendorDevice: '1b21:0612',
          description: 'ASMedia Technology Inc. ASM1062 Serial ATA Controller',
        },
        [local],
      ),
    ).toEqual({ vendorName: 'ASMedia Technology Inc.', name: 'ASM1062 Serial ATA Controller' })
    expect(
      namesFor({ ...base, vendorDevice: '10de:2203', description: 'NVIDIA Corporation Device' }, [catalog]),
    ).toEqual({ vendorName: 'NVIDIA Corporation', name: 'GA102 [GeForce RTX 3090 Ti]' })
    expect(namesFor({ ...base, vendorDevice: 'abcd:1234' }, [local, catalog])).toEqual({
      vendorName: 'abcd',
      name: 'abcd:1234',
    })
  })

  it("gives a GPU slot's audio and USB functions their GPU roles", () => {
    expect([
      roleFor('0403', true),
      roleFor('0403', false),
      roleFor('0c03', true),
      roleFor('0c80', true),
      roleFor('0600', false),
    ]).toEqual(['gpu-audio', 'other', 'gpu-usb', 'gpu-usb-c-ucsi', 'other'])
  })
})
