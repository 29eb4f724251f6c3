/**
 * The same VM config for the tools people automate Proxmox with: Proxmox API calls (with the
 * pvesh line for each), a Terraform snippet for the bpg/proxmox provider and Ansible tasks for
 * community.general.proxmox_kvm. Attribute names come from each tool's published docs:
 * - Proxmox API: /cluster/mapping/pci (id, description, map[], mdev) and
 *   /nodes/{node}/qemu/{vmid}/config (machine, bios, cpu, balloon, memory, efidisk0, hostpciN),
 *   https://pve.proxmox.com/pve-docs/api-viewer/;
 * - bpg/proxmox: docs/resources/virtual_environment_hardware_mapping_pci.md (name, comment,
 *   mediated_devices, map { id, iommu_group, node, path, subsystem_id }) and
 *   docs/resources/virtual_environment_vm.md (node_name, vm_id, machine, bios, cpu.type,
 *   memory.dedicated/floating, efi_disk, hostpci { device, id | mapping, pcie, xvga, mdev }),
 *   https://github.com/bpg/terraform-provider-proxmox/tree/main/docs/resources;
 * - Ansible: community.general.proxmox_kvm, which redirects to community.proxmox.proxmox_kvm
 *   (hostpci: a dict of hostpci[n] → "host=…,pcie=1"; vmid or name, node, update, machine, bios,
 *   cpu, memory, balloon),
 *   https://docs.ansible.com/ansible/latest/collections/community/proxmox/proxmox_kvm_module.html.
 * Strings are written as JSON strings, which are valid HCL and YAML string literals.
 */
import { hostpciValues, mapText, vmMappings, type MappingPlan } from './proxmox-config.ts'
import { list } from './rule-kit.ts'
import type { Scenario, VmScenario } from './scenario.ts'
import type { ProxmoxApiCall } from './schemas.ts'

type Body = ProxmoxApiCall['body']

const MIB = 2 ** 20

/** `'…'` for a POSIX shell: nothing inside single quotes is expanded. */
const sh = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`)

/** A JSON string that HCL does not interpolate (`${` and `%{` start templates there). */
const hclString = (s: string) => JSON.stringify(s).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{')

/** `caraxes-rtx2080s` → `caraxes_rtx2080s`: a Terraform resource name. */
const tfName = (s: string) => s.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1')

/** The VM's RAM in MiB, as Proxmox's `memory` takes it; undefined when the catalog has no size. */
function memoryMib(vm: VmScenario): number | undefined {
  return vm.memoryBytes === null ? undefined : Math.ceil(vm.memoryBytes / MIB)
}

function vmSettings(vm: VmScenario): Body {
  // balloon 0: VFIO pins all guest RAM and inhibits ballooning (QEMU commit c65ee433).
  const body: Body = { machine: vm.machine === 'q35' ? 'q35' : 'pc', bios: vm.bios, cpu: 'host', balloon: 0 }
  const memory = memoryMib(vm)
  if (memory !== undefined) body.memory = memory
  if (vm.bios === 'ovmf' && vm.efiDiskStorage !== null) body.efidisk0 = `${vm.efiDiskStorage}:1,efitype=4m`
  return body
}

/**
 * POST /cluster/mapping/pci per mapping, then PUT /nodes/{node}/qemu/{vmid}/config. The VM
 * uses the mappings when there are any: an API token may assign a mapping, while raw host=
 * entries are root@pam only (qemu-server API2/Qemu.pm check_hostpci_perm).
 */
export function apiCalls(scenario: Scenario, vm: VmScenario): ProxmoxApiCall[] {
  const maps = vmMappings(scenario, vm)
  const vmid = vm.vmid === null ? '<vmid>' : String(vm.vmid)
  const mappingCalls = (maps ?? []).map((m): ProxmoxApiCall => {
    const body: Body = { id: m.id, description: m.description, map: [mapText(m)] }
    if (m.mdev) body.mdev = 1
    const path = '/cluster/mapping/pci'
    return { method: 'POST', path, body, pvesh: pvesh('create', path, body) }
  })
  const hostpci = maps ? maps.map((m) => [`mapping=${m.id}`, ...m.options].join(',')) : hostpciValues(vm)
  const body: Body = { ...vmSettings(vm), ...Object.fromEntries(hostpci.map((v, i) => [`hostpci${i}`, v])) }
  const path = `/nodes/${scenario.node.id}/qemu/${vmid}/config`
  return [...mappingCalls, { method: 'PUT', path, body, pvesh: pvesh('set', path, body) }]
}

/** `pvesh create|set <path> --key value …`; an array parameter repeats its option. */
function pvesh(verb: 'create' | 'set', path: string, body: Body): string {
  const opts = Object.entries(body).flatMap(([k, v]) => [v].flat().map((x) => `--${k} ${sh(String(x))}`))
  return `pvesh ${verb} ${path} ${opts.join(' ')}`
}

function tfMapping(m: MappingPlan): string {
  return [
    `resource "proxmox_virtual_environment_hardware_mapping_pci" "${tfName(m.id)}" {`,
    `  name             = ${hclString(m.id)}`,
    `  comment          = ${hclString(m.description)}`,
    `  mediated_devices = ${m.mdev}`,
    '  map = [',
    '    {',
    `      id           = ${hclString(m.map.id)}`,
    `      iommu_group  = ${m.map.iommugroup}`,
    `      node         = ${hclString(m.map.node)}`,
    `      path         = ${hclString(m.map.path)}`,
    `      subsystem_id = ${hclString(m.map['subsystem-id'])}`,
    '    },',
    '  ]',
    '}',
  ].join('\n')
}

/** One `hostpci` block: by mapping when there is one, else by raw address (root login only). */
function tfHostpci(value: string, index: number, mapping: MappingPlan | null): string {
  const opts = value.split(',').slice(1)
  const lines = [
    `    device  = "hostpci${index}"`,
    mapping
      ? `    mapping = proxmox_virtual_environment_hardware_mapping_pci.${tfName(mapping.id)}.name`
      : `    id      = ${hclString(value.split(',')[0]!)}`,
    `    pcie    = ${opts.includes('pcie=1')}`,
    ...(opts.includes('x-vga=1') ? ['    xvga    = true'] : []),
    ...opts.filter((o) => o.startsWith('mdev=')).map((o) => `    mdev    = ${hclString(o.slice(5))}`),
  ]
  return ['  hostpci {', ...lines, '  }'].join('\n')
}

/** A nested HCL block of the VM resource, two spaces in. */
function block(name: string, lines: readonly string[]): string[] {
  return [`  ${name} {`, ...lines.map((l) => `    ${l}`), '  }']
}

export function terraformHcl(scenario: Scenario, vm: VmScenario): string {
  const maps = vmMappings(scenario, vm)
  const values = hostpciValues(vm)
  const s = vmSettings(vm)
  const memory = memoryMib(vm)
  const vmBlock = [
    `# Merge into the resource of VM ${vm.name}: q35/OVMF, host CPU, no ballooning (VFIO pins guest RAM).`,
    ...(maps ? [] : ["# hostpci by id needs the provider's root username and password, not an API token."]),
    `resource "proxmox_virtual_environment_vm" "${tfName(vm.name)}" {`,
    `  node_name = ${hclString(scenario.node.id)}`,
    ...(vm.vmid === null ? [] : [`  vm_id     = ${vm.vmid}`]),
    `  name      = ${hclString(vm.name)}`,
    `  machine   = ${hclString(String(s.machine))}`,
    `  bios      = ${hclString(vm.bios)}`,
    ...block('cpu', ['type = "host"']),
    ...(memory === undefined ? [] : block('memory', [`dedicated = ${memory}`, 'floating  = 0'])),
    ...(vm.bios === 'ovmf' && vm.efiDiskStorage !== null
      ? block('efi_disk', [`datastore_id = ${hclString(vm.efiDiskStorage)}`, 'type         = "4m"'])
      : []),
    ...values.map((v, i) => tfHostpci(v, i, maps?.[i] ?? null)),
    '}',
  ].join('\n')
  return [...(maps ?? []).map(tfMapping), vmBlock].join('\n\n') + '\n'
}

export function ansibleTasks(scenario: Scenario, vm: VmScenario): string {
  const s = vmSettings(vm)
  const memory = memoryMib(vm)
  const values = hostpciValues(vm)
  const y = (v: string | number) => (typeof v === 'number' ? String(v) : JSON.stringify(v))
  return [
    '# community.general.proxmox_kvm redirects to community.proxmox.proxmox_kvm; raw host= entries',
    '# can only be set by root@pam with a password (qemu-server check_hostpci_perm).',
    `- name: ${y(`Pass ${list(values.map((v) => v.split(',')[0]!))} to ${vm.name} on ${scenario.node.id}`)}`,
    '  community.general.proxmox_kvm:',
    '    api_host: "{{ proxmox_api_host }}"',
    '    api_user: root@pam',
    '    api_password: "{{ proxmox_root_password }}"',
    `    node: ${y(scenario.node.id)}`,
    vm.vmid === null ? `    name: ${y(vm.name)}` : `    vmid: ${vm.vmid}`,
    '    update: true',
    `    machine: ${y(String(s.machine))}`,
    `    bios: ${y(vm.bios)}`,
    '    cpu: host',
    ...(memory === undefined ? [] : [`    memory: ${memory}`]),
    '    balloon: 0',
    '    hostpci:',
    ...values.map((v, i) => `      hostpci${i}: ${y(`host=${v}`)}`),
    '',
  ].join('\n')
}
