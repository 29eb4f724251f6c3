import { describe, expect, it } from 'vitest'
import { PlanInputError } from '../../../api/src/domain/plan-input-error.ts'
import { planPassthrough } from '../../../api/src/domain/passthrough/plan-passthrough.ts'
import {
  PassthroughPlanRequestSchema,
  type PassthroughPlanRequestInput,
} from '../../../api/src/domain/passthrough/schemas.ts'
import { toPointer } from '../../../api/src/http/problem.ts'
import { SEED, check } from './fixtures.ts'

const planOf = (req: PassthroughPlanRequestInput) =>
  planPassthrough(PassthroughPlanRequestSchema.parse(req), SEED)

/** What the route reports: the schema's first issue (a 422), else the planner's PlanInputError. */
function inputError(req: unknown): Pick<PlanInputError, 'kind' | 'pointer' | 'message'> {
  const parsed = PassthroughPlanRequestSchema.safeParse(req)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    return { kind: 'invalid', pointer: toPointer(issue.path), message: issue.message }
  }
  try {
    planPassthrough(parsed.data, SEED)
  } catch (err) {
    if (err instanceof PlanInputError) return err
    throw err
  }
  throw new Error('expected an input error')
}

describe('planPassthrough', () => {
  it('plans the 2080 SUPER for a display VM with vmid and memory', () => {
    const plan = planOf({
      node: 'caraxes',
      vms: [
        { name: 'gaming', vmid: 120, devices: [{ role: 'gpu' }], display: true, memoryBytes: 16 * 1024 ** 3 },
      ],
      existing: [],
    })
    // C20 (CARAXES's RAM) and C27 (seed addresses) are unknown: the config comes with what to check.
    expect(plan.verdict).toBe('needs-check')
    expect(plan.summary).toMatch(/^1 VM on caraxes: needs-check/)
    const vm = plan.vms[0]!
    expect(vm.proxmox.hostpci).toEqual(['hostpci0: 0000:0e:00,pcie=1,x-vga=1'])
    // With a vmid the VM exists: no --efidisk0 unless a storage is named, and no placeholder.
    expect(vm.proxmox.qmSet).toBe(
      'qm set 120 --machine q35 --bios ovmf \\\n  --cpu host --memory 16384 --balloon 0 --hostpci0 ' +
        '0000:0e:00,pcie=1,x-vga=1',
    )
    expect(JSON.stringify(vm.proxmox)).not.toMatch(/<[a-z]+>/)
    expect(vm.entries[0]).toMatchObject({ address: '0000:0e:00', allFunctions: true, groups: [31] })
    expect(plan.proxmox.vfioConf[0]).toBe('options vfio-pci ids=10de:1e81,10de:10f8,10de:1ad8,10de:1ad9')
  })

  it('puts the named EFI storage into qm set', () => {
    const plan = planOf({
      node: 'caraxes',
      vms: [{ name: 'llm', vmid: 121, efiDiskStorage: 'local-lvm', devices: [{ role: 'gpu' }] }],
      existing: [],
    })
    expect(plan.vms[0]!.proxmox.qmSet).toContain('--bios ovmf --efidisk0 local-lvm:1,efitype=4m ')
  })

  it('keeps an mdev GPU on its vendor driver: no vfio-pci binding, a mapping with mdev 1', () => {
    const plan = planOf({
      node: 'caraxes',
      vms: [{ name: 'vgpu', vmid: 130, devices: [{ address: '0e:00.0', mdev: 'nvidia-256' }] }],
      existing: [],
    })
    const vm = plan.vms[0]!
    expect(vm.proxmox.hostpci).toEqual(['hostpci0: 0000:0e:00.0,pcie=1,mdev=nvidia-256'])
    // No ids=, softdep or blacklist for the card (pve-docs qm-pci-passthrough.adoc, "Mediated Devices").
    expect(plan.proxmox.vfioConf).toEqual([])
    expect(plan.proxmox.blacklist).toEqual([])
    expect(plan.proxmox.modules).toEqual([])
    expect(vm.proxmox.mappingCfg).toBe(
      'caraxes-rtx2080s\n\tdescription EVGA RTX 2080 SUPER (TU104)\n\tmdev 1\n\tmap id=10de:1e81,' +
        'iommugroup=31,node=caraxes,path=0000:0e:00.0,subsystem-id=3842:3081',
    )
    expect(vm.proxmox.mappingCommands[0]).toContain('--mdev 1')
    expect(vm.proxmox.mappingCommands[1]).toBe(
      'qm set 130 --hostpci0 mapping=caraxes-rtx2080s,pcie=1,mdev=nvidia-256',
    )
    // The card's other functions stay with the host: no group is taken.
    expect(check(vm.checks, 'C5').status).toBe('pass')
    expect(check(vm.checks, 'C13')).toMatchObject({ status: 'fail', severity: 'warn' })
    expect(check(vm.checks, 'C13').message).toContain('no vfio-pci binding for that GPU')
  })

  it('emits no NUMA option for the single-NUMA-node AM4 hosts (seed finding optimal-numa-assignment)', () => {
    const plan = planOf({
      node: 'meraxes',
      vms: [{ name: 'llm', vmid: 140, devices: [{ role: 'gpu' }], memoryBytes: 32 * 1024 ** 3 }],
      existing: [],
    })
    expect(JSON.stringify([plan.proxmox, plan.vms.map((v) => [v.settings, v.proxmox])])).not.toMatch(/numa/i)
    expect(SEED.seedFindings.find((f) => f.id === 'optimal-numa-assignment')?.verdict).toBe('unsupported')
  })

  it('blocks a live-migration request with a passed-through GPU', () => {
    const plan = planOf({
      node: 'meraxes',
      vms: [{ name: 'llm', devices: [{ role: 'gpu' }], liveMigration: true }],
      existing: [],
    })
    expect(plan.verdict).toBe('blocked')
    expect(check(plan.vms[0]!.checks, 'C21')).toMatchObject({ status: 'fail', severity: 'block' })
  })

  it('blocks a plan that splits one group between two VMs, naming both', () => {
    const plan = planOf({
      node: 'caraxes',
      vms: [
        { name: 'a', devices: ['0e:00.0'] },
        { name: 'b', devices: ['0000:0e:00.1'] },
      ],
      existing: [],
    })
    expect(plan.verdict).toBe('blocked')
    expect(plan.vms.map((v) => v.verdict)).toEqual(['blocked', 'blocked'])
    expect(check(plan.vms[0]!.checks, 'C8').message).toContain('b (0000:0e:00.1) also takes group 31')
    expect(plan.vms[0]!.proxmox.hostpci).toEqual([])
    expect(plan.proxmox.vfioConf).toEqual([])
  })

  it("blocks passing CARAXES's RTL8168 with the reason", () => {
    const plan = planOf({ node: 'caraxes', vms: [{ name: 'opnsense', devices: ['0d:00.0'] }] })
    expect(plan.verdict).toBe('blocked')
    expect(check(plan.vms[0]!.checks, 'C19')).toMatchObject({ status: 'fail', severity: 'block' })
    expect(plan.proxmox.notes[0]).toMatch(/blocked by C6 and C19/)
  })

  it('plans two VMs on separate groups together and merges the host config', () => {
    const plan = planOf({
      node: 'meraxes',
      vms: [
        { name: 'llm', devices: [{ role: 'gpu' }] },
        { name: 'nas', devices: ['01:00'] },
      ],
      existing: [],
    })
    expect(plan.verdict).not.toBe('blocked')
    expect(plan.proxmox.vfioConf).toEqual([
      // In address order: the SN850X (01:00.0) before the GPU (0d:00).
      'options vfio-pci ids=15b7:5030,10de:2203,10de:1aef',
      'softdep nvme pre: vfio-pci',
      'softdep nouveau pre: vfio-pci',
      'softdep nvidia pre: vfio-pci',
      'softdep nvidiafb pre: vfio-pci',
      'softdep snd_hda_intel pre: vfio-pci',
    ])
    // The subsystem of the SN850X is unknown: no mapping is emitted for that VM, and C22 says why.
    expect(plan.vms[1]!.proxmox.mappingCfg).toBeNull()
    expect(check(plan.vms[1]!.checks, 'C22').status).toBe('unknown')
  })

  it('leaves 1000:0097 out of ids= when only one SAS3008 goes, and keeps it when both go', () => {
    const one = planOf({ node: 'caraxes', vms: [{ name: 'nas', devices: ['05:00.0'] }], existing: [] })
    expect(one.proxmox.vfioConf).toEqual([])
    expect(one.proxmox.notes.join('\n')).toContain('1000:0097 is not in ids=')
    const both = planOf({
      node: 'caraxes',
      vms: [{ name: 'nas', devices: ['05:00.0', '07:00.0'] }],
      existing: [],
    })
    expect(both.proxmox.vfioConf).toEqual(['options vfio-pci ids=1000:0097', 'softdep mpt3sas pre: vfio-pci'])
  })

  it('reads existing hostpci lines, mapping entries included', () => {
    const plan = planOf({
      node: 'caraxes',
      vms: [{ name: 'a', devices: ['10:00.3'] }],
      existing: [
        {
          vm: '101',
          hostpci: ['hostpci0: host=0000:0e:00;0e:00.1,pcie=1', 'hostpci1: mapping=gpu-cuda,pcie=1'],
        },
      ],
    })
    expect(check(plan.vms[0]!.checks, 'C8')).toMatchObject({
      status: 'unknown',
      command: 'pvesh get /cluster/mapping/pci',
    })
  })

  it.each([
    ['an empty VM list', { node: 'caraxes', vms: [] }, 'invalid', '/vms'],
    [
      'a malformed address',
      { node: 'caraxes', vms: [{ name: 'a', devices: ['0e:00.9'] }] },
      'invalid',
      '/vms/0/devices/0',
    ],
    ['an unknown node', { node: 'caraxis', vms: [{ name: 'a', devices: ['0e:00'] }] }, 'not-found', '/node'],
    [
      'an address not on the node',
      { node: 'caraxes', vms: [{ name: 'a', devices: [{ address: '0e:01.0' }] }] },
      'not-found',
      '/vms/0/devices/0/address',
    ],
    [
      'an ambiguous role',
      { node: 'caraxes', vms: [{ name: 'a', devices: [{ role: 'sas-hba' }] }] },
      'invalid',
      '/vms/0/devices/0/role',
    ],
    [
      'a role the node lacks',
      { node: 'caraxes', vms: [{ name: 'a', devices: [{ role: 'nvme' }] }] },
      'not-found',
      '/vms/0/devices/0/role',
    ],
    [
      'a duplicate VM name',
      {
        node: 'caraxes',
        vms: [
          { name: 'a', devices: ['0e:00'] },
          { name: 'a', devices: ['10:00.3'] },
        ],
      },
      'invalid',
      '/vms/1/name',
    ],
    [
      'a bad existing line',
      {
        node: 'caraxes',
        vms: [{ name: 'a', devices: ['0e:00'] }],
        existing: [{ vm: '1', hostpci: ['hostpci0: gpu'] }],
      },
      'invalid',
      '/existing/0/hostpci/0',
    ],
  ])('rejects %s', (_what, req, kind, pointer) => {
    const err = inputError(req)
    expect({ kind: err.kind, pointer: err.pointer }).toEqual({ kind, pointer })
  })

  it('names the nearest devices for an address not on the node', () => {
    expect(inputError({ node: 'caraxes', vms: [{ name: 'a', devices: ['0e:01'] }] }).message).toContain(
      '0000:0e:00.0',
    )
  })
})
