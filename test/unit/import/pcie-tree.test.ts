/**
 * `lspci -PP -nnk`: each device line starts with its path from the root port (lspci(8),
 * "-PP: Identify PCI devices by path through each bridge, showing the bus as well as the
 * device number"). The element before the device is its upstream bridge; the importer stores
 * it, and the passthrough rule C7 escalates when a passed device shares it with one the host
 * needs. The listing is a B450 chipset layout: the chipset's downstream port 02:04.0 serves
 * the Wi-Fi and the only NIC.
 */
import { describe, expect, it } from 'vitest'
import { loadCatalog } from '../../../api/scripts/load-catalog.ts'
import { prepareImport } from '../../../api/src/domain/import/import-host.ts'
import { parseInput } from '../../../api/src/domain/import/parse-input.ts'
import { checkIommuGroup } from '../../../api/src/domain/passthrough/check-group.ts'

const TREE = [
  '00:01.2 PCI bridge [0604]: Advanced Micro Devices, Inc. [AMD] Starship/Matisse GPP Bridge [1022:1483]',
  '00:01.2/02:00.0 PCI bridge [0604]: ' +
    'Advanced Micro Devices, Inc. [AMD] 400 Series Chipset PCIe Port [1022:43c7] (rev 01)',
  '00:01.2/02:00.0/02:04.0 PCI bridge [0604]: ' +
    'Advanced Micro Devices, Inc. [AMD] 400 Series Chipset PCIe Port [1022:43c7] (rev 01)',
  '00:01.2/02:00.0/02:04.0/0c:00.0 Network controller [0280]: ' +
    'Realtek Semiconductor Co., Ltd. RTL8821CE ' +
    '802.11ac PCIe Wireless Network Adapter [10ec:c821]',
  '\tKernel driver in use: rtw88_8821ce',
  '00:01.2/02:00.0/02:04.0/0d:00.0 Ethernet controller [0200]: ' +
    'Realtek Semiconductor Co., Ltd. RTL8111/8168/8411 ' +
    'PCI Express Gigabit Ethernet Controller [10ec:8168] (rev 15)',
  '\tSubsystem: ASUSTeK Computer Inc. PRIME B450M-A Motherboard [1043:8677]',
  '\tKernel driver in use: r8169',
].join('\n')

describe('lspci -PP', () => {
  it("reads each device's upstream bridge from its path", () => {
    const { devices, unparsed } = parseInput({ text: TREE, name: 'tree.txt' }, 0)
    expect(unparsed).toEqual([])
    expect(devices.map((d) => [d.address, d.upstreamBridge ?? null])).toEqual([
      ['0000:00:01.2', null],
      ['0000:02:00.0', '0000:00:01.2'],
      ['0000:02:04.0', '0000:02:00.0'],
      ['0000:0c:00.0', '0000:02:04.0'],
      ['0000:0d:00.0', '0000:02:04.0'],
    ])
  })

  it('names lspci -P (no bus numbers in the path) as unreadable', () => {
    const { unparsed } = parseInput(
      { text: `${TREE}\n00:01.2/00.0 PCI bridge [0604]: x [1022:43c7]`, name: 'p.txt' },
      0,
    )
    expect(unparsed.map((u) => u.reason)).toEqual(['lspci -P paths lack bus numbers: run lspci -PP -nnk'])
  })

  it("imports the bridges into the catalog, and C7 then blocks the Wi-Fi behind the NIC's port", () => {
    const catalog = loadCatalog('data')
    const { node, diff } = prepareImport('caraxes', [{ text: TREE, name: 'tree.txt' }], catalog)
    expect(node.devices.find((d) => d.address === '0000:0d:00.0')!.upstreamBridge).toBe('0000:02:04.0')
    expect(diff.devices.changed.find((d) => d.address === '0000:0c:00.0')!.changes).toContainEqual({
      field: 'upstreamBridge',
      catalog: null,
      host: '0000:02:04.0',
    })
    const imported = { ...catalog, nodes: catalog.nodes.map((n) => (n.id === 'caraxes' ? node : n)) }
    const c7 = checkIommuGroup('caraxes', 29, imported).checks.find((c) => c.id === 'C7')!
    expect(c7).toMatchObject({ status: 'fail', severity: 'block', devices: ['0000:0c:00.0'] })
    expect(c7.message).toContain('0000:0d:00.0 (1G NIC)')
  })
})
