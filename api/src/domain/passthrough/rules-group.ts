/**
 * Rules about the IOMMU groups a VM takes (RP §2, §5): existence, bridges, group closure,
 * host-critical members, inventory drift. One predicate per rule; the table is at the end.
 */
import { devicesAt, parseAddress, slotOf } from '../catalog/lookup.ts'
import { provenanceOf } from '../catalog/provenance.ts'
import type { PciDevice } from '../catalog/schemas.ts'
import { HOST_COMMANDS, RP, SLOT_NEIGHBOURS, criticalClass, isBridge, slotFullyKnown } from './knowledge.ts'
import { fail, list, pass, unknown, type Outcome, type Rule, type VmRuleInput } from './rule-kit.ts'
import { boundDevices, groupsOf, label, membersOf, requestedFunctions, siblingsLeft, unique, type Entry } from './scenario.ts'

/** Every member of every IOMMU group the VM takes, bridges included. */
function vmGroupMembers({ scenario, vm }: VmRuleInput): PciDevice[] {
  return groupsOf(vm).flatMap((g) => membersOf(scenario.node, g))
}

const groupWord = (groups: number[]) => (groups.length === 1 ? `group ${groups[0]}` : `groups ${list(groups.map(String))}`)

function c3(input: VmRuleInput): Outcome {
  const noAddress = vmGroupMembers(input).filter((d) => d.address === null)
  const requested = unique(requestedFunctions(input.vm)).map(label)
  if (noAddress.length > 0) {
    return unknown(`${list(noAddress.map((d) => d.label))} in ${groupWord(groupsOf(input.vm))} ${noAddress.length === 1 ? 'has' : 'have'} no PCI address in the catalog.`, HOST_COMMANDS.topology, {
      devices: noAddress.map(label),
      fix: 'Import the host\'s device list so every group member has an address.',
    })
  }
  return pass(`${requested.length === 0 ? 'No function is requested' : `${list(requested)} exist on ${input.scenario.node.id}`}.`, { devices: requested })
}

function c4(input: VmRuleInput): Outcome {
  const bridges = unique(requestedFunctions(input.vm)).filter(isBridge)
  if (bridges.length > 0) {
    return fail(`${list(bridges.map(label))} ${bridges.length === 1 ? 'is a PCI bridge' : 'are PCI bridges'}: a bridge is never passed through.`, {
      devices: bridges.map(label),
      fix: 'Pass the endpoint behind the bridge instead.',
    })
  }
  const members = vmGroupMembers(input)
  if (requestedFunctions(input.vm).length === 0) {
    return fail(`${groupWord(groupsOf(input.vm))} holds only ${members.length === 0 ? 'no known device' : `bridges (${list(members.map(label))})`}: there is nothing to pass through.`, {
      devices: members.map(label),
      fix: 'Check the group of the endpoint behind these ports instead.',
    })
  }
  const inGroup = members.filter(isBridge)
  return pass(inGroup.length === 0 ? 'No bridge is requested.' : `No bridge is requested; ${list(inGroup.map(label))} stay on pcieport (Proxmox skips bridges when binding).`)
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
    return fail(`Shared ${groups}: ${list(others.map((d) => `${label(d)} (${d.label})`))} will be taken from the host at VM start and must go to the same VM or stay unused.`, {
      severity: 'warn', devices: others.map(label), fix: `Add ${list(others.map(label))} to this VM, or leave them unused while it runs.`,
    })
  }
  if (partial.length > 0) {
    return fail(`${list(partial.map(label))} share${partial.length === 1 ? 's' : ''} the slot of a requested function: Proxmox binds ${partial.length === 1 ? 'it' : 'them'} to vfio-pci anyway.`, {
      severity: 'warn', devices: partial.map(label), fix: 'Pass all functions: give the slot without .f (e.g. 0000:0e:00).',
    })
  }
  const slots = new Set(boundDevices(scenario.node, vm).map(slotOf))
  if (slots.size > 1) {
    return fail(`${groups} joins ${slots.size} slots (${list([...slots].map(String))}); all of them go to this VM.`, { severity: 'info', devices: [...requested].map(label) })
  }
  return pass(`${groups} holds only the requested device's functions${vmGroupMembers(input).some(isBridge) ? ' and bridges' : ''}.`)
}

function c6(input: VmRuleInput): Outcome {
  const critical = boundDevices(input.scenario.node, input.vm).flatMap((d) => {
    const uses = [...d.hostUse.filter((u) => u !== 'host-console'), ...(criticalClass(d) ? [criticalClass(d)!] : [])]
    return uses.length > 0 ? [{ d, uses }] : []
  })
  if (critical.length > 0) {
    return fail(`The host needs ${list(critical.map(({ d, uses }) => `${label(d)} (${d.label}: ${uses.join(', ')})`))}; passing ${groupWord(groupsOf(input.vm))} would take ${critical.length === 1 ? 'it' : 'them'} away.`, {
      devices: critical.map(({ d }) => label(d)),
      fix: 'Keep this group on the host. Move the host\'s management/boot role to another device first if you need this one in a VM.',
    })
  }
  return pass(`No member of ${groupWord(groupsOf(input.vm))} is host-critical (catalog host uses and classes).`)
}

/** Fields a mapping and a group check depend on; `imported` = read from the host itself. */
const DRIFT_FIELDS = ['address', 'iommuGroup', 'vendorDevice', 'subsystem'] as const

function c27(input: VmRuleInput): Outcome {
  const { scenario } = input
  const stale = (scenario.existing ?? []).flatMap((e) => e.unknownAddresses.map((a) => `${a} (${e.vm})`))
  if (stale.length > 0) {
    return fail(`Existing hostpci entries name ${list(stale)}, which the catalog does not list on ${scenario.node.id}: the inventory or the VM config is stale.`, {
      severity: 'error', devices: stale, fix: 'Re-import the host\'s PCI list, then plan again.', command: HOST_COMMANDS.pci(scenario.node.id),
    })
  }
  const notRead = vmGroupMembers(input).filter((d) => DRIFT_FIELDS.some((f) => provenanceOf(d.provenance, f).status !== 'imported'))
  if (notRead.length > 0) {
    return unknown(`${list(notRead.map(label))}: address, group or IDs come from the seed document or inference, not from the host; groups change with BIOS, slot or kernel changes.`, HOST_COMMANDS.pci(scenario.node.id), {
      devices: notRead.map(label), fix: 'Compare with the host\'s list before applying; re-plan after any BIOS or kernel update.',
    })
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
    return hints.filter((n) => !listed.has(`${slot}.${n.fn}`)).map((n) => `${slot}.${n.fn} (probably ${n.vendorDevice} ${n.what})`)
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
      ? `${p.e.address} names the whole slot, but the catalog lists only ${knownText}: Proxmox takes every function of the slot, also ${list(p.missing)}.`
      : `The catalog lists only ${knownText} of slot ${p.slot}; its other functions, ${list(p.missing)}, are not in the catalog: whichever shares IOMMU group ${list([...new Set(p.known.map((d) => String(d.iommuGroup)))])} goes to the VM with it.`
    return unknown(what, `lspci -s ${short} -nn`, {
      devices: partial.flatMap((x) => x.missing.map((m) => m.split(' ')[0]!)),
      fix: p.e.allFunctions
        ? `Pass ${list(p.known.map(label))} by function address, never the slot ${p.slot}.`
        : `List the slot's functions and their groups on the host (then npm run import); keep host-critical ones in other groups.`,
    })
  }
  const slots = vfio.filter((e) => e.allFunctions)
  const notRead = slots.flatMap((e) => e.functions).filter((d) => provenanceOf(d.provenance, 'address').status !== 'imported')
  if (notRead.length > 0) {
    const slot = slots.find((e) => e.functions.includes(notRead[0]!))!.address
    return unknown(`${list(slots.map((e) => e.address))} go${slots.length === 1 ? 'es' : ''} without .f, so Proxmox takes every function the host has there; the catalog's list (${list(unique(slots.flatMap((e) => e.functions)).map(label))}) comes from the seed document, not from the host.`, `lspci -s ${slot.replace(/^0000:/, '')} -nn`, {
      devices: notRead.map(label), fix: 'Compare the host\'s list with the catalog\'s; pass functions one by one if the host has more.',
    })
  }
  return pass(vfio.length === 0
    ? 'No function goes to vfio-pci.'
    : `Every entry names what it takes: ${list(vfio.map((e) => e.address))}${slots.length > 0 ? '; the whole slots were read from the host' : ''}.`)
}

export const GROUP_RULES: readonly Rule<VmRuleInput>[] = [
  { id: 'C3', title: 'Target exists', severity: 'error', source: `${RP} §5 C3; proxmox/qemu-server PCI.pm`, evaluate: c3 },
  { id: 'C4', title: 'Bridge requested', severity: 'error', source: `${RP} §2 rule 1, §5 C4; pve-common SysFSTools.pm`, evaluate: c4 },
  { id: 'C5', title: 'Group closure', severity: 'warn', source: `${RP} §1.2-1.3, §5 C5; qemu-server PCI.pm, pve-manager PCIEdit.js`, evaluate: c5 },
  { id: 'C6', title: 'Host-critical member', severity: 'block', source: `${RP} §3.3-3.4, §5 C6; truenas/middleware#13976`, evaluate: c6 },
  { id: 'C28', title: 'Slot functions known', severity: 'block', source: `qemu-server PCI.pm parse_hostpci, pve-common SysFSTools.pm lspci (prefix match)`, evaluate: c28 },
  { id: 'C27', title: 'Inventory drift', severity: 'error', source: `${RP} §2 rule 10, §5 C27; pve-guest-common Mapping/PCI.pm`, evaluate: c27 },
]
