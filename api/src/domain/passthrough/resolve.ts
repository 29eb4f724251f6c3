/**
 * Turns a plan request into a Scenario: device selectors to hostpci entries, existing hostpci
 * lines to functions. Input problems become PlanInputError with the JSON pointer.
 */
import {
  ADDRESS_HINT,
  devicesAt,
  formatAddress,
  parseAddress,
  requireDevicesAt,
  slotOf,
} from '../catalog/lookup.ts'
import type { NodeRecord, PciDevice } from '../catalog/schemas.ts'
import { PlanInputError } from '../plan-input-error.ts'
import { slotFullyKnown } from './knowledge.ts'
import type { Entry, ExistingVm, VmScenario } from './scenario.ts'
import type { DeviceSelector, ExistingAssignment, VmRequest } from './schemas.ts'

function addressEntry(node: NodeRecord, text: string, pointer: string, mdev: string | null): Entry {
  const { query, devices } = requireDevicesAt(node, text, pointer)
  return { pointer, address: formatAddress(query), allFunctions: query.fn === null, functions: devices, mdev }
}

/**
 * hostpci entries for devices the planner picks itself (a role, a whole group), the same way
 * for the group check and the plan: an address without `.f` makes Proxmox take every function
 * of the slot (PVE::SysFSTools::lspci matches by prefix), functions the catalog may not list
 * included. So a slot goes as one entry only when its function 0 is known (a multi-function
 * device always has one) and every catalog function of it is wanted; otherwise each wanted
 * function goes by its own address.
 */
export function entriesFor(
  node: NodeRecord,
  wanted: readonly PciDevice[],
  pointer: string,
  mdev: string | null,
): Entry[] {
  const slots = [...new Set(wanted.map((d) => slotOf(d)!))]
  return slots.flatMap((slot): Entry[] => {
    const all = devicesAt(node, parseAddress(slot)!)
    const mine = wanted.filter((d) => slotOf(d) === slot)
    if (slotFullyKnown(all) && all.every((d) => mine.includes(d))) {
      return [{ pointer, address: slot, allFunctions: true, functions: all, mdev }]
    }
    return mine.map((d) => ({ pointer, address: d.address!, allFunctions: false, functions: [d], mdev }))
  })
}

function roleEntries(node: NodeRecord, role: string, pointer: string, mdev: string | null): Entry[] {
  const slots = [...new Set(node.devices.filter((d) => d.role === role && d.address).map((d) => slotOf(d)!))]
  if (slots.length === 0) {
    const roles = [...new Set(node.devices.filter((d) => d.address).map((d) => d.role))].sort()
    throw new PlanInputError(
      'not-found',
      `${pointer}/role`,
      `${node.id} has no device with role "${role}". Roles there: ${roles.join(', ')}.`,
    )
  }
  if (slots.length > 1) {
    throw new PlanInputError(
      'invalid',
      `${pointer}/role`,
      `${node.id} has ${slots.length} devices with role "${role}" (${slots.join(', ')}): name one by address.`,
    )
  }
  // A role names a card: every catalog function of its slot (the GPU with its audio and USB).
  return entriesFor(node, devicesAt(node, parseAddress(slots[0]!)!), pointer, mdev)
}

export function resolveSelector(node: NodeRecord, selector: DeviceSelector, pointer: string): Entry[] {
  if (typeof selector === 'string') return [addressEntry(node, selector, pointer, null)]
  if ('address' in selector)
    return [addressEntry(node, selector.address, `${pointer}/address`, selector.mdev ?? null)]
  return roleEntries(node, selector.role, pointer, selector.mdev ?? null)
}

export function resolveVm(node: NodeRecord, vm: VmRequest, index: number): VmScenario {
  return {
    name: vm.name,
    vmid: vm.vmid ?? null,
    machine: vm.machine,
    bios: vm.bios,
    pcie: vm.pcie ?? vm.machine === 'q35',
    display: vm.display,
    memoryBytes: vm.memoryBytes ?? null,
    liveMigration: vm.liveMigration,
    guestOs: vm.guestOs ?? null,
    guestNvidiaDriver: vm.guestNvidiaDriver ?? null,
    efiDiskStorage: vm.efiDiskStorage ?? null,
    entries: vm.devices.flatMap((s, j) => resolveSelector(node, s, `/vms/${index}/devices/${j}`)),
    claimedGroups: [],
  }
}

/** `hostpci3: host=0000:0e:00;0f:00.0,pcie=1` or `mapping=gpu,pcie=1` (qemu-server PCI.pm $hostpci_fmt). */
export function resolveExisting(node: NodeRecord, existing: ExistingAssignment, index: number): ExistingVm {
  const result: ExistingVm = { vm: existing.vm, functions: [], mappings: [], unknownAddresses: [] }
  existing.hostpci.forEach((line, j) => {
    const pointer = `/existing/${index}/hostpci/${j}`
    const value = line
      .replace(/^\s*hostpci\d{1,2}\s*:\s*/, '')
      .split(',')[0]!
      .trim()
    if (value.startsWith('mapping=')) {
      result.mappings.push(value.slice('mapping='.length))
      return
    }
    for (const alt of value.replace(/^host=/, '').split(';')) {
      const query = parseAddress(alt)
      if (!query)
        throw new PlanInputError(
          'invalid',
          pointer,
          `"${line}" is not a hostpci value: ${ADDRESS_HINT}, or mapping=<id>.`,
        )
      const found = devicesAt(node, query)
      if (found.length === 0) result.unknownAddresses.push(formatAddress(query))
      result.functions.push(...found)
    }
  })
  return result
}
