import { describe, expect, it } from 'vitest'
import { checkIommuGroup } from '../../../api/src/domain/passthrough/check-group.ts'
import { CHECK_IDS } from '../../../api/src/domain/passthrough/schemas.ts'
import { SEED, check } from './fixtures.ts'

// shared/research/passthrough.md §7.1 / §7.2, verbatim.
const SECTION_7 = {
  caraxes: {
    group: 31,
    hostpci: ['hostpci0: 0000:0e:00,pcie=1'],
    qmSet: 'qm set <vmid> --machine q35 --bios ovmf --efidisk0 <storage>:1,efitype=4m \\\n  --cpu host --balloon 0 --hostpci0 0000:0e:00,pcie=1',
    mappingCfg: 'caraxes-rtx2080s\n\tdescription EVGA RTX 2080 SUPER (TU104), all functions\n\tmap id=10de:1e81,iommugroup=31,node=caraxes,path=0000:0e:00,subsystem-id=3842:3081',
    mappingCommands: [
      'pvesh create /cluster/mapping/pci --id caraxes-rtx2080s \\\n  --description "EVGA RTX 2080 SUPER (TU104), all functions" \\\n  --map node=caraxes,path=0000:0e:00,id=10de:1e81,subsystem-id=3842:3081,iommugroup=31',
      'qm set <vmid> --hostpci0 mapping=caraxes-rtx2080s,pcie=1',
    ],
    vfioConf: [
      'options vfio-pci ids=10de:1e81,10de:10f8,10de:1ad8,10de:1ad9',
      'softdep nouveau pre: vfio-pci',
      'softdep nvidia pre: vfio-pci',
      'softdep nvidiafb pre: vfio-pci',
      'softdep snd_hda_intel pre: vfio-pci',
      'softdep xhci_pci pre: vfio-pci',
      'softdep i2c_nvidia_gpu pre: vfio-pci',
    ],
  },
  meraxes: {
    group: 30,
    hostpci: ['hostpci0: 0000:0d:00,pcie=1'],
    qmSet: 'qm set <vmid> --machine q35 --bios ovmf --efidisk0 <storage>:1,efitype=4m \\\n  --cpu host --balloon 0 --hostpci0 0000:0d:00,pcie=1',
    mappingCfg: 'meraxes-rtx3090ti\n\tdescription RTX 3090 Ti (GA102), all functions\n\tmap id=10de:2203,iommugroup=30,node=meraxes,path=0000:0d:00,subsystem-id=10de:1618',
    mappingCommands: [
      'pvesh create /cluster/mapping/pci --id meraxes-rtx3090ti \\\n  --description "RTX 3090 Ti (GA102), all functions" \\\n  --map node=meraxes,path=0000:0d:00,id=10de:2203,subsystem-id=10de:1618,iommugroup=30',
      'qm set <vmid> --hostpci0 mapping=meraxes-rtx3090ti,pcie=1',
    ],
    vfioConf: [
      'options vfio-pci ids=10de:2203,10de:1aef',
      'softdep nouveau pre: vfio-pci',
      'softdep nvidia pre: vfio-pci',
      'softdep nvidiafb pre: vfio-pci',
      'softdep snd_hda_intel pre: vfio-pci',
    ],
  },
} as const

describe('checkIommuGroup on the seed GPUs (research §7)', () => {
  it.each(Object.entries(SECTION_7))('emits the exact §7 config for %s', (node, want) => {
    const result = checkIommuGroup(node, want.group, SEED)
    expect(result.verdict).toBe('clean')
    const { group: _, ...config } = want
    expect(result.proxmox).toMatchObject({
      ...config,
      modules: ['vfio', 'vfio_iommu_type1', 'vfio_pci'],
      kernelCmdline: [],
      blacklist: ['blacklist nouveau', 'blacklist nvidiafb'],
    })
    expect(result.proxmox.afterwards[0]).toBe('update-initramfs -u -k all')
    expect(result.proxmox.notes[0]).toContain('never add amd_iommu=on')
  })

  it('lists the 2080 SUPER\'s functions as what goes with it', () => {
    const result = checkIommuGroup('caraxes', 31, SEED)
    expect(result.mustPassWith).toEqual(['0000:0e:00.1', '0000:0e:00.2', '0000:0e:00.3'])
    expect(result.members.map((m) => m.role)).toEqual(['target', 'sibling-function', 'sibling-function', 'sibling-function'])
    expect(result.hostLoses.map((d) => d.hostDriver)).toEqual(['nvidia', 'snd_hda_intel', 'xhci_hcd', 'nvidia-gpu'])
  })

  it('says the 3090 Ti mapping\'s subsystem is the seed\'s claim, to confirm in sysfs', () => {
    const c22 = check(checkIommuGroup('meraxes', 30, SEED).checks, 'C22')
    expect(c22).toMatchObject({ status: 'unknown', command: 'lspci -nnv -s 0000:0d:00.0' })
  })
})

describe('every device of the catalog gets a verdict with reasons', () => {
  const devices = SEED.nodes.flatMap((n) => n.devices.filter((d) => d.address !== null).map((d) => [n.id, d.address!, d.iommuGroup] as const))

  it.each(devices)('%s %s', (node, _address, group) => {
    const result = checkIommuGroup(node, group, SEED)
    expect(['clean', 'shared', 'blocked']).toContain(result.verdict)
    expect(result.summary).toContain(result.verdict)
    // All 27 checks, none skipped; every unknown says what to run.
    expect(result.checks.map((c) => c.id)).toEqual([...CHECK_IDS])
    for (const c of result.checks.filter((c) => c.status === 'unknown')) expect(c.command).toBeTruthy()
    if (result.verdict === 'blocked') expect(result.proxmox.hostpci).toEqual([])
    else expect(result.proxmox.hostpci.length).toBeGreaterThan(0)
  })

  it.each([
    ['caraxes', 30, ['C6', 'C19']],
    ['meraxes', 28, ['C6', 'C19']],
    ['meraxes', 31, ['C6', 'C17']],
    ['caraxes', 22, ['C4']],
  ] as const)('blocks %s group %i on %j', (node, group, ids) => {
    const result = checkIommuGroup(node, group, SEED)
    expect(result.verdict).toBe('blocked')
    expect(result.checks.filter((c) => c.status === 'fail' && (c.severity === 'block' || c.severity === 'error')).map((c) => c.id)).toEqual(ids)
    expect(result.proxmox.notes[0]).toContain('No config')
  })

  it('blocks CARAXES\'s only wired NIC with the reason', () => {
    const c19 = check(checkIommuGroup('caraxes', 30, SEED).checks, 'C19')
    expect(c19).toMatchObject({ status: 'fail', severity: 'block', devices: ['0000:0d:00.0'] })
    expect(c19.message).toContain('only wired NIC')
  })
})
