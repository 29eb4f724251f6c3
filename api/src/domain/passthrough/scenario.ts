/**
 * The planner's working model: VMs with resolved hostpci entries on one node, plus what other
 * VMs already hold. Both the group check (one synthetic VM) and the plan build one, so every
 * rule runs on the same shape. Set names as in docs/research/passthrough-rules.md: F = requested functions, G = their
 * groups, E = non-bridge members of G, S = E \ F.
 */
import type { Catalog } from '../catalog/catalog.ts'
import { groupMembers, slotOf } from '../catalog/lookup.ts'
import type { NodeRecord, PciDevice } from '../catalog/schemas.ts'
import { criticalClass, isBridge } from './knowledge.ts'
import type { GroupMember } from './schemas.ts'

export interface Entry {
  /** JSON pointer of the selector in the request, for error messages. */
  pointer: string
  /** Normalised address as it goes into hostpciN: `0000:0e:00` (all functions) or `0000:0e:00.0`. */
  address: string
  allFunctions: boolean
  functions: PciDevice[]
  mdev: string | null
}

export interface VmScenario {
  name: string
  vmid: number | null
  machine: 'q35' | 'i440fx'
  bios: 'ovmf' | 'seabios'
  pcie: boolean
  display: boolean
  memoryBytes: number | null
  liveMigration: boolean
  guestOs: 'linux' | 'windows' | 'freebsd' | 'other' | null
  /** Major version of the NVIDIA driver in the guest; null = not given. */
  guestNvidiaDriver: number | null
  /** Storage for the OVMF EFI disk; null = not given. */
  efiDiskStorage: string | null
  entries: Entry[]
  /** Groups the VM takes even without a passable entry (the group check's group of bridges). */
  claimedGroups: number[]
}

export interface ExistingVm {
  vm: string
  functions: PciDevice[]
  /** `mapping=` ids: the catalog cannot resolve them to addresses. */
  mappings: string[]
  /** Addresses of existing hostpci lines that the catalog does not know on this node. */
  unknownAddresses: string[]
}

export interface Scenario {
  catalog: Catalog
  node: NodeRecord
  vms: VmScenario[]
  /** null = the request did not say what other VMs hold. */
  existing: ExistingVm[] | null
  hostReserveBytes: number | null
  /** true for the group check: one synthetic VM holding the whole group. */
  groupCheck: boolean
}

export const label = (d: PciDevice): string => d.address ?? d.label
export const byAddress = (a: PciDevice, b: PciDevice): number =>
  (a.address ?? '~').localeCompare(b.address ?? '~')

/** F: every requested function of a VM, duplicates kept (C9 looks for them). */
export function requestedFunctions(vm: VmScenario): PciDevice[] {
  return vm.entries.flatMap((e) => e.functions)
}

/** Distinct devices, in address order. */
export function unique(devices: readonly PciDevice[]): PciDevice[] {
  return [...new Set(devices)].sort(byAddress)
}

/**
 * Functions that go to vfio-pci: every entry but mediated devices, which Proxmox creates from
 * the vendor driver without rebinding anything (qemu-server PCI.pm prepare_pci_device).
 */
export function vfioFunctions(vm: VmScenario): PciDevice[] {
  return vm.entries.filter((e) => e.mdev === null).flatMap((e) => e.functions)
}

/**
 * G: the IOMMU groups a VM takes from the host, those of its vfio-pci functions (devices
 * without a group, -1, are C1's business).
 */
export function groupsOf(vm: VmScenario): number[] {
  const groups = [...vm.claimedGroups, ...vfioFunctions(vm).map((d) => d.iommuGroup)]
  return [...new Set(groups.filter((g) => g >= 0))].sort((a, b) => a - b)
}

/** Members of one IOMMU group, in address order. */
export function membersOf(node: NodeRecord, group: number): PciDevice[] {
  return groupMembers(node, group).sort(byAddress)
}

/** E: non-bridge members of the VM's groups, which Proxmox binds to vfio-pci at VM start. */
export function boundDevices(node: NodeRecord, vm: VmScenario): PciDevice[] {
  return groupsOf(vm)
    .flatMap((g) => membersOf(node, g))
    .filter((d) => !isBridge(d))
}

/** S: devices bound along with the VM's functions without being requested. */
export function siblingsLeft(node: NodeRecord, vm: VmScenario): PciDevice[] {
  const requested = new Set(vfioFunctions(vm))
  return boundDevices(node, vm).filter((d) => !requested.has(d))
}

/** Devices the host keeps after the plan: everything outside every VM's groups. */
export function hostKept(scenario: Scenario): PciDevice[] {
  const gone = new Set(scenario.vms.flatMap((vm) => boundDevices(scenario.node, vm)))
  return scenario.node.devices.filter((d) => !gone.has(d) && !isBridge(d))
}

/** Host-critical (rule C6): a host use other than the console, or a class the host cannot lose. */
export function isHostCritical(d: PciDevice): boolean {
  return d.hostUse.some((u) => u !== 'host-console') || criticalClass(d) !== null
}

/** Members of the VM's groups with their role relative to `targets` (addresses). */
export function memberRoles(
  node: NodeRecord,
  groups: readonly number[],
  targets: ReadonlySet<PciDevice>,
): GroupMember[] {
  const targetSlots = new Set([...targets].map(slotOf))
  return groups
    .flatMap((g) => membersOf(node, g))
    .map((d) => ({
      address: d.address,
      label: d.label,
      vendorDevice: d.vendorDevice,
      subsystem: d.subsystem,
      classCode: d.classCode,
      deviceRole: d.role,
      role: isBridge(d)
        ? 'bridge'
        : targets.has(d)
          ? 'target'
          : slotOf(d) !== null && targetSlots.has(slotOf(d))
            ? 'sibling-function'
            : 'other-endpoint',
      hostDriver: d.driver,
      hostUse: d.hostUse,
      hostCritical: isHostCritical(d),
    }))
}
