/**
 * Rules about what the passed devices are (RP §3): reset behaviour, storage and NICs the host
 * uses, HBA hygiene, the host console, Wi-Fi.
 */
import { slotOf } from '../catalog/lookup.ts'
import type { PciDevice } from '../catalog/schemas.ts'
import { HOST_COMMANDS, NO_FLR_IDS, RP, WIFI, isGpu, vendorResetFamily } from './knowledge.ts'
import { fail, list, pass, unknown, type Outcome, type Rule, type VmRuleInput } from './rule-kit.ts'
import { boundDevices, groupsOf, label, requestedFunctions, unique } from './scenario.ts'

const passed = ({ vm }: VmRuleInput): PciDevice[] => unique(requestedFunctions(vm))

function c14(input: VmRuleInput): Outcome {
  const fns = passed(input)
  const owned = new Set(groupsOf(input.vm))
  const gpuSlots = new Set(fns.filter(isGpu).map(slotOf))
  // A bus/slot reset touches every function of the slot; QEMU does it only when the VM owns
  // every group the reset touches (hw/vfio/pci.c: "depends on group N which is not owned").
  const foreign = input.scenario.node.devices.filter((d) => gpuSlots.has(slotOf(d)) && !fns.includes(d) && !owned.has(d.iommuGroup))
  if (foreign.length > 0) {
    return fail(`${list(foreign.map((d) => `${label(d)} (group ${d.iommuGroup})`))} share${foreign.length === 1 ? 's' : ''} the GPU's slot but not its group: a bus reset would touch a group this VM does not own, so QEMU cannot reset the card between starts.`, {
      severity: 'warn', devices: foreign.map(label), fix: 'Pass those groups too, or rely on the card\'s own reset method (see the command).', command: HOST_COMMANDS.reset,
    })
  }
  const resetBug = fns.filter((d) => isGpu(d) && vendorResetFamily(d.vendorDevice) !== null)
  if (resetBug.length > 0) {
    return fail(`${list(resetBug.map((d) => `${label(d)} (${vendorResetFamily(d.vendorDevice)})`))}: this AMD generation has the reset bug; the card hangs on its second start without the vendor-reset module.`, {
      severity: 'warn', devices: resetBug.map(label), fix: 'Install gnif/vendor-reset (DKMS) and load it at boot.', command: HOST_COMMANDS.reset,
    })
  }
  const quirked = fns.filter((d) => NO_FLR_IDS.has(d.vendorDevice))
  if (quirked.length > 0) {
    return fail(`${list(quirked.map((d) => `${label(d)} (${d.vendorDevice})`))}: the kernel disables FLR for this ID; reset falls back to other methods, which works in practice.`, {
      severity: 'info', devices: quirked.map(label), command: HOST_COMMANDS.reset,
    })
  }
  const gpus = fns.filter(isGpu)
  return pass(gpus.length > 0
    ? `The VM owns every group a reset of ${list(gpus.map(label))} touches, and no reset bug is known for ${list([...new Set(gpus.map((g) => g.vendorDevice))])}.`
    : `No reset quirk is known for ${list(fns.map((d) => d.vendorDevice)) || 'the requested devices'}; the catalog has no reset_method, verify it on the host.`, { command: HOST_COMMANDS.reset })
}

function c17(input: VmRuleInput): Outcome {
  const { node } = input.scenario
  const controllers = boundDevices(node, input.vm).filter((d) => d.classCode.startsWith('01'))
  const critical = controllers.flatMap((d) => {
    const drives = node.storage.filter((s) => s.controller === d.address)
    const uses = [...new Set([...d.hostUse, ...drives.flatMap((s) => s.hostUse)].filter((u) => u === 'boot-disk' || u === 'os-storage'))]
    return uses.length > 0 ? [{ d, uses }] : []
  })
  if (critical.length > 0) {
    return fail(`${list(critical.map(({ d, uses }) => `${label(d)} (${d.label}) holds the host's ${uses.join(' and ')}`))}: unbinding it under mounted filesystems hangs or crashes the host.`, {
      devices: critical.map(({ d }) => label(d)), fix: 'Never pass the boot/OS disk; pass a data disk whose pools the host does not import.', command: HOST_COMMANDS.storage,
    })
  }
  if (controllers.length > 0) {
    return unknown(`Whether the host uses ${list(controllers.map((d) => `${label(d)} (${d.label})`))} (ZFS pool, LVM PV, swap, PVE storage) is not in the catalog.`, HOST_COMMANDS.storage, {
      devices: controllers.map(label), fix: 'Export its pools and remove it from PVE storage, LVM and swap before passing it.',
    })
  }
  return pass('No storage controller is in the group.')
}

function c18(input: VmRuleInput): Outcome {
  const hbas = passed(input).filter((d) => d.role === 'sas-hba' || d.classCode === '0107')
  if (hbas.length === 0) return pass('No SAS HBA is passed.')
  const others = input.scenario.node.devices.filter((d) => hbas.some((h) => h.vendorDevice === d.vendorDevice) && !hbas.includes(d))
  const twin = others.length > 0 ? ` ${list(others.map((d) => `${label(d)} (${d.label})`))} has the same ID and may be the other IOC of the same card: normally both go to the same VM.` : ''
  return fail(`HBA passthrough (${list(hbas.map(label))}): IT firmware is recommended (the guest sees plain disks; IR firmware also works, the guest's mpt3sas drives both), the host must not import the pools on its disks, and disks are never passed one by one.${twin}`, {
    devices: hbas.map(label), fix: 'Prefer IT firmware; stop host pool auto-import (zpool cachefile) for those disks; optionally rombar=0 to skip the option ROM.',
  })
}

function c19(input: VmRuleInput): Outcome {
  const { scenario } = input
  const nics = boundDevices(scenario.node, input.vm).filter((d) => d.classCode.startsWith('02'))
  const outcomes = nics.map((d) => {
    const iface = scenario.node.networkInterfaces.find((i) => i.pciAddress === d.address)
    const links = iface ? scenario.catalog.networkLinks.filter((l) => l.endpoints.some((e) => e.node === scenario.node.id && e.interface === iface.id)) : []
    const mgmt = d.hostUse.includes('management-nic') || d.hostUse.includes('only-wired-nic') || iface?.role === 'management'
    const why = [iface?.role === 'management' ? 'management interface' : null, d.hostUse.includes('only-wired-nic') ? 'only wired NIC' : null, ...links.map((l) => `link ${l.id}`)].filter(Boolean)
    return { d, iface, links, mgmt, why }
  })
  const blocked = outcomes.filter((o) => o.mgmt)
  if (blocked.length > 0) {
    return fail(`${list(blocked.map((o) => `${label(o.d)} (${o.d.label}: ${o.why.join(', ')})`))} carries the node's management network: at VM start the node drops off the network and the cluster loses quorum.`, {
      severity: 'block', devices: blocked.map((o) => label(o.d)), fix: 'Add another NIC for management first, or give the VM a virtio NIC on a bridge instead.', command: HOST_COMMANDS.network,
    })
  }
  const used = outcomes.filter((o) => o.links.length > 0 || o.iface?.role === 'data')
  if (used.length > 0) {
    return fail(`${list(used.map((o) => `${label(o.d)} (${o.d.label}: ${o.why.join(', ') || 'data network'})`))} carries host traffic; passing it cuts that path (corosync/migration if it is that link).`, {
      severity: 'warn', devices: used.map((o) => label(o.d)), fix: 'Pass it only if no corosync or migration link and no VM bridge uses it.', command: HOST_COMMANDS.network,
    })
  }
  const unclear = outcomes.filter((o) => !o.iface || o.iface.role === 'unknown')
  if (unclear.length > 0) {
    return unknown(`The host's use of ${list(unclear.map((o) => `${label(o.d)} (${o.d.label})`))} is not in the catalog.`, HOST_COMMANDS.network, { devices: unclear.map((o) => label(o.d)) })
  }
  return pass(nics.length === 0 ? 'No network controller is in the group.' : `${list(nics.map(label))} carry no host network.`)
}

function c24(input: VmRuleInput): Outcome {
  const consoles = passed(input).filter((d) => isGpu(d) && d.hostUse.includes('host-console'))
  if (consoles.length > 0) {
    return fail(`${list(consoles.map((d) => `${label(d)} (${d.label})`))} is the host's only display: the host console disappears when the VM starts.`, {
      devices: consoles.map(label), fix: 'Manage the host over SSH/web UI. Only if vfio reports the GPU BAR as busy, add initcall_blacklist=sysfb_init to the kernel command line.', command: HOST_COMMANDS.reset,
    })
  }
  return pass('No passed GPU is the host console.')
}

function c25(input: VmRuleInput): Outcome {
  const wifi = passed(input).filter((d) => d.role === 'wifi' || d.classCode === '0280')
  if (wifi.length === 0) return pass('No Wi-Fi adapter is passed.')
  const facts = wifi.map((d) => ({ d, k: WIFI[d.vendorDevice] ?? { severity: 'warn' as const, detail: `no passthrough reports are known for ${d.vendorDevice}: unverified` } }))
  const severity = facts.some((f) => f.k.severity === 'warn') ? 'warn' : 'info'
  return fail(`${facts.map((f) => `${label(f.d)}: ${f.k.detail}`).join('; ')}. Wi-Fi passthrough is client-mode oriented.`, {
    severity, devices: wifi.map(label), fix: 'Use it as a client; for an access point prefer a USB adapter or a wired AP.',
  })
}

export const DEVICE_RULES: readonly Rule<VmRuleInput>[] = [
  { id: 'C14', title: 'Reset capability', severity: 'warn', source: `${RP} §2 rule 6, §3.1-3.2, §5 C14; linux drivers/pci/quirks.c quirk_no_flr; gnif/vendor-reset`, evaluate: c14 },
  { id: 'C17', title: 'Storage in use', severity: 'block', source: `${RP} §3.4, §5 C17`, evaluate: c17 },
  { id: 'C18', title: 'HBA hygiene', severity: 'warn', source: `${RP} §3.4, §5 C18`, evaluate: c18 },
  { id: 'C19', title: 'Network in use', severity: 'block', source: `${RP} §3.3, §5 C19; pve-docs pvecm.adoc; kubernetes-sigs/dranet#186`, evaluate: c19 },
  { id: 'C24', title: 'Host console GPU', severity: 'warn', source: `${RP} §3.1, §5 C24`, evaluate: c24 },
  { id: 'C25', title: 'Wi-Fi', severity: 'warn', source: `${RP} §3.3, §5 C25`, evaluate: c25 },
]
