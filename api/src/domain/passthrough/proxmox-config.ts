/**
 * The config to apply, generated from the catalog: hostpciN lines and `qm set`, the cluster
 * resource mapping, and the host's vfio/module/blacklist files. Shapes follow
 * qemu-server's hostpci format, pve-guest-common's mapping schema and pve-docs
 * qm-pci-passthrough.adoc (docs/research/passthrough-rules.md, "Config", has the seed GPUs' lines).
 */
import { gpuModelOf, slotOf } from '../catalog/lookup.ts'
import { ansibleTasks, apiCalls, terraformHcl } from './automation.ts'
import type { PciDevice } from '../catalog/schemas.ts'
import {
  PLATFORM_SHARED_IDS,
  SUBSYSTEM_VENDORS,
  blacklistableDrivers,
  hostModules,
  isBridge,
  isGpu,
} from './knowledge.ts'
import {
  hostKept,
  label,
  unique,
  vfioFunctions,
  type Entry,
  type Scenario,
  type VmScenario,
} from './scenario.ts'
import { list } from './rule-kit.ts'
import type { ProxmoxHostConfig, ProxmoxVmConfig } from './schemas.ts'

/**
 * A mapping path without `.f` takes id, subsystem-id and iommugroup of function 0
 * (pve-guest-common Mapping/PCI.pm assert_valid).
 */
export function mainFunction(entry: Entry): PciDevice {
  return entry.functions.find((d) => d.address?.endsWith('.0')) ?? entry.functions[0]!
}

export interface Withheld {
  value: string
  reason: string
}

export interface HostBinding {
  ids: string[]
  withheldIds: Withheld[]
  softdeps: string[]
  blacklist: string[]
  withheldBlacklist: Withheld[]
}

/**
 * Early binding: `vfio-pci ids=` claims every device with the ID at boot (vfio-pci `ids` module parameter), so an
 * ID goes in only when no host-kept device (nor a known platform twin) shares it; blacklists
 * only for GPU-only drivers no host-kept device uses (rules C15, C16).
 */
export function hostBinding(scenario: Scenario): HostBinding {
  // mdev GPUs stay on their vendor driver: no ids=, softdep or blacklist for them.
  const passed = unique(scenario.vms.flatMap(vfioFunctions)).filter((d) => !isBridge(d))
  const kept = hostKept(scenario)
  const ids: string[] = []
  const withheldIds: Withheld[] = []
  for (const id of [...new Set(passed.map((d) => d.vendorDevice))]) {
    const twins = kept.filter((d) => d.vendorDevice === id)
    const reason =
      twins.length > 0
        ? `${list(twins.map((d) => `${label(d)} (${d.label})`))} has the same ID and stays on the host`
        : PLATFORM_SHARED_IDS[id]
    if (reason) withheldIds.push({ value: id, reason })
    else ids.push(id)
  }
  const early = passed.filter((d) => ids.includes(d.vendorDevice))
  const softdeps = [...new Set(early.flatMap(hostModules))]
  const keptDrivers = new Set(
    kept.flatMap((d) => [...blacklistableDrivers(d), ...(d.driver ? [d.driver] : [])]),
  )
  const blacklist: string[] = []
  const withheldBlacklist: Withheld[] = []
  for (const driver of [...new Set(passed.flatMap(blacklistableDrivers))]) {
    const users = kept.filter((d) => blacklistableDrivers(d).includes(driver) || d.driver === driver)
    if (keptDrivers.has(driver))
      withheldBlacklist.push({
        value: driver,
        reason: `${list(users.map((d) => `${label(d)} (${d.label})`))} stays on the host and uses it`,
      })
    else blacklist.push(driver)
  }
  return { ids, withheldIds, softdeps, blacklist, withheldBlacklist }
}

function hostpciValue(vm: VmScenario, entry: Entry, index: number): string {
  const firstGpu = vm.entries.findIndex((e) => e.functions.some(isGpu))
  const opts = [
    vm.pcie ? 'pcie=1' : null,
    vm.display && index === firstGpu ? 'x-vga=1' : null,
    entry.mdev ? `mdev=${entry.mdev}` : null,
  ]
  return [entry.address, ...opts.filter(Boolean)].join(',')
}

/** `RTX 2080 SUPER` → `rtx2080s`, the mapping id style of docs/research/passthrough-rules.md "Config". */
function shortName(d: PciDevice, scenario: Scenario): string {
  const model = gpuModelOf(scenario.catalog, d)
  const name = model ? model.name.replace(/^(GeForce|Radeon)\s+/i, '') : d.label
  return name
    .toLowerCase()
    .replace(/\bsuper\b/g, 's')
    .replace(/[^a-z0-9]+/g, model ? '' : '-')
    .replace(/^-|-$/g, '')
}

function mappingDescription(d: PciDevice, entry: Entry, scenario: Scenario): string {
  const model = gpuModelOf(scenario.catalog, d)
  const all = entry.allFunctions && entry.functions.length > 1 ? ', all functions' : ''
  if (!model) return `${d.label} (${d.vendorDevice})${all}`
  const board =
    d.subsystem && d.subsystem.slice(0, 4) !== d.vendorDevice.slice(0, 4)
      ? SUBSYSTEM_VENDORS[d.subsystem.slice(0, 4)]
      : undefined
  return `${board ? `${board} ` : ''}${model.name.replace(/^(GeForce|Radeon)\s+/i, '')} (${model.chip})${all}`
}

/** One cluster resource mapping (/cluster/mapping/pci) for one hostpci entry. */
export interface MappingPlan {
  id: string
  description: string
  /** The card provides mediated devices: assert_valid compares this flag with the device. */
  mdev: boolean
  map: { node: string; path: string; id: string; 'subsystem-id': string; iommugroup: number }
  /** hostpci options besides the device: pcie=1, x-vga=1, mdev=<type>. */
  options: string[]
}

/**
 * The mappings of a VM's entries, or null when a subsystem is unknown: Proxmox's assert_valid
 * (pve-guest-common PVE/Mapping/PCI.pm) refuses a mapping that lacks a subsystem-id the device
 * has. `path` is the entry's address: a function when only some functions go, since a path
 * without .f is validated against function 0.
 */
export function vmMappings(scenario: Scenario, vm: VmScenario): MappingPlan[] | null {
  const mains = vm.entries.map(mainFunction)
  if (mains.some((d) => d.subsystem === null)) return null
  return vm.entries.map((e, i) => {
    const d = mains[i]!
    return {
      id: `${scenario.node.id}-${shortName(d, scenario)}`,
      description: mappingDescription(d, e, scenario),
      mdev: e.mdev !== null,
      map: {
        node: scenario.node.id,
        path: e.address,
        id: d.vendorDevice,
        'subsystem-id': d.subsystem!,
        iommugroup: d.iommuGroup,
      },
      options: hostpciValue(vm, e, i).split(',').slice(1),
    }
  })
}

/** hostpciN values of a VM, in entry order. */
export function hostpciValues(vm: VmScenario): string[] {
  return vm.entries.map((e, i) => hostpciValue(vm, e, i))
}

/** `--efidisk0 local-lvm:1,efitype=4m`, a placeholder only when neither vmid nor storage is known. */
function efiDisk(vm: VmScenario): string | null {
  if (vm.bios !== 'ovmf') return null
  if (vm.efiDiskStorage !== null) return `--efidisk0 ${vm.efiDiskStorage}:1,efitype=4m`
  return vm.vmid === null ? '--efidisk0 <storage>:1,efitype=4m' : null
}

export function vmConfig(scenario: Scenario, vm: VmScenario): ProxmoxVmConfig {
  const vmid = vm.vmid === null ? '<vmid>' : String(vm.vmid)
  const values = hostpciValues(vm)
  const machine = vm.machine === 'q35' ? 'q35' : 'pc'
  const bios = [`--bios ${vm.bios}`, efiDisk(vm)].filter(Boolean).join(' ')
  const memory = vm.memoryBytes === null ? '' : ` --memory ${Math.ceil(vm.memoryBytes / 2 ** 20)}`
  // balloon 0: VFIO pins all guest RAM and inhibits ballooning (qemu commit c65ee433).
  const hostpciOpts = values.map((v, i) => `--hostpci${i} ${v}`).join(' ')
  const qmSet = `qm set ${vmid} --machine ${machine} ${bios} \\\n  --cpu host${memory} --balloon 0 ${hostpciOpts}`
  const maps = vmMappings(scenario, vm)
  const mappingCfg =
    maps
      ?.map((m) => [
        m.id,
        `\tdescription ${m.description}`,
        ...(m.mdev ? ['\tmdev 1'] : []),
        `\tmap ${mapText(m)}`,
      ])
      .map((lines) => lines.join('\n'))
      .join('\n\n') ?? null
  const mappingCommands = maps
    ? [
        ...maps.map((m) =>
          [
            `pvesh create /cluster/mapping/pci --id ${m.id}`,
            `  --description "${m.description}"${m.mdev ? ' --mdev 1' : ''}`,
            `  --map ${mapText(m, MAP_ORDER)}`,
          ].join(' \\\n'),
        ),
        `qm set ${vmid} ` +
          `${maps.map((m, i) => `--hostpci${i} ${[`mapping=${m.id}`, ...m.options].join(',')}`).join(' ')}`,
      ]
    : []
  return {
    hostpci: values.map((v, i) => `hostpci${i}: ${v}`),
    qmSet,
    mappingCfg,
    mappingCommands,
    apiCalls: apiCalls(scenario, vm),
    terraform: terraformHcl(scenario, vm),
    ansible: ansibleTasks(scenario, vm),
  }
}

/** pci.cfg writes map keys sorted (SectionConfig); the pvesh examples lead with node and path. */
const MAP_ORDER = ['node', 'path', 'id', 'subsystem-id', 'iommugroup'] as const

type MapKey = keyof MappingPlan['map']

/** The `map` property string of a mapping: `id=…,iommugroup=…,node=…,path=…,subsystem-id=…`. */
export function mapText(
  m: MappingPlan,
  order: readonly MapKey[] = (Object.keys(m.map) as MapKey[]).sort(),
): string {
  return order.map((k) => `${k}=${m.map[k]}`).join(',')
}

/** The addresses the VMs' entries name (a slot or a function), as the lspci checks use them. */
function passedAddresses(scenario: Scenario): string[] {
  return [
    ...new Set(scenario.vms.flatMap((vm) => vm.entries.filter((e) => e.mdev === null).map((e) => e.address))),
  ]
}

const VFIO_MODULES = ['vfio', 'vfio_iommu_type1', 'vfio_pci']

export function hostConfig(scenario: Scenario): ProxmoxHostConfig {
  const b = hostBinding(scenario)
  const passed = unique(scenario.vms.flatMap(vfioFunctions)).filter((d) => !isBridge(d))
  const cpu = scenario.node.platform.cpu ?? ''
  const notes = [
    /amd/i.test(cpu)
      ? 'Kernel command line: nothing is required on AMD (the IOMMU is on by default); never add ' +
        'amd_iommu=on, which is not a valid value. iommu=pt is optional.'
      : /intel/i.test(cpu)
        ? 'Kernel command line: Intel kernels before 6.8 need intel_iommu=on; iommu=pt is optional.'
        : 'Kernel command line: CPU vendor unknown; Intel kernels before 6.8 need intel_iommu=on, AMD needs nothing.',
    ...b.withheldIds.map(
      (w) => `${w.value} is not in ids=: ${w.reason}. Proxmox binds it to vfio-pci at VM start instead.`,
    ),
    ...b.withheldBlacklist.map(
      (w) => `${w.value} is not blacklisted: ${w.reason}. softdep … pre: vfio-pci plus ids= does the job.`,
    ),
    ...(scenario.vms.some((vm) => vm.entries.some((e) => e.mdev !== null))
      ? [
          "Mediated devices: the vendor's vGPU host driver must own the card; nothing is bound to vfio-pci for it.",
        ]
      : []),
    ...passed
      .filter((d) => d.driver === 'nvidia' && isGpu(d))
      .slice(0, 1)
      .map(
        () =>
          'The host runs the NVIDIA proprietary driver now (catalog driver: nvidia): also add ' +
          '`blacklist nvidia` if it is installed; host CUDA workloads lose the GPU.',
      ),
    ...passed
      .filter((d) => isGpu(d) && d.hostUse.includes('host-console'))
      .slice(0, 1)
      .map(
        () =>
          'Single-GPU host: add initcall_blacklist=sysfb_init to the kernel command line only if ' +
          'vfio reports the GPU BAR as busy.',
      ),
    ...passed
      .filter((d) => d.provenance.default.status === 'inferred' && b.ids.includes(d.vendorDevice))
      .map(
        (d) =>
          `${label(d)} (${d.vendorDevice}) is inferred, not read from the host: drop ` +
          `${d.vendorDevice} from ids= if \`lspci -nn -s ${slotOf(d)}\` does not list it.`,
      ),
  ]
  return {
    vfioConf:
      b.ids.length === 0
        ? []
        : [`options vfio-pci ids=${b.ids.join(',')}`, ...b.softdeps.map((m) => `softdep ${m} pre: vfio-pci`)],
    // Mediated devices need no vfio modules (pve-docs qm-pci-passthrough.adoc): nothing to load.
    modules: passed.length === 0 ? [] : VFIO_MODULES,
    kernelCmdline: [],
    blacklist: b.blacklist.map((d) => `blacklist ${d}`),
    afterwards:
      passed.length === 0
        ? []
        : [
            'update-initramfs -u -k all',
            'reboot',
            ...passedAddresses(scenario).map(
              (a) => `lspci -nnk -s ${a}   # expect "Kernel driver in use: vfio-pci"`,
            ),
          ],
    notes,
  }
}
