/**
 * The plan's config for automation: Proxmox API calls with JSON bodies, Terraform for the
 * bpg/proxmox provider and Ansible tasks. The HCL is parsed with HashiCorp's own HCL parser
 * (@cdktf/hcl2json, the hcl2 Go library built to WebAssembly) and the YAML with `yaml`, and
 * the attribute names are checked against the providers' published docs:
 * bpg/terraform-provider-proxmox docs/resources/virtual_environment_hardware_mapping_pci.md
 * (name, comment, mediated_devices, map{id, iommu_group, node, path, subsystem_id}) and
 * virtual_environment_vm.md (hostpci{device, id, mapping, mdev, pcie, xvga}, memory{dedicated,
 * floating}, efi_disk{datastore_id, type}); community.proxmox plugins/modules/proxmox_kvm.py
 * (hostpci: hostpci[n] → "host=…,pcie=1").
 */
import { parse as parseHcl } from '@cdktf/hcl2json'
import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { planPassthrough } from '../../../api/src/domain/passthrough/plan-passthrough.ts'
import {
  PassthroughPlanRequestSchema,
  type PassthroughPlanRequestInput,
} from '../../../api/src/domain/passthrough/schemas.ts'
import { SEED } from './fixtures.ts'

const vmOf = (req: PassthroughPlanRequestInput) =>
  planPassthrough(PassthroughPlanRequestSchema.parse(req), SEED).vms[0]!.proxmox

const GPU_VM = {
  node: 'caraxes',
  vms: [
    {
      name: 'ollama',
      vmid: 120,
      efiDiskStorage: 'local-lvm',
      memoryBytes: 16 * 1024 ** 3,
      devices: [{ role: 'gpu' as const }],
    },
  ],
  existing: [],
}

interface TfDoc {
  resource: {
    proxmox_virtual_environment_hardware_mapping_pci?: Record<string, Record<string, unknown>[]>
    proxmox_virtual_environment_vm: Record<string, Record<string, unknown>[]>
  }
}

describe('Proxmox API calls', () => {
  it('creates the mapping, then sets the VM config through it, with JSON bodies', () => {
    const [mapping, config] = vmOf(GPU_VM).apiCalls
    expect(mapping).toEqual({
      method: 'POST',
      path: '/cluster/mapping/pci',
      body: {
        id: 'caraxes-rtx2080s',
        description: 'EVGA RTX 2080 SUPER (TU104), all functions',
        map: ['id=10de:1e81,iommugroup=31,node=caraxes,path=0000:0e:00,subsystem-id=3842:3081'],
      },
      pvesh:
        "pvesh create /cluster/mapping/pci --id caraxes-rtx2080s --description 'EVGA RTX 2080 SUPER " +
        "(TU104), all functions' --map id=10de:1e81,iommugroup=31,node=caraxes,path=0000:0e:00," +
        'subsystem-id=3842:3081',
    })
    // 16 GiB = 16384 MiB, the unit of the API's memory parameter.
    expect(config).toEqual({
      method: 'PUT',
      path: '/nodes/caraxes/qemu/120/config',
      body: {
        machine: 'q35',
        bios: 'ovmf',
        cpu: 'host',
        balloon: 0,
        memory: 16384,
        efidisk0: 'local-lvm:1,efitype=4m',
        hostpci0: 'mapping=caraxes-rtx2080s,pcie=1',
      },
      pvesh:
        'pvesh set /nodes/caraxes/qemu/120/config --machine q35 --bios ovmf --cpu host --balloon 0 ' +
        '--memory 16384 --efidisk0 local-lvm:1,efitype=4m --hostpci0 mapping=caraxes-rtx2080s,pcie=1',
    })
  })

  it('uses the raw address when no mapping can be made (unknown subsystem)', () => {
    const calls = vmOf({
      node: 'caraxes',
      vms: [{ name: 'nas', vmid: 130, devices: ['05:00.0'] }],
      existing: [],
    }).apiCalls
    expect(calls).toHaveLength(1)
    expect(calls[0]!.body.hostpci0).toBe('0000:05:00.0,pcie=1')
  })

  it('leaves no <placeholder> in any output or check once vmid (and the EFI storage) is given', () => {
    const plan = planPassthrough(PassthroughPlanRequestSchema.parse(GPU_VM), SEED)
    expect(JSON.stringify(plan.vms[0]!.proxmox)).not.toMatch(/<[a-z-]+>/)
    const commands = [...plan.vms[0]!.checks, ...plan.checks].flatMap((c) => [c.command ?? '', c.fix ?? ''])
    expect(commands.filter((t) => /<(vmid|storage)>/.test(t))).toEqual([])
  })
})

describe('Terraform (bpg/proxmox)', () => {
  it("parses as HCL with the provider's attribute names", async () => {
    const doc = (await parseHcl('passthrough.tf', vmOf(GPU_VM).terraform!)) as TfDoc
    const mapping = doc.resource.proxmox_virtual_environment_hardware_mapping_pci!.caraxes_rtx2080s![0]!
    expect(mapping).toEqual({
      name: 'caraxes-rtx2080s',
      comment: 'EVGA RTX 2080 SUPER (TU104), all functions',
      mediated_devices: false,
      map: [
        { id: '10de:1e81', iommu_group: 31, node: 'caraxes', path: '0000:0e:00', subsystem_id: '3842:3081' },
      ],
    })
    const vm = doc.resource.proxmox_virtual_environment_vm.ollama![0]!
    expect(vm).toMatchObject({
      node_name: 'caraxes',
      vm_id: 120,
      name: 'ollama',
      machine: 'q35',
      bios: 'ovmf',
    })
    expect(vm.memory).toEqual([{ dedicated: 16384, floating: 0 }])
    expect(vm.efi_disk).toEqual([{ datastore_id: 'local-lvm', type: '4m' }])
    // A reference to the mapping resource: hcl2json keeps expressions as ${…} text.
    expect(vm.hostpci).toEqual([
      {
        device: 'hostpci0',
        mapping: '${proxmox_virtual_environment_hardware_mapping_pci.caraxes_rtx2080s.name}',
        pcie: true,
      },
    ])
  })

  it('passes CARAXES group 38 by function, with the mdev flag and the x-vga option where asked', async () => {
    const usb = (await parseHcl(
      'usb.tf',
      vmOf({
        node: 'caraxes',
        vms: [{ name: 'dock', vmid: 121, devices: [{ role: 'usb-controller' }] }],
        existing: [],
      }).terraform!,
    )) as TfDoc
    expect(
      usb.resource.proxmox_virtual_environment_hardware_mapping_pci![
        'caraxes_docking_station_linux_amd_usb'
      ]![0]!.map,
    ).toEqual([
      { id: '1022:149c', iommu_group: 38, node: 'caraxes', path: '0000:10:00.3', subsystem_id: '1043:87c0' },
    ])
    const vgpu = (await parseHcl(
      'vgpu.tf',
      vmOf({
        node: 'caraxes',
        vms: [
          { name: 'desk', vmid: 122, display: true, devices: [{ address: '0e:00.0', mdev: 'nvidia-256' }] },
        ],
        existing: [],
      }).terraform!,
    )) as TfDoc
    expect(
      vgpu.resource.proxmox_virtual_environment_hardware_mapping_pci!.caraxes_rtx2080s![0]!.mediated_devices,
    ).toBe(true)
    expect(vgpu.resource.proxmox_virtual_environment_vm.desk![0]!.hostpci).toEqual([
      {
        device: 'hostpci0',
        mapping: '${proxmox_virtual_environment_hardware_mapping_pci.caraxes_rtx2080s.name}',
        pcie: true,
        xvga: true,
        mdev: 'nvidia-256',
      },
    ])
  })

  it('falls back to hostpci id without a mapping', async () => {
    const doc = (await parseHcl(
      'nas.tf',
      vmOf({ node: 'caraxes', vms: [{ name: 'nas', devices: ['05:00.0'] }], existing: [] }).terraform!,
    )) as TfDoc
    expect(doc.resource.proxmox_virtual_environment_hardware_mapping_pci).toBeUndefined()
    expect(doc.resource.proxmox_virtual_environment_vm.nas![0]!.hostpci).toEqual([
      { device: 'hostpci0', id: '0000:05:00.0', pcie: true },
    ])
  })
})

describe('Ansible (community.general.proxmox_kvm)', () => {
  it('parses as YAML: one task with hostpci entries', () => {
    const tasks = parseYaml(vmOf(GPU_VM).ansible!) as Record<string, Record<string, unknown>>[]
    expect(tasks).toHaveLength(1)
    expect(tasks[0]!.name).toBe('Pass 0000:0e:00 to ollama on caraxes')
    expect(tasks[0]!['community.general.proxmox_kvm']).toEqual({
      api_host: '{{ proxmox_api_host }}',
      api_user: 'root@pam',
      api_password: '{{ proxmox_root_password }}',
      node: 'caraxes',
      vmid: 120,
      update: true,
      machine: 'q35',
      bios: 'ovmf',
      cpu: 'host',
      memory: 16384,
      balloon: 0,
      hostpci: { hostpci0: 'host=0000:0e:00,pcie=1' },
    })
  })

  it('names the VM when no vmid is given', () => {
    const tasks = parseYaml(
      vmOf({ node: 'meraxes', vms: [{ name: 'llm', devices: [{ role: 'gpu' }] }], existing: [] }).ansible!,
    ) as Record<string, Record<string, unknown>>[]
    expect(tasks[0]!['community.general.proxmox_kvm']).toMatchObject({
      name: 'llm',
      hostpci: { hostpci0: 'host=0000:0d:00,pcie=1' },
    })
    expect(tasks[0]!['community.general.proxmox_kvm']).not.toHaveProperty('vmid')
  })
})
