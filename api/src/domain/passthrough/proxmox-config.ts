/**
 * The config to apply, generated from the catalog: hostpciN lines and `qm set`, the cluster
 * resource mapping, and the host's vfio/module/blacklist files. Shapes follow
 * shared/research/passthrough.md §1.2, §1.4, §1.5 and §7 (the seed GPUs' exact lines).
 */
import { gpuModelOf, slotOf } from '../catalog/lookup.ts'
import type { PciDevice } from '../catalog/schemas.ts'
import { PLATFORM_SHARED_IDS, SUBSYSTEM_VENDORS, blacklistableDrivers, hostModules, isBridge, isGpu } from './knowledge.ts'
import { hostKept, label, requestedFunctions, unique, type Entry, type Scenario, type VmScenario } from './scenario.ts'
import { list } from './rule-kit.ts'
import type { ProxmoxHostConfig, ProxmoxVmConfig } from './schemas.ts'

/** A mapping path without `.f` takes id, subsystem-id and iommugroup of function 0 (RP §1.4). */
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
 * Early binding: `vfio-pci ids=` claims every device with the ID at boot (RP §2 rule 9), so an
 * ID goes in only when no host-kept device (nor a known platform twin) shares it; blacklists
 * only for GPU-only drivers no host-kept device uses (RP §5 C15, C16).
 */
export function hostBinding(scenario: Scenario): HostBinding {
  const passed = unique(scenario.vms.flatMap(requestedFunctions)).filter((d) => !isBridge(d))
  const kept = hostKept(scenario)
  const ids: string[] = []
  const withheldIds: Withheld[] = []
  for (const id of [...new Set(passed.map((d) => d.vendorDevice))]) {
    const twins = kept.filter((d) => d.vendorDevice === id)
    const reason = twins.length > 0 ? `${list(twins.map((d) => `${label(d)} (${d.label})`))} has the same ID and stays on the host` : PLATFORM_SHARED_IDS[id]
    if (reason) withheldIds.push({ value: id, reason })
    else ids.push(id)
  }
  const early = passed.filter((d) => ids.includes(d.vendorDevice))
  const softdeps = [...new Set(early.flatMap(hostModules))]
  const keptDrivers = new Set(kept.flatMap((d) => [...blacklistableDrivers(d), ...(d.driver ? [d.driver] : [])]))
  const blacklist: string[] = []
  const withheldBlacklist: Withheld[] = []
  for (const driver of [...new Set(passed.flatMap(blacklistableDrivers))]) {
    const users = kept.filter((d) => blacklistableDrivers(d).includes(driver) || d.driver === driver)
    if (keptDrivers.has(driver)) withheldBlacklist.push({ value: driver, reason: `${list(users.map((d) => `${label(d)} (${d.label})`))} stays on the host and uses it` })
    else blacklist.push(driver)
  }
  return { ids, withheldIds, softdeps, blacklist, withheldBlacklist }
}

function hostpciValue(vm: VmScenario, entry: Entry, index: number): string {
  const firstGpu = vm.entries.findIndex((e) => e.functions.some(isGpu))
  const opts = [vm.pcie ? 'pcie=1' : null, vm.display && index === firstGpu ? 'x-vga=1' : null, entry.mdev ? `mdev=${entry.mdev}` : null]
  return [entry.address, ...opts.filter(Boolean)].join(',')
}

/** `RTX 2080 SUPER` → `rtx2080s`, as in RP §7's mapping ids. */
function shortName(d: PciDevice, scenario: Scenario): string {
  const model = gpuModelOf(scenario.catalog, d)
  const name = model ? model.name.replace(/^(GeForce|Radeon)\s+/i, '') : d.label
  return name.toLowerCase().replace(/\bsuper\b/g, 's').replace(/[^a-z0-9]+/g, model ? '' : '-').replace(/^-|-$/g, '')
}

function mappingDescription(d: PciDevice, entry: Entry, scenario: Scenario): string {
  const model = gpuModelOf(scenario.catalog, d)
  const all = entry.allFunctions && entry.functions.length > 1 ? ', all functions' : ''
  if (!model) return `${d.label} (${d.vendorDevice})${all}`
  const board = d.subsystem && d.subsystem.slice(0, 4) !== d.vendorDevice.slice(0, 4) ? SUBSYSTEM_VENDORS[d.subsystem.slice(0, 4)] : undefined
  return `${board ? `${board} ` : ''}${model.name.replace(/^(GeForce|Radeon)\s+/i, '')} (${model.chip})${all}`
}

export function vmConfig(scenario: Scenario, vm: VmScenario): ProxmoxVmConfig {
  const vmid = vm.vmid === null ? '<vmid>' : String(vm.vmid)
  const values = vm.entries.map((e, i) => hostpciValue(vm, e, i))
  const machine = vm.machine === 'q35' ? 'q35' : 'pc'
  const bios = vm.bios === 'ovmf' ? '--bios ovmf --efidisk0 <storage>:1,efitype=4m' : '--bios seabios'
  const memory = vm.memoryBytes === null ? '' : ` --memory ${Math.ceil(vm.memoryBytes / 2 ** 20)}`
  // balloon 0: VFIO pins all guest RAM and inhibits ballooning (qemu c65ee433; RP §2 rule 8).
  const qmSet = `qm set ${vmid} --machine ${machine} ${bios} \\\n  --cpu host${memory} --balloon 0 ${values.map((v, i) => `--hostpci${i} ${v}`).join(' ')}`
  const mains = vm.entries.map(mainFunction)
  const complete = mains.every((d) => d.subsystem !== null)
  const maps = vm.entries.map((e, i) => {
    const d = mains[i]!
    const id = `${scenario.node.id}-${shortName(d, scenario)}`
    const map = { id: d.vendorDevice, iommugroup: d.iommuGroup, node: scenario.node.id, path: e.address, 'subsystem-id': d.subsystem }
    return { id, entry: e, description: mappingDescription(d, e, scenario), map, opts: values[i]!.split(',').slice(1) }
  })
  const mappingCfg = complete
    ? maps.map((m) => `${m.id}\n\tdescription ${m.description}\n\tmap ${Object.entries(m.map).map(([k, v]) => `${k}=${v}`).join(',')}`).join('\n\n')
    : null
  const mappingCommands = complete
    ? [
        ...maps.map((m) => `pvesh create /cluster/mapping/pci --id ${m.id} \\\n  --description "${m.description}" \\\n  --map node=${m.map.node},path=${m.map.path},id=${m.map.id},subsystem-id=${m.map['subsystem-id']},iommugroup=${m.map.iommugroup}`),
        `qm set ${vmid} ${maps.map((m, i) => `--hostpci${i} ${[`mapping=${m.id}`, ...m.opts].join(',')}`).join(' ')}`,
      ]
    : []
  return { hostpci: values.map((v, i) => `hostpci${i}: ${v}`), qmSet, mappingCfg, mappingCommands }
}

/** The addresses the VMs' entries name (a slot or a function), as the lspci checks use them. */
function passedAddresses(scenario: Scenario): string[] {
  return [...new Set(scenario.vms.flatMap((vm) => vm.entries.filter((e) => e.mdev === null).map((e) => e.address)))]
}

const VFIO_MODULES = ['vfio', 'vfio_iommu_type1', 'vfio_pci']

export function hostConfig(scenario: Scenario): ProxmoxHostConfig {
  const b = hostBinding(scenario)
  const passed = unique(scenario.vms.flatMap(requestedFunctions)).filter((d) => !isBridge(d))
  const cpu = scenario.node.platform.cpu ?? ''
  const notes = [
    /amd/i.test(cpu)
      ? 'Kernel command line: nothing is required on AMD (the IOMMU is on by default); never add amd_iommu=on, which is not a valid value. iommu=pt is optional.'
      : /intel/i.test(cpu)
        ? 'Kernel command line: Intel kernels before 6.8 need intel_iommu=on; iommu=pt is optional.'
        : 'Kernel command line: CPU vendor unknown; Intel kernels before 6.8 need intel_iommu=on, AMD needs nothing.',
    ...b.withheldIds.map((w) => `${w.value} is not in ids=: ${w.reason}. Proxmox binds it to vfio-pci at VM start instead.`),
    ...b.withheldBlacklist.map((w) => `${w.value} is not blacklisted: ${w.reason}. softdep … pre: vfio-pci plus ids= does the job.`),
    ...passed.filter((d) => d.driver === 'nvidia' && isGpu(d)).slice(0, 1).map(() => 'The host runs the NVIDIA proprietary driver now (catalog driver: nvidia): also add `blacklist nvidia` if it is installed; host CUDA workloads lose the GPU.'),
    ...passed.filter((d) => isGpu(d) && d.hostUse.includes('host-console')).slice(0, 1).map(() => 'Single-GPU host: add initcall_blacklist=sysfb_init to the kernel command line only if vfio reports the GPU BAR as busy.'),
    ...passed.filter((d) => d.provenance.default.status === 'inferred' && b.ids.includes(d.vendorDevice)).map((d) => `${label(d)} (${d.vendorDevice}) is inferred, not read from the host: drop ${d.vendorDevice} from ids= if \`lspci -nn -s ${slotOf(d)}\` does not list it.`),
  ]
  return {
    vfioConf: b.ids.length === 0 ? [] : [`options vfio-pci ids=${b.ids.join(',')}`, ...b.softdeps.map((m) => `softdep ${m} pre: vfio-pci`)],
    modules: VFIO_MODULES,
    kernelCmdline: [],
    blacklist: b.blacklist.map((d) => `blacklist ${d}`),
    afterwards: ['update-initramfs -u -k all', 'reboot', ...passedAddresses(scenario).map((a) => `lspci -nnk -s ${a}   # expect "Kernel driver in use: vfio-pci"`)],
    notes,
  }
}
