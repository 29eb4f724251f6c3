/**
 * Rules about the IOMMU groups a VM takes: existence, bridges, group closure,
 * host-critical members, inventory drift. One predicate per rule; the table is at the end.
 */
import { devicesAt, parseAddress, slotOf } from '../catalog/lookup.ts'
import { provenanceOf } from '../catalog/provenance.ts'
import type { PciDevice } from '../catalog/schemas.ts'
import { HOST_COMMANDS, SLOT_NEIGHBOURS, criticalClass, isBridge, slotFullyKnown } from './knowledge.ts'
import { fail, list, pass, unknown, type Outcome, type Rule, type VmRuleInput } from './rule-kit.ts'
import {
  boundDevices,
  groupsOf,
  label,
  membersOf,
  requestedFunctions,
  siblingsLeft,
  unique,
  type Entry,
} from './scenario.ts'

/** Every member of every IOMMU group the VM takes, bridges included. */
function vmGroupMembers({ scenario, vm }: VmRuleInput): PciDevice[] {
  return groupsOf(vm).flatMap((g) => membersOf(scenario.node, g))
}

const groupWord = (groups: number[]) =>
  groups.length === 1 ? `group ${groups[0]}` : `groups ${list(groups.map(String))}`

function c3(input: VmRuleInput): Outcome {
  const noAddress = vmGroupMembers(input).filter((d) => d.address === null)
  const requested = unique(requestedFunctions(input.vm)).map(label)
  if (noAddress.length > 0) {
    return unknown(
      `${list(noAddress.map((d) => d.label))} in ${groupWord(groupsOf(input.vm))} ` +
        `${noAddress.length === 1 ? 'has' : 'have'} no PCI address in the catalog.`,
      HOST_COMMANDS.topology,
      {
        devices: noAddress.map(label),
        fix: "Import the host's device list so every group member has an address.",
      },
    )
  }
  return pass(
    `${requested.length === 0 ? 'No function is requested' : `${list(requested)} exist on ${input.scenario.node.id}`}.`,
    { devices: requested },
  )
}

function c4(input: VmRuleInput): Outcome {
  const bridges = unique(requestedFunctions(input.vm)).filter(isBridge)
  if (bridges.length > 0) {
    return fail(
      `${list(bridges.map(label))} ` +
        `${bridges.length === 1 ? 'is a PCI bridge' : 'are PCI bridges'}: a bridge is never ` +
        `passed through.`,
      {
        devices: bridges.map(label),
        fix: 'Pass the endpoint behind the bridge instead.',
      },
    )
  }
  const members = vmGroupMembers(input)
  if (requestedFunctions(input.vm).length === 0) {
    return fail(
      `${groupWord(groupsOf(input.vm))} holds only ` +
        `${members.length === 0 ? 'no known device' : `bridges (${list(members.map(label))})`}: ` +
        `there is nothing to pass through.`,
      {
        devices: members.map(label),
        fix: 'Check the group of the endpoint behind these ports instead.',
      },
    )
  }
  const inGroup = members.filter(isBridge)
  return pass(
    inGroup.length === 0
      ? 'No bridge is requested.'
      : `No bridge is requested; ${list(inGroup.map(label))} stay on pcieport (Proxmox skips bridges when binding).`,
  )
}

function c5(input: VmRuleInput): Outcome {
  const { scenario, vm } = input
  const requested = new Set(requestedFunctions(vm))
  const requestedSlots = new Set([...requested].map(slotOf))
  const left = siblingsLeft(scenario.node, vm)
  const partial = left.filter((d) => requestedSlots.has(slotOf(d)))
  const others = left.filter((d) => !requestedSlots.has(slotOf(d)))
  const groups = groupWord(groupsOf(vm))
  if (others.length > 0) {
    return fail(
      `Shared ${groups}: ${list(others.map((d) => `${label(d)} (${d.label})`))} will be taken ` +
        `from the host at VM start and must go to the same VM or stay unused.`,
      {
        severity: 'warn',
        devices: others.map(label),
        fix: `Add ${list(others.map(label))} to this VM, or leave them unused while it runs.`,
      },
    )
  }
  if (partial.length > 0) {
    return fail(
      `${list(partial.map(label))} share${partial.length === 1 ? 's' : ''} the slot of a ` +
        `requested function: Proxmox binds ${partial.length === 1 ? 'it' : 'them'} to vfio-pci ` +
        `anyway.`,
      {
        severity: 'warn',
        devices: partial.map(label),
        fix: 'Pass all functions: give the slot without .f (e.g. 0000:0e:00).',
      },
    )
  }
  const slots = new Set(boundDevices(scenario.node, vm).map(slotOf))
  if (slots.size > 1) {
    return fail(
      `${groups} joins ${slots.size} slots (${list([...slots].map(String))}); all of them go to this VM.`,
      { severity: 'info', devices: [...requested].map(label) },
    )
  }
  return pass(
    `${groups} holds only the requested device's ` +
      `functions${vmGroupMembers(input).some(isBridge) ? ' and bridges' : ''}.`,
  )
}

function c6(input: VmRuleInput): Outcome {
  const critical = boundDevices(input.scenario.node, input.vm).flatMap((d) => {
    const uses = [
      ...d.hostUse.filter((u) => u !== 'host-console'),
      ...(criticalClass(d) ? [criticalClass(d)!] : []),
    ]
    return uses.length > 0 ? [{ d, uses }] : []
  })
  if (critical.length > 0) {
    return fail(
      `The host needs ` +
        `${list(critical.map(({ d, uses }) => `${label(d)} (${d.label}: ${uses.join(', ')})`))}; ` +
        `passing ${groupWord(groupsOf(input.vm))} would take ` +
        `${critical.length === 1 ? 'it' : 'them'} away.`,
      {
        devices: critical.map(({ d }) => label(d)),
        fix:
          "Keep this group on the host. Move the host's management/boot role to another device first if " +
          'you need this one in a VM.',
      },
    )
  }
  return pass(
    `No member of ${groupWord(groupsOf(input.vm))} is host-critical (catalog host uses and classes).`,
  )
}

/** Fields a mapping and a group check depend on; `imported` = read from the host itself. */
const DRIFT_FIELDS = ['address', 'iommuGroup', 'vendorDevice', 'subsystem'] as const

function c27(input: VmRuleInput): Outcome {
  const { scenario } = input
  const stale = (scenario.existing ?? []).flatMap((e) => e.unknownAddresses.map((a) => `${a} (${e.vm})`))
  if (stale.length > 0) {
    return fail(
      `Existing hostpci entries name ${list(stale)}, which the catalog does not list on ` +
        `${scenario.node.id}: the inventory or the VM config is stale.`,
      {
        severity: 'error',
        devices: stale,
        fix: "Re-import the host's PCI list, then plan again.",
        command: HOST_COMMANDS.pci(scenario.node.id),
      },
    )
  }
  const notRead = vmGroupMembers(input).filter((d) =>
    DRIFT_FIELDS.some((f) => provenanceOf(d.provenance, f).status !== 'imported'),
  )
  if (notRead.length > 0) {
    return unknown(
      `${list(notRead.map(label))}: address, group or IDs come from the seed document or ` +
        `inference, not from the host; groups change with BIOS, slot or kernel changes.`,
      HOST_COMMANDS.pci(scenario.node.id),
      {
        devices: notRead.map(label),
        fix: "Compare with the host's list before applying; re-plan after any BIOS or kernel update.",
      },
    )
  }
  return pass('Every member was imported from the host itself; re-import after BIOS or kernel updates.')
}

/** `0000:10:00.0 (probably 1022:1485 …)` for the functions a slot has beyond the catalog's. */
function missingFunctions(slot: string, known: readonly PciDevice[]): string[] {
  const hints = known.flatMap((d) => {
    const k = SLOT_NEIGHBOURS[d.vendorDevice]
    return k && d.address?.endsWith(`.${k.fn}`) ? k.neighbours : []
  })
  const listed = new Set(known.map((d) => d.address))
  if (hints.length > 0) {
    return hints
      .filter((n) => !listed.has(`${slot}.${n.fn}`))
      .map((n) => `${slot}.${n.fn} (probably ${n.vendorDevice} ${n.what})`)
  }
  return [`${slot}.0`]
}

function c28(input: VmRuleInput): Outcome {
  const { node } = input.scenario
  const vfio = input.vm.entries.filter((e) => e.mdev === null)
  const slotOfEntry = (e: Entry) => (e.allFunctions ? e.address : e.address.slice(0, -2))
  const partial = vfio.flatMap((e) => {
    const slot = slotOfEntry(e)
    const known = devicesAt(node, parseAddress(slot)!)
    return slotFullyKnown(known) ? [] : [{ e, slot, known, missing: missingFunctions(slot, known) }]
  })
  if (partial.length > 0) {
    const p = partial[0]!
    const short = p.slot.replace(/^0000:/, '')
    const knownText = list(p.known.map(label))
    const what = p.e.allFunctions
      ? `${p.e.address} names the whole slot, but the catalog lists only ${knownText}: Proxmox ` +
        `takes every function of the slot, also ${list(p.missing)}.`
      : `The catalog lists only ${knownText} of slot ${p.slot}; its other functions, ` +
        `${list(p.missing)}, are not in the catalog: whichever shares IOMMU group ` +
        `${list([...new Set(p.known.map((d) => String(d.iommuGroup)))])} goes to the VM with it.`
    return unknown(what, `lspci -s ${short} -nn`, {
      devices: partial.flatMap((x) => x.missing.map((m) => m.split(' ')[0]!)),
      fix: p.e.allFunctions
        ? `Pass ${list(p.known.map(label))} by function address, never the slot ${p.slot}.`
        : `List the slot's functions and their groups on the host (then npm run import); keep ` +
          `host-critical ones in other groups.`,
    })
  }
  const slots = vfio.filter((e) => e.allFunctions)
  const notRead = slots
    .flatMap((e) => e.functions)
    .filter((d) => provenanceOf(d.provenance, 'address').status !== 'imported')
  if (notRead.length > 0) {
    const slot = slots.find((e) => e.functions.includes(notRead[0]!))!.address
    return unknown(
      `${list(slots.map((e) => e.address))} go${slots.length === 1 ? 'es' : ''} without .f, so ` +
        `Proxmox takes every function the host has there; the catalog's list ` +
        `(${list(unique(slots.flatMap((e) => e.functions)).map(label))}) comes from the seed ` +
        `document, not from the host.`,
      `lspci -s ${slot.replace(/^0000:/, '')} -nn`,
      {
        devices: notRead.map(label),
        fix: "Compare the host's list with the catalog's; pass functions one by one if the host has more.",
      },
    )
  }
  return pass(
    vfio.length === 0
      ? 'No function goes to vfio-pci.'
      : `Every entry names what it takes: ` +
          `${list(vfio.map((e) => e.address))}${slots.length > 0 ? '; the whole slots were read from the host' : ''}.`,
  )
}

export const GROUP_RULES: readonly Rule<VmRuleInput>[] = [
  {
    id: 'C3',
    name: 'target-exists',
    title: 'Target exists',
    severity: 'error',
    sources: ['qemuServerPci'],
    evaluate: c3,
    doc: {
      what: 'Every member of the groups the VM takes has a PCI address in the catalog.',
      why:
        'qemu-server refuses to start a VM whose hostpci address names no device ("no PCI device found"); ' +
        'a member without an address cannot be checked at all.',
      fix: "Import the host's device list (npm run import) so every group member has an address.",
      command: HOST_COMMANDS.topology,
    },
  },
  {
    id: 'C4',
    name: 'no-bridge-passthrough',
    title: 'Bridge requested',
    severity: 'error',
    sources: ['sysfsTools', 'kernelVfio'],
    evaluate: c4,
    doc: {
      what:
        'No requested function is a PCI bridge (root port, switch port), and the group holds something ' +
        'besides bridges.',
      why:
        'Proxmox skips bridges when it binds a group to vfio-pci; a bridge is never a passthrough target, ' +
        'and a group of bridges only has nothing to pass.',
      fix: 'Pass the endpoint behind the bridge instead.',
      command: HOST_COMMANDS.topology,
    },
  },
  {
    id: 'C5',
    name: 'group-closure',
    title: 'Group closure',
    severity: 'warn',
    sources: ['qemuServerPci', 'pciEdit', 'kernelVfio'],
    evaluate: c5,
    doc: {
      what:
        'Which devices go to vfio-pci with the requested ones: the other functions of the slot and any ' +
        'other slot in the same IOMMU group.',
      why:
        'At VM start Proxmox binds every non-bridge member of the group to vfio-pci; the GUI only warns ' +
        '("not in a separate IOMMU group").',
      fix: 'Pass the whole group to the VM, or leave the other members unused while it runs.',
      command: HOST_COMMANDS.pci('$(hostname)'),
    },
  },
  {
    id: 'C6',
    name: 'host-critical-member',
    title: 'Host-critical member',
    severity: 'block',
    sources: ['truenas13976', 'kernelVfio'],
    evaluate: c6,
    doc: {
      what:
        "No member of the group is something the host cannot lose: the management NIC, the boot disk's " +
        'controller, a host bridge, ISA bridge, SMBus, IOMMU, or the AMD PSP.',
      why:
        'Binding such a device to vfio-pci takes it from the running host: network, storage or platform ' +
        'functions disappear under it.',
      fix:
        "Keep the group on the host; move the host's role to another device first if this one must go to " +
        'a VM.',
      command: HOST_COMMANDS.topology,
    },
  },
  {
    id: 'C28',
    name: 'slot-functions-known',
    title: 'Slot functions known',
    severity: 'block',
    sources: ['sysfsTools', 'qemuServerPci', 'pciMultifunction', 'matissePspPatch'],
    evaluate: c28,
    doc: {
      what:
        'Every hostpci entry names exactly what it takes: a slot (no .f) only when the catalog knows all ' +
        "its functions, otherwise one function, with the slot's unknown functions named.",
      why:
        'An address without .f makes Proxmox take every function of the slot (SysFSTools::lspci matches ' +
        'by prefix), also functions the catalog does not list; a mapping path without .f is validated ' +
        'against .0. On an AMD Matisse CPU slot those are the PSP (host-critical) and HD Audio.',
      fix: 'Pass the function (0000:10:00.3), list the slot on the host and import it.',
      command: 'lspci -s <bus:slot> -nn',
    },
  },
  {
    id: 'C27',
    name: 'inventory-drift',
    title: 'Inventory drift',
    severity: 'error',
    sources: ['mappingPci', 'kernelVfio'],
    evaluate: c27,
    doc: {
      what:
        'The addresses, groups and IDs the plan relies on were read from the host itself (provenance ' +
        'imported), and existing hostpci lines name devices the catalog knows.',
      why:
        'Groups and addresses change with BIOS updates, slot moves and kernel or ACS changes; a mapping ' +
        'whose IDs or group no longer match refuses to start ("hardware probably changed").',
      fix: 'Re-import the host (npm run import) after every BIOS or kernel update, then plan again.',
      command: HOST_COMMANDS.pci('$(hostname)'),
    },
  },
]
