import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { detectFormat, parseInput } from '../../../api/src/domain/import/parse-input.ts'
import { PlanInputError } from '../../../api/src/domain/plan-input-error.ts'

const fixture = (name: string) => readFileSync(`test/unit/import/fixtures/${name}`, 'utf8')
const parse = (text: string, format?: Parameters<typeof parseInput>[0]['format']) =>
  parseInput({ text, format, name: 'test' }, 0)

describe('detectFormat', () => {
  it.each([
    ['pvesh-hardware-pci.txt', 'pvesh-json'],
    ['lspci-vmm.txt', 'lspci-vmm'],
    ['lspci-nnk.txt', 'lspci-nnk'],
    ['iommu-loop-archwiki.txt', 'iommu-loop'],
    ['iommu-loop-vfio-headless.txt', 'iommu-loop'],
    ['sysfs-find.txt', 'sysfs-find'],
  ])('recognises %s as %s', (file, format) => {
    expect(detectFormat(fixture(file).replace(/^#.*$/gm, ''))).toBe(format)
  })
})

describe('pvesh-json', () => {
  it('reads ids, 6-digit classes, groups and subsystems; a 0000:0000 subsystem is none', () => {
    const { devices, unparsed } = parse(fixture('pvesh-hardware-pci.txt'))
    expect(unparsed).toEqual([])
    expect(devices.map((d) => [d.address, d.classCode, d.vendorDevice, d.subsystem, d.iommuGroup])).toEqual([
      ['0000:00:03.1', '0604', '1022:1483', null, 5],
      ['0000:0e:00.0', '0300', '10de:1e81', '3842:3081', 31],
      ['0000:0e:00.1', '0403', '10de:10f8', '3842:3081', 31],
      ['0000:0e:00.2', '0c03', '10de:1ad8', '3842:3081', 31],
      ['0000:0e:00.3', '0c80', '10de:1ad9', '3842:3081', 31],
    ])
    expect(devices[1]).toMatchObject({
      vendorName: 'NVIDIA Corporation',
      deviceName: 'TU104 [GeForce RTX 2080 SUPER]',
    })
    expect(devices.every((d) => d.driver === undefined)).toBe(true) // pvesh carries no driver
  })

  it('reports an item without an id by its line, keeps the rest', () => {
    const text = [
      '[',
      ' {"id":"0000:0e:00.0","class":"0x030000","vendor":"0x10de","device":"0x1e81","iommugroup":-1},',
      ' {"class":"0x040300"}',
      ']',
    ].join('\n')
    const { devices, unparsed } = parse(text)
    expect(devices[0]).toMatchObject({ address: '0000:0e:00.0', iommuGroup: -1 })
    expect(unparsed).toEqual([
      { line: 1, text: '{"class":"0x040300"}', reason: 'item 1: no PCI address in "id"' },
    ])
  })

  it('reports a malformed subsystem or group by item and leaves the field unknown, not null', () => {
    const item = (extra: string) =>
      `{"id":"0000:0e:00.0","class":"0x030000","vendor":"0x10de","device":"0x1e81"${extra}}`
    const text = [
      '[',
      `${item(',"iommugroup":31,"subsystem_vendor":"0x38zz","subsystem_device":"0x3081"')},`,
      `${item(',"iommugroup":"x","subsystem_vendor":"0x3842"').replace('0e:00.0', '0e:00.1')},`,
      item(',"iommugroup":2.5').replace('0e:00.0', '0e:00.2'),
      ']',
    ].join('\n')
    const { devices, unparsed } = parse(text)
    expect(devices.map((d) => [d.address, d.iommuGroup, 'subsystem' in d])).toEqual([
      ['0000:0e:00.0', 31, false],
      ['0000:0e:00.1', undefined, false],
      ['0000:0e:00.2', undefined, false],
    ])
    expect(unparsed.map((u) => [u.line, u.reason])).toEqual([
      [
        2,
        'item 0: "subsystem_vendor" "0x38zz" / "subsystem_device" "0x3081" not both 16-bit hex; subsystem left unknown',
      ],
      [3, 'item 1: "iommugroup" "x" is neither -1 nor a group number; group left unknown'],
      [
        3,
        'item 1: "subsystem_vendor" "0x3842" / "subsystem_device" absent not both 16-bit hex; subsystem left unknown',
      ],
      [4, 'item 2: "iommugroup" 2.5 is neither -1 nor a group number; group left unknown'],
    ])
  })
})

describe('lspci-vmm', () => {
  it('takes the last [id] of each name, the driver, and IOMMUGroup; an unbound device has driver null', () => {
    const { devices, unparsed } = parse(fixture('lspci-vmm.txt'))
    expect(unparsed).toEqual([])
    expect(devices).toMatchObject([
      {
        address: '0000:0e:00.0',
        classCode: '0300',
        vendorDevice: '10de:1e81',
        subsystem: '3842:3081',
        driver: 'vfio-pci',
        iommuGroup: 31,
        deviceName: 'TU104 [GeForce RTX 2080 SUPER]',
      },
      {
        address: '0000:0e:00.1',
        classCode: '0403',
        vendorDevice: '10de:10f8',
        driver: 'vfio-pci',
        iommuGroup: 31,
      },
      {
        address: '0000:0a:00.0',
        classCode: '1300',
        vendorDevice: '1022:1485',
        subsystem: '1043:8808',
        driver: null,
        iommuGroup: 22,
        vendorName: 'Advanced Micro Devices, Inc. [AMD]',
      },
    ])
  })

  it('reports a record without numeric IDs (lspci -vmm without -nn) and a stray line', () => {
    const { unparsed } = parseInput(
      {
        text: [
          'Slot:\t0e:00.0',
          'Class:\tVGA compatible controller',
          'Vendor:\tNVIDIA Corporation',
          'Device:\tTU104',
          '',
          'Slot:\t0000:0e:00.1',
          'Class:\tAudio device [0403]',
          'Vendor:\tNVIDIA Corporation [10de]',
          'Device:\tTU104 HD Audio Controller [10f8]',
          'garbage here',
          '',
        ].join('\n'),
      },
      0,
    )
    expect(unparsed).toEqual([
      { line: 10, text: 'garbage here', reason: 'not a "Tag:<TAB>Value" line' },
      { line: 1, text: 'Slot:\t0e:00.0', reason: 'no numeric IDs: run lspci with -nn' },
    ])
  })
})

describe('lspci-nnk', () => {
  it('reads subsystem and driver from the indented lines; no driver line means unbound', () => {
    const { devices, unparsed } = parse(fixture('lspci-nnk.txt'))
    expect(unparsed).toEqual([])
    expect(devices.map((d) => [d.address, d.classCode, d.vendorDevice, d.subsystem, d.driver])).toEqual([
      ['0000:00:01.0', '0600', '1022:1482', null, null],
      ['0000:03:08.0', '0604', '1022:57a4', null, 'pcieport'],
      ['0000:05:00.0', '0280', '8086:2723', '8086:0084', 'iwlwifi'],
      ['0000:06:00.0', '0200', '8086:1539', '1458:e000', 'igb'],
      ['0000:0b:00.0', '0300', '10de:1b06', '3842:6696', 'vfio-pci'],
      ['0000:0b:00.1', '0403', '10de:10ef', '3842:6696', 'vfio-pci'],
      ['0000:0e:00.3', '0c03', '1022:149c', '1458:5007', 'vfio-pci'],
    ])
    expect(devices.every((d) => d.iommuGroup === undefined)).toBe(true)
  })

  it('reads -D addresses, -v Flags groups, prog-if tails, and ignores other -v lines', () => {
    const text = [
      '0000:0e:00.2 USB controller [0c03]: NVIDIA Corporation TU104 USB 3.1 Host Controller [10de:1ad8] ' +
        '(rev a1) (prog-if 30 [XHCI])',
      '\tSubsystem: eVga.com. Corp. Device [3842:3081]',
      '\tFlags: fast devsel, IRQ 60, IOMMU group 31',
      '\tMemory at f6000000 (64-bit, non-prefetchable) [size=256K]',
      '\tCapabilities: [68] MSI: Enable+ Count=1/1 Maskable- 64bit+',
      '\tKernel driver in use: xhci_hcd',
    ].join('\n')
    expect(parse(text).devices).toEqual([
      {
        address: '0000:0e:00.2',
        classCode: '0c03',
        vendorDevice: '10de:1ad8',
        subsystem: '3842:3081',
        driver: 'xhci_hcd',
        iommuGroup: 31,
        description: 'NVIDIA Corporation TU104 USB 3.1 Host Controller',
        sources: ['lspci-nnk: test'],
      },
    ])
  })

  it('reports every line it cannot read with its number, and says why', () => {
    const text = [
      'root@pve:~# lspci -nnk',
      '0e:00.0 VGA compatible controller [0300]: ' +
        'NVIDIA Corporation TU104 [GeForce RTX 2080 SUPER] [10de:1e81] (rev a1)',
      '\tKernel driver in use: nvidia',
      '0e:00.1 Audio device: NVIDIA Corporation TU104 HD Audio Controller (rev a1)',
      'Segmentation fault',
      '\tKernel driver in use: snd_hda_intel',
    ].join('\n')
    const { devices, unparsed } = parse(text, 'lspci-nnk')
    expect(devices.map((d) => d.address)).toEqual(['0000:0e:00.0'])
    expect(unparsed).toEqual([
      { line: 1, text: 'root@pve:~# lspci -nnk', reason: 'not an lspci device line or IOMMU group header' },
      {
        line: 4,
        text: '0e:00.1 Audio device: NVIDIA Corporation TU104 HD Audio Controller (rev a1)',
        reason: 'no numeric IDs: run lspci with -nn',
      },
      { line: 5, text: 'Segmentation fault', reason: 'not an lspci device line or IOMMU group header' },
      {
        line: 6,
        text: '\tKernel driver in use: snd_hda_intel',
        reason: 'detail line without a device line above it',
      },
    ])
  })
})

describe('iommu-loop', () => {
  it('gives indented lines the group of their header (Arch wiki form)', () => {
    const { devices, unparsed } = parse(fixture('iommu-loop-archwiki.txt'))
    expect(unparsed).toEqual([])
    expect(devices.map((d) => [d.address, d.iommuGroup, d.vendorDevice])).toEqual([
      ['0000:00:01.0', 1, '8086:0151'],
      ['0000:00:14.0', 2, '8086:1e31'],
      ['0000:00:1a.0', 4, '8086:1e2d'],
      ['0000:00:1d.0', 10, '8086:1e26'],
      ['0000:06:00.0', 13, '10de:13c2'],
      ['0000:06:00.1', 13, '10de:0fbb'],
    ])
    expect(devices[0]!.subsystem).toBeUndefined() // lspci -nns prints no subsystem
  })

  it("reads the one-line form (joe-p/vfio-headless) and ls-iommu's padded form", () => {
    const { devices } = parse(fixture('iommu-loop-vfio-headless.txt'))
    expect(devices.filter((d) => d.iommuGroup === 23).map((d) => `${d.address} ${d.vendorDevice}`)).toEqual([
      '0000:03:08.0 1022:57a4',
      '0000:08:00.0 1022:1485',
      '0000:08:00.1 1022:149c',
      '0000:08:00.3 1022:149c',
    ])
    const lsIommu = parse(
      'IOMMU Group  31: 0000:0e:00.0 VGA compatible controller [0300] ' +
        'NVIDIA Corporation TU104 [GeForce RTX 2080 SUPER] [10de:1e81] (rev a1)',
    )
    expect(lsIommu.devices[0]).toMatchObject({
      address: '0000:0e:00.0',
      iommuGroup: 31,
      vendorDevice: '10de:1e81',
      classCode: '0300',
    })
  })
})

describe('sysfs-find', () => {
  it('reads address and group, skips the folders find prints without -type l, reports the rest', () => {
    const text = [
      '/sys/kernel/iommu_groups/',
      '/sys/kernel/iommu_groups/31',
      '/sys/kernel/iommu_groups/31/devices/0000:0e:00.0',
      '/sys/kernel/iommu_groups/31/type',
      'find: permission denied',
      '',
    ].join('\n')
    const { devices, unparsed } = parse(text)
    expect(devices).toEqual([{ address: '0000:0e:00.0', iommuGroup: 31, sources: ['sysfs-find: test'] }])
    expect(unparsed).toEqual([
      {
        line: 5,
        text: 'find: permission denied',
        reason: 'not /sys/kernel/iommu_groups/<N>/devices/<dddd:bb:dd.f>',
      },
    ])
    expect(parse(fixture('sysfs-find.txt')).devices).toHaveLength(10)
  })
})

describe('inputs that are not PCI inventory', () => {
  it.each([
    ['NUL bytes', 'Slot:\t0e:00.0\u0000\u0000', 'binary data (NUL bytes)'],
    [
      'control characters',
      '\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000e\u000f'.repeat(2),
      'binary data (control characters)',
    ],
    ['whitespace only', ' \n\t\n', 'empty text'],
    ['truncated pvesh JSON', '[{"id":"0000:0e:00.0","class":"0x03', 'not valid JSON (truncated?)'],
    ['lsusb', 'Bus 002 Device 001: ID 1d6b:0003 Linux Foundation 3.0 root hub\n', 'this looks like lsusb'],
    [
      'ip a',
      '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN\n    link/loopback 00:00:00:00:00:00\n',
      'this looks like `ip a`',
    ],
    [
      'lspci without -nn',
      '0e:00.0 VGA compatible controller: NVIDIA Corporation TU104 [GeForce RTX 2080 SUPER] (rev a1)\n',
      'no numeric IDs: run lspci with -nn',
    ],
    ['a JSON object that is not the pci list', '{"data": {"version": "8.2"}}', 'expected the JSON array'],
    ['JSON nested 17 levels deep', '['.repeat(17) + ']'.repeat(17), 'JSON nested more than 16 levels deep'],
  ])('refuses %s with a clear message', (_what, text, message) => {
    let error: unknown
    try {
      parseInput({ text }, 3)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(PlanInputError)
    expect(error).toMatchObject({ kind: 'invalid', pointer: '/inputs/3/text' })
    expect((error as Error).message).toContain(message)
  })
})
