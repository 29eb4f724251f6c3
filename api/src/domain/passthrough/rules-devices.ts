/**
 * Rules about what the passed devices are: reset behaviour, storage and NICs the host
 * uses, HBA hygiene, the host console, Wi-Fi.
 */
import { slotOf } from '../catalog/lookup.ts'
import type { PciDevice } from '../catalog/schemas.ts'
import { HOST_COMMANDS, NO_FLR_IDS, WIFI, isGpu, vendorResetFamily } from './knowledge.ts'
import { fail, list, pass, unknown, type Outcome, type Rule, type VmRuleInput } from './rule-kit.ts'
import { boundDevices, groupsOf, label, unique, vfioFunctions } from './scenario.ts'

/** What goes to vfio-pci: an mdev GPU stays on its vendor driver, which resets and drives it. */
const passed = ({ vm }: VmRuleInput): PciDevice[] => unique(vfioFunctions(vm))

function c14(input: VmRuleInput): Outcome {
  const fns = passed(input)
  const owned = new Set(groupsOf(input.vm))
  const gpuSlots = new Set(fns.filter(isGpu).map(slotOf))
  // A bus/slot reset touches every function of the slot; QEMU does it only when the VM owns
  // every group the reset touches (hw/vfio/pci.c: "depends on group N which is not owned").
  const foreign = input.scenario.node.devices.filter(
    (d) => gpuSlots.has(slotOf(d)) && !fns.includes(d) && !owned.has(d.iommuGroup),
  )
  if (foreign.length > 0) {
    return fail(
      `${list(foreign.map((d) => `${label(d)} (group ${d.iommuGroup})`))} ` +
        `share${foreign.length === 1 ? 's' : ''} the GPU's slot but not its group: a bus reset ` +
        `would touch a group this VM does not own, so QEMU cannot reset the card between starts.`,
      {
        severity: 'warn',
        devices: foreign.map(label),
        fix: "Pass those groups too, or rely on the card's own reset method (see the command).",
        command: HOST_COMMANDS.reset,
      },
    )
  }
  const resetBug = fns.filter((d) => isGpu(d) && vendorResetFamily(d.vendorDevice) !== null)
  if (resetBug.length > 0) {
    return fail(
      `${list(resetBug.map((d) => `${label(d)} (${vendorResetFamily(d.vendorDevice)})`))}: this ` +
        `AMD generation has the reset bug; the card hangs on its second start without the ` +
        `vendor-reset module.`,
      {
        severity: 'warn',
        devices: resetBug.map(label),
        fix: 'Install gnif/vendor-reset (DKMS) and load it at boot.',
        command: HOST_COMMANDS.reset,
      },
    )
  }
  const quirked = fns.filter((d) => NO_FLR_IDS.has(d.vendorDevice))
  if (quirked.length > 0) {
    return fail(
      `${list(quirked.map((d) => `${label(d)} (${d.vendorDevice})`))}: the kernel disables FLR ` +
        `for this ID; reset falls back to other methods, which works in practice.`,
      {
        severity: 'info',
        devices: quirked.map(label),
        command: HOST_COMMANDS.reset,
      },
    )
  }
  const gpus = fns.filter(isGpu)
  return pass(
    gpus.length > 0
      ? `The VM owns every group a reset of ${list(gpus.map(label))} touches, and no reset bug ` +
          `is known for ${list([...new Set(gpus.map((g) => g.vendorDevice))])}.`
      : `No reset quirk is known for ` +
          `${list(fns.map((d) => d.vendorDevice)) || 'the requested devices'}; the catalog has no ` +
          `reset_method, verify it on the host.`,
    { command: HOST_COMMANDS.reset },
  )
}

function c17(input: VmRuleInput): Outcome {
  const { node } = input.scenario
  const controllers = boundDevices(node, input.vm).filter((d) => d.classCode.startsWith('01'))
  const critical = controllers.flatMap((d) => {
    const drives = node.storage.filter((s) => s.controller === d.address)
    const uses = [
      ...new Set(
        [...d.hostUse, ...drives.flatMap((s) => s.hostUse)].filter(
          (u) => u === 'boot-disk' || u === 'os-storage',
        ),
      ),
    ]
    return uses.length > 0 ? [{ d, uses }] : []
  })
  if (critical.length > 0) {
    return fail(
      `${list(critical.map(({ d, uses }) => `${label(d)} (${d.label}) holds the host's ${uses.join(' and ')}`))}: ` +
        `unbinding it under mounted filesystems hangs or crashes the host.`,
      {
        devices: critical.map(({ d }) => label(d)),
        fix: 'Never pass the boot/OS disk; pass a data disk whose pools the host does not import.',
        command: HOST_COMMANDS.storage,
      },
    )
  }
  if (controllers.length > 0) {
    return unknown(
      `Whether the host uses ${list(controllers.map((d) => `${label(d)} (${d.label})`))} (ZFS ` +
        `pool, LVM PV, swap, PVE storage) is not in the catalog.`,
      HOST_COMMANDS.storage,
      {
        devices: controllers.map(label),
        fix: 'Export its pools and remove it from PVE storage, LVM and swap before passing it.',
      },
    )
  }
  return pass('No storage controller is in the group.')
}

function c18(input: VmRuleInput): Outcome {
  const hbas = passed(input).filter((d) => d.role === 'sas-hba' || d.classCode === '0107')
  if (hbas.length === 0) return pass('No SAS HBA is passed.')
  const others = input.scenario.node.devices.filter(
    (d) => hbas.some((h) => h.vendorDevice === d.vendorDevice) && !hbas.includes(d),
  )
  const twin =
    others.length > 0
      ? ` ${list(others.map((d) => `${label(d)} (${d.label})`))} has the same ID and may be the ` +
        `other IOC of the same card: normally both go to the same VM.`
      : ''
  return fail(
    `HBA passthrough (${list(hbas.map(label))}): IT firmware is recommended (the guest sees ` +
      `plain disks; IR firmware also works, the guest's mpt3sas drives both), the host must not ` +
      `import the pools on its disks, and disks are never passed one by one.${twin}`,
    {
      devices: hbas.map(label),
      fix:
        'Prefer IT firmware; stop host pool auto-import (zpool cachefile) for those disks; ' +
        'optionally rombar=0 to skip the option ROM.',
    },
  )
}

function c19(input: VmRuleInput): Outcome {
  const { scenario } = input
  const nics = boundDevices(scenario.node, input.vm).filter((d) => d.classCode.startsWith('02'))
  const outcomes = nics.map((d) => {
    const iface = scenario.node.networkInterfaces.find((i) => i.pciAddress === d.address)
    const links = iface
      ? scenario.catalog.networkLinks.filter((l) =>
          l.endpoints.some((e) => e.node === scenario.node.id && e.interface === iface.id),
        )
      : []
    const mgmt =
      d.hostUse.includes('management-nic') ||
      d.hostUse.includes('only-wired-nic') ||
      iface?.role === 'management'
    const why = [
      iface?.role === 'management' ? 'management interface' : null,
      d.hostUse.includes('only-wired-nic') ? 'only wired NIC' : null,
      ...links.map((l) => `link ${l.id}`),
    ].filter(Boolean)
    return { d, iface, links, mgmt, why }
  })
  const blocked = outcomes.filter((o) => o.mgmt)
  if (blocked.length > 0) {
    return fail(
      `${list(blocked.map((o) => `${label(o.d)} (${o.d.label}: ${o.why.join(', ')})`))} carries ` +
        `the node's management network: at VM start the node drops off the network and the ` +
        `cluster loses quorum.`,
      {
        severity: 'block',
        devices: blocked.map((o) => label(o.d)),
        fix: 'Add another NIC for management first, or give the VM a virtio NIC on a bridge instead.',
        command: HOST_COMMANDS.network,
      },
    )
  }
  const used = outcomes.filter((o) => o.links.length > 0 || o.iface?.role === 'data')
  if (used.length > 0) {
    return fail(
      `${list(used.map((o) => `${label(o.d)} (${o.d.label}: ${o.why.join(', ') || 'data network'})`))} ` +
        `carries host traffic; passing it cuts that path (corosync/migration if it is that ` +
        `link).`,
      {
        severity: 'warn',
        devices: used.map((o) => label(o.d)),
        fix: 'Pass it only if no corosync or migration link and no VM bridge uses it.',
        command: HOST_COMMANDS.network,
      },
    )
  }
  const unclear = outcomes.filter((o) => !o.iface || o.iface.role === 'unknown')
  if (unclear.length > 0) {
    return unknown(
      `The host's use of ${list(unclear.map((o) => `${label(o.d)} (${o.d.label})`))} is not in the catalog.`,
      HOST_COMMANDS.network,
      { devices: unclear.map((o) => label(o.d)) },
    )
  }
  return pass(
    nics.length === 0
      ? 'No network controller is in the group.'
      : `${list(nics.map(label))} carry no host network.`,
  )
}

function c24(input: VmRuleInput): Outcome {
  const consoles = passed(input).filter((d) => isGpu(d) && d.hostUse.includes('host-console'))
  if (consoles.length > 0) {
    return fail(
      `${list(consoles.map((d) => `${label(d)} (${d.label})`))} is the host's only display: the ` +
        `host console disappears when the VM starts.`,
      {
        devices: consoles.map(label),
        fix:
          'Manage the host over SSH/web UI. Only if vfio reports the GPU BAR as busy, add ' +
          'initcall_blacklist=sysfb_init to the kernel command line.',
        command: HOST_COMMANDS.reset,
      },
    )
  }
  return pass('No passed GPU is the host console.')
}

function c25(input: VmRuleInput): Outcome {
  const wifi = passed(input).filter((d) => d.role === 'wifi' || d.classCode === '0280')
  if (wifi.length === 0) return pass('No Wi-Fi adapter is passed.')
  const facts = wifi.map((d) => ({
    d,
    k: WIFI[d.vendorDevice] ?? {
      severity: 'warn' as const,
      detail: `no passthrough reports are known for ${d.vendorDevice}: unverified`,
    },
  }))
  const severity = facts.some((f) => f.k.severity === 'warn') ? 'warn' : 'info'
  return fail(
    `${facts.map((f) => `${label(f.d)}: ${f.k.detail}`).join('; ')}. Wi-Fi passthrough is client-mode oriented.`,
    {
      severity,
      devices: wifi.map(label),
      fix: 'Use it as a client; for an access point prefer a USB adapter or a wired AP.',
    },
  )
}

export const DEVICE_RULES: readonly Rule<VmRuleInput>[] = [
  {
    id: 'C14',
    name: 'reset-capability',
    title: 'Reset capability',
    severity: 'warn',
    sources: ['qemuVfioPci', 'vendorReset', 'kernelQuirks'],
    evaluate: c14,
    doc: {
      what:
        'The VM can reset what it gets between starts: it owns every group a bus reset of the GPU ' +
        'touches, and no AMD reset-bug chip goes without vendor-reset.',
      why:
        'QEMU does a bus or slot reset only when it owns every group the reset touches; Polaris, Vega and ' +
        'Navi 1x cards hang on their second start without gnif/vendor-reset (RDNA2/3 do not).',
      fix: "Pass every group on the GPU's slot; install vendor-reset for the listed AMD chips.",
      command: HOST_COMMANDS.reset,
    },
  },
  {
    id: 'C17',
    name: 'storage-in-use',
    title: 'Storage in use',
    severity: 'block',
    sources: ['kernelVfio', 'pveDocsPassthrough'],
    evaluate: c17,
    doc: {
      what:
        "No storage controller in the group holds the host's boot or OS disk, and its other host uses " +
        '(ZFS, LVM, swap, PVE storage) are known.',
      why:
        'Unbinding nvme, ahci or mpt3sas under mounted filesystems hangs or crashes the host; with ids= ' +
        'binding it does not boot.',
      fix:
        'Never pass the boot/OS disk; export the pools of a data disk and remove it from PVE storage, LVM ' +
        'and swap first.',
      command: HOST_COMMANDS.storage,
    },
  },
  {
    id: 'C18',
    name: 'hba-hygiene',
    title: 'HBA hygiene',
    severity: 'warn',
    sources: ['pveDocsPassthrough', 'pciIds'],
    evaluate: c18,
    doc: {
      what:
        'A SAS HBA goes whole, with IT firmware recommended, its pools not imported by the host, and both ' +
        'IOCs of a dual-IOC card to the same VM.',
      why:
        'Two systems importing one ZFS pool corrupt it; disks passed one by one lose SMART and hot-plug. ' +
        "IR firmware works too (the guest's mpt3sas drives both), IT shows the guest plain disks.",
      fix: 'Stop host pool auto-import for those disks; prefer IT firmware; rombar=0 skips the option ROM.',
      command: 'zpool status; zpool import',
    },
  },
  {
    id: 'C19',
    name: 'network-in-use',
    title: 'Network in use',
    severity: 'block',
    sources: ['pveDocsPassthrough', 'pveDocsQm'],
    evaluate: c19,
    doc: {
      what:
        "No NIC in the group carries the node's management network, its only wired link, corosync or a " +
        'link between nodes.',
      why:
        'At VM start the NIC leaves the host: the node drops off the network and a two-node cluster loses ' +
        'quorum (/etc/pve read-only).',
      fix: 'Add another NIC for management first, or give the VM a virtio NIC on a bridge.',
      command: HOST_COMMANDS.network,
    },
  },
  {
    id: 'C24',
    name: 'host-console-gpu',
    title: 'Host console GPU',
    severity: 'warn',
    sources: ['pveDocsPassthrough', 'kernelSysfsPci'],
    evaluate: c24,
    doc: {
      what: "Whether a passed GPU is the host's only display.",
      why:
        "The host console goes dark when the VM starts; vfio may find the GPU's BAR held by the firmware " +
        'framebuffer.',
      fix:
        'Manage the host over SSH or the web UI; only if vfio reports the BAR as busy, add ' +
        'initcall_blacklist=sysfb_init.',
      command: HOST_COMMANDS.reset,
    },
  },
  {
    id: 'C25',
    name: 'wifi-passthrough',
    title: 'Wi-Fi',
    severity: 'warn',
    sources: ['pciIds'],
    evaluate: c25,
    doc: {
      what: 'What is known about passing the Wi-Fi adapter through.',
      why:
        'Wi-Fi passthrough is client-mode oriented; access-point mode is often limited, and some chips ' +
        'have no reliable reports.',
      fix: 'Prefer a wired NIC for a router VM; test the adapter before relying on it.',
      command: null,
    },
  },
]
