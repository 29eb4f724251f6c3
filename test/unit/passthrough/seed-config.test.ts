import { describe, expect, it } from 'vitest'
import { checkIommuGroup } from '../../../api/src/domain/passthrough/check-group.ts'
import { planPassthrough } from '../../../api/src/domain/passthrough/plan-passthrough.ts'
import { CHECK_IDS, PassthroughPlanRequestSchema } from '../../../api/src/domain/passthrough/schemas.ts'
import { SEED, check, fixture, nodeOf } from './fixtures.ts'

// The config pve-docs qm-pci-passthrough.adoc describes, written out for the seed GPUs in
// docs/research/passthrough-rules.md "Config" (worked by hand from the catalog's IDs).
const SECTION_7 = {
  caraxes: {
    group: 31,
    hostpci: ['hostpci0: 0000:0e:00,pcie=1'],
    qmSet:
      'qm set <vmid> --machine q35 --bios ovmf --efidisk0 <storage>:1,efitype=4m \\\n  --cpu host ' +
      '--balloon 0 --hostpci0 0000:0e:00,pcie=1',
    mappingCfg:
      'caraxes-rtx2080s\n\tdescription EVGA RTX 2080 SUPER (TU104), all functions\n\tmap ' +
      'id=10de:1e81,iommugroup=31,node=caraxes,path=0000:0e:00,subsystem-id=3842:3081',
    mappingCommands: [
      'pvesh create /cluster/mapping/pci --id caraxes-rtx2080s \\\n  --description "EVGA RTX 2080 ' +
        'SUPER (TU104), all functions" \\\n  --map node=caraxes,path=0000:0e:00,id=10de:1e81,' +
        'subsystem-id=3842:3081,iommugroup=31',
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
    qmSet:
      'qm set <vmid> --machine q35 --bios ovmf --efidisk0 <storage>:1,efitype=4m \\\n  --cpu host ' +
      '--balloon 0 --hostpci0 0000:0d:00,pcie=1',
    mappingCfg:
      'meraxes-rtx3090ti\n\tdescription RTX 3090 Ti (GA102), all functions\n\tmap id=10de:2203,' +
      'iommugroup=30,node=meraxes,path=0000:0d:00,subsystem-id=10de:1618',
    mappingCommands: [
      'pvesh create /cluster/mapping/pci --id meraxes-rtx3090ti \\\n  --description "RTX 3090 Ti ' +
        '(GA102), all functions" \\\n  --map node=meraxes,path=0000:0d:00,id=10de:2203,' +
        'subsystem-id=10de:1618,iommugroup=30',
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

describe('checkIommuGroup on the seed GPUs', () => {
  it.each(Object.entries(SECTION_7))('emits the documented config for %s', (node, want) => {
    const result = checkIommuGroup(node, want.group, SEED)
    // The seed's addresses were never read from a host (C27 and C28 are unknown): the config is
    // right, but the verdict says to check first.
    expect(result.verdict).toBe('needs-check')
    const { group: _, ...config } = want
    expect(result.proxmox).toMatchObject({
      ...config,
      modules: ['vfio', 'vfio_iommu_type1', 'vfio_pci'],
      kernelCmdline: [],
      blacklist: ['blacklist nouveau', 'blacklist nvidiafb'],
    })
    expect(result.proxmox.afterwards[0]).toBe('update-initramfs -u -k all')
    expect(result.proxmox.notes[0]).toMatch(/^Check first, then apply: .*C27: pvesh get/)
    expect(result.proxmox.notes[1]).toContain('never add amd_iommu=on')
  })

  it("lists the 2080 SUPER's functions as what goes with it", () => {
    const result = checkIommuGroup('caraxes', 31, SEED)
    expect(result.mustPassWith).toEqual(['0000:0e:00.1', '0000:0e:00.2', '0000:0e:00.3'])
    expect(result.members.map((m) => m.role)).toEqual([
      'target',
      'sibling-function',
      'sibling-function',
      'sibling-function',
    ])
    expect(result.hostLoses.map((d) => d.hostDriver)).toEqual([
      'nvidia',
      'snd_hda_intel',
      'xhci_hcd',
      'nvidia-gpu',
    ])
  })

  it("says the 3090 Ti mapping's subsystem is the seed's claim, to confirm in sysfs", () => {
    const c22 = check(checkIommuGroup('meraxes', 30, SEED).checks, 'C22')
    expect(c22).toMatchObject({ status: 'unknown', command: 'lspci -nnv -s 0000:0d:00.0' })
  })
})

describe('every device of the catalog gets a verdict with reasons', () => {
  const devices = SEED.nodes.flatMap((n) =>
    n.devices.filter((d) => d.address !== null).map((d) => [n.id, d.address!, d.iommuGroup] as const),
  )

  it.each(devices)('%s %s', (node, _address, group) => {
    const result = checkIommuGroup(node, group, SEED)
    expect(['clean', 'shared', 'needs-check', 'blocked']).toContain(result.verdict)
    expect(result.summary).toContain(result.verdict)
    // A block/error rule left unknown never gives clean or shared.
    const unsettled = result.checks.some(
      (c) => c.status === 'unknown' && ['block', 'error'].includes(c.severity),
    )
    const failed = result.checks.some((c) => c.status === 'fail' && ['block', 'error'].includes(c.severity))
    expect(result.verdict).toBe(failed ? 'blocked' : unsettled ? 'needs-check' : result.verdict)
    if (unsettled) expect(['needs-check', 'blocked']).toContain(result.verdict)
    // Every check, none skipped; every unknown says what to run.
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
    expect(
      result.checks
        .filter((c) => c.status === 'fail' && (c.severity === 'block' || c.severity === 'error'))
        .map((c) => c.id),
    ).toEqual(ids)
    expect(result.proxmox.notes[0]).toContain('No config')
  })

  it("blocks CARAXES's only wired NIC with the reason", () => {
    const c19 = check(checkIommuGroup('caraxes', 30, SEED).checks, 'C19')
    expect(c19).toMatchObject({ status: 'fail', severity: 'block', devices: ['0000:0d:00.0'] })
    expect(c19.message).toContain('only wired NIC')
  })
})

describe('function vs slot addressing (CARAXES group 38)', () => {
  // The catalog lists only 0000:10:00.3 (1022:149c) of slot 10:00. A slot address would make
  // Proxmox take every function of the slot: PVE::SysFSTools::lspci matches addresses by
  // prefix (https://github.com/proxmox/pve-common/blob/master/src/PVE/SysFSTools.pm), and on
  // Matisse that slot also holds the PSP 1022:1486 at .1 (lspci listing in the linux-pci patch
  // "PCI: Avoid FLR for AMD Starship/Matisse Cryptographic Coprocessor", 2021).
  const result = checkIommuGroup('caraxes', 38, SEED)

  it('passes the function 0000:10:00.3 in hostpci, qm set and the mapping path', () => {
    expect(result.proxmox.hostpci).toEqual(['hostpci0: 0000:10:00.3,pcie=1'])
    expect(result.proxmox.qmSet).toContain('--hostpci0 0000:10:00.3,pcie=1')
    expect(result.proxmox.mappingCfg).toContain('path=0000:10:00.3,')
    expect(result.proxmox.mappingCommands[0]).toContain('path=0000:10:00.3,')
    expect(result.proxmox.afterwards).toContain(
      'lspci -nnk -s 0000:10:00.3   # expect "Kernel driver in use: vfio-pci"',
    )
    expect(JSON.stringify(result.proxmox)).not.toMatch(/0000:10:00[^.]/)
    expect(result.summary).toContain('0000:10:00.3 (')
  })

  it("names the slot's other functions as needs-check with the lspci command", () => {
    const c28 = check(result.checks, 'C28')
    expect(c28).toMatchObject({ status: 'unknown', severity: 'block', command: 'lspci -s 10:00 -nn' })
    expect(c28.devices).toEqual(['0000:10:00.0', '0000:10:00.1', '0000:10:00.4'])
    expect(c28.message).toContain('1022:1486')
    expect(result.verdict).toBe('needs-check')
  })

  it('plans a role the same way as the group check addresses it', () => {
    const plan = planPassthrough(
      PassthroughPlanRequestSchema.parse({
        node: 'caraxes',
        vms: [{ name: 'dock', devices: [{ role: 'usb-controller' }] }],
        existing: [],
      }),
      SEED,
    )
    expect(plan.vms[0]!.proxmox.hostpci).toEqual(result.proxmox.hostpci)
    expect(plan.vms[0]!.entries[0]).toMatchObject({ address: '0000:10:00.3', allFunctions: false })
  })

  it('flags an explicit slot address whose functions the catalog does not know', () => {
    const plan = planPassthrough(
      PassthroughPlanRequestSchema.parse({
        node: 'caraxes',
        vms: [{ name: 'dock', devices: ['10:00'] }],
        existing: [],
      }),
      SEED,
    )
    const c28 = check(plan.vms[0]!.checks, 'C28')
    expect(c28.status).toBe('unknown')
    expect(c28.message).toContain('names the whole slot')
    expect(c28.fix).toContain('0000:10:00.3')
    expect(plan.verdict).toBe('needs-check')
  })
})

describe('verdicts never promise more than was checked', () => {
  /** MERAXES's GPU group as if imported from the host, with the node's RAM known. */
  const imported = fixture((c) => {
    const node = nodeOf(c, 'meraxes')
    node.platform.hostMemoryBytes = 64 * 1024 ** 3
    node.devices.find((d) => d.address === '0000:0d:00.0')!.resizableBar = 'disabled'
    for (const d of node.devices.filter((x) => x.iommuGroup === 30))
      d.provenance = { default: { status: 'imported', source: 'pvesh' }, fields: {} }
  })

  it('is clean once the catalog answers every block/error rule, and names its warnings', () => {
    const result = checkIommuGroup('meraxes', 30, imported)
    expect(
      result.checks.filter((c) => c.status === 'unknown' && ['block', 'error'].includes(c.severity)),
    ).toEqual([])
    expect(result.verdict).toBe('clean')
    // C24 and C32: the 3090 Ti is the host console and the boot GPU (warnings).
    expect(result.summary).toMatch(/is clean, with 2 warnings to acknowledge: /)
  })

  it('says needs-check while the seed data is not read from the host', () => {
    expect(checkIommuGroup('meraxes', 30, SEED).verdict).toBe('needs-check')
  })
})
