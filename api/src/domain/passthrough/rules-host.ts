/**
 * Node-wide rules: IOMMU and interrupt remapping, ACS override, the early
 * binding lines of vfio.conf, pinned RAM, node scoping. Evaluated once per plan.
 */
import { HOST_COMMANDS, GIB } from './knowledge.ts'
import { hostBinding } from './proxmox-config.ts'
import { fail, list, pass, unknown, type Outcome, type Rule } from './rule-kit.ts'
import { boundDevices, hostKept, isHostCritical, label, type Scenario } from './scenario.ts'

function c1(s: Scenario): Outcome {
  const off = s.node.devices.filter((d) => d.iommuGroup === -1)
  if (off.length > 0) {
    return fail(
      `${list(off.map((d) => `${label(d)} (${d.label})`))} ${off.length === 1 ? 'has' : 'have'} ` +
        `no IOMMU group: the IOMMU is off and Proxmox refuses passthrough ("IOMMU not present").`,
      {
        devices: off.map(label),
        fix: 'Enable SVM and IOMMU (AMD-Vi) or VT-d in the firmware.',
        command: HOST_COMMANDS.iommu,
      },
    )
  }
  return pass(`Every device of ${s.node.id} has an IOMMU group: the IOMMU is on.`)
}

function c2(s: Scenario): Outcome {
  const ir = s.node.platform.interruptRemapping
  if (ir === 'yes') return pass('Interrupt remapping is on.')
  if (ir === 'no') {
    return fail(
      'Interrupt remapping is off: vfio_iommu_type1 refuses devices unless ' +
        'allow_unsafe_interrupts=1, which can make the system unstable.',
      {
        fix:
          'Enable it in the firmware (IOMMU/AMD-Vi); only as a last resort: options ' +
          'vfio_iommu_type1 allow_unsafe_interrupts=1.',
        command: HOST_COMMANDS.iommu,
      },
    )
  }
  return unknown(`Whether ${s.node.id} has interrupt remapping is not in the catalog.`, HOST_COMMANDS.iommu, {
    severity: 'warn',
  })
}

/**
 * With the override the groups are claims: a guest may reach, by peer-to-peer DMA, whatever
 * sits behind the same non-ACS port. Once the importer has read each device's upstream bridge
 * (lspci -PP), a passed device behind the same port as a host-critical one escalates to block.
 */
function c7(s: Scenario): Outcome {
  const acs = s.node.platform.acsOverride
  if (acs === 'no') return pass('No pcie_acs_override: the groups are enforced by hardware ACS.')
  if (acs === 'unknown')
    return unknown(
      `Whether ${s.node.id} boots with pcie_acs_override is not in the catalog.`,
      HOST_COMMANDS.cmdline,
    )
  const gone = s.vms.flatMap((vm) => boundDevices(s.node, vm))
  const kept = hostKept(s).filter(isHostCritical)
  const exposed = gone.flatMap((d) =>
    kept
      .filter((k) => d.upstreamBridge !== null && k.upstreamBridge === d.upstreamBridge)
      .map((k) => ({ d, k })),
  )
  const state =
    `pcie_acs_override is ${acs === 'yes' ? 'active' : 'suspected'} on ${s.node.id} ` +
    `(${s.node.platform.board ?? 'board unknown'})`
  if (exposed.length > 0) {
    const neighbours = exposed.map(
      ({ d, k }) =>
        `${label(d)} sits behind ${d.upstreamBridge} with ${label(k)} (${k.label}), which the host needs`,
    )
    return fail(`${state}, and ${list(neighbours)}: a guest could reach it by DMA past the IOMMU.`, {
      severity: 'block',
      devices: [...new Set(exposed.map(({ d }) => label(d)))],
      command: `${HOST_COMMANDS.cmdline}; ${HOST_COMMANDS.topology}`,
      fix:
        'Boot without pcie_acs_override and pass only what hardware ACS isolates, or move the card to a ' +
        'CPU-attached slot.',
    })
  }
  const unread = gone.filter((d) => d.upstreamBridge === null)
  const portNote =
    unread.length > 0
      ? `; the catalog does not know the upstream port of ${list(unread.map(label))} (import lspci -PP -nnk)`
      : '; no host-critical device shares a port with the passed ones'
  return fail(
    `${state}: its groups are asserted, not enforced, so a guest may DMA into host-owned devices ` +
      `behind the same non-ACS port${portNote}.`,
    {
      devices: unread.map(label),
      command: unread.length > 0 ? HOST_COMMANDS.topology : HOST_COMMANDS.cmdline,
      fix:
        `Check /proc/cmdline; if the override is on, treat every group of ${s.node.id} as ` +
        `shared with the devices behind the same port (lspci -PP -nn shows which).`,
    },
  )
}

function c15(s: Scenario): Outcome {
  const b = hostBinding(s)
  if (b.withheldIds.length > 0) {
    return fail(
      `vfio-pci ids= would also grab devices the host keeps: ` +
        `${b.withheldIds.map((w) => `${w.value} (${w.reason})`).join('; ')}. Left out of ` +
        `vfio.conf; Proxmox binds them at VM start.`,
      {
        devices: b.withheldIds.map((w) => w.value),
        fix: 'Leave these IDs out of ids= (done in the emitted config); use driver_override or start-time binding.',
      },
    )
  }
  return pass(
    b.ids.length === 0
      ? 'No early binding is emitted.'
      : `ids=${b.ids.join(',')} match no device the host keeps (catalog); verify with lspci -nn -d <id>.`,
  )
}

function c16(s: Scenario): Outcome {
  const b = hostBinding(s)
  if (b.withheldBlacklist.length > 0) {
    return fail(
      `Blacklisting ${b.withheldBlacklist.map((w) => `${w.value} (${w.reason})`).join('; ')} ` +
        `would break the host: not emitted, softdep is used instead.`,
      {
        devices: b.withheldBlacklist.map((w) => w.value),
        fix: 'Never blacklist a driver a host device uses; rely on ids= + softdep.',
      },
    )
  }
  return pass(
    b.blacklist.length === 0
      ? 'No driver is blacklisted; softdep … pre: vfio-pci orders the binding.'
      : `Only ${list(b.blacklist)} ${b.blacklist.length === 1 ? 'is' : 'are'} blacklisted: no ` +
          `device the host keeps uses ${b.blacklist.length === 1 ? 'it' : 'them'}. snd_hda_intel, ` +
          `xhci_pci and the like get softdep only.`,
  )
}

/**
 * Host reserve when the request gives none: 2 GiB for the OS (pve-docs "System Requirements")
 * plus the ZFS ARC default of PVE >= 8.1, 10% of RAM capped at 16 GiB (pve-docs local-zfs).
 */
export function defaultHostReserveBytes(ramBytes: number): number {
  return 2 * GIB + Math.min(Math.round(ramBytes * 0.1), 16 * GIB)
}

function c20(s: Scenario): Outcome {
  const sized = s.vms.filter((vm) => vm.memoryBytes !== null)
  const pinned = sized.reduce((sum, vm) => sum + vm.memoryBytes!, 0)
  const ram = s.node.platform.hostMemoryBytes
  const gib = (b: number) => `${(b / GIB).toFixed(1)} GiB`
  const asked = sized.length === 0 ? 'no VM memory is given' : `the plan pins ${gib(pinned)} of VM RAM`
  if (ram === null) {
    return unknown(
      `${s.node.id}'s RAM is not in the catalog; ${asked} (a passthrough VM's RAM is pinned in ` +
        `full, it cannot balloon).`,
      HOST_COMMANDS.memory,
      {
        fix: 'Record hostMemoryBytes for the node; set balloon: 0 on passthrough VMs.',
        ...(s.groupCheck ? { severity: 'info' as const } : {}),
      },
    )
  }
  if (sized.length === 0) {
    // The group check plans no VM memory: advice there, an unanswered error in a plan.
    return unknown(
      "No VM gives memoryBytes: all of a passthrough VM's RAM is pinned, so the total cannot be checked.",
      s.vms.length === 1 && s.vms[0]!.vmid !== null
        ? `qm config ${s.vms[0]!.vmid} | grep memory`
        : 'qm config <vmid> | grep memory',
      s.groupCheck ? { severity: 'info' } : {},
    )
  }
  const reserve = s.hostReserveBytes ?? defaultHostReserveBytes(ram)
  const need = pinned + reserve
  const msg =
    `Pinned ${gib(pinned)} ` +
    `(${list(sized.map((vm) => `${vm.name} ${gib(vm.memoryBytes!)}`))}) + host reserve ` +
    `${gib(reserve)} = ${gib(need)} of ${gib(ram)}.`
  if (need > ram)
    return fail(`${msg} It does not fit.`, {
      severity: 'error',
      fix: 'Give the VMs less RAM or move one to the other node.',
    })
  if (need > 0.9 * ram)
    return fail(`${msg} Over 90% of RAM.`, {
      severity: 'warn',
      fix: 'Leave more headroom for the host (ZFS ARC, page cache).',
    })
  return pass(msg)
}

function c26(s: Scenario): Outcome {
  const others = s.catalog.nodes.filter((n) => n.id !== s.node.id).map((n) => n.id)
  return pass(
    `Groups and addresses are compared within ${s.node.id} ` +
      `only${others.length > 0 ? `; the same numbers on ${list(others)} are unrelated` : ''}. ` +
      `Mappings are per node.`,
    { severity: 'info' },
  )
}

export const HOST_RULES: readonly Rule<Scenario>[] = [
  {
    id: 'C1',
    name: 'iommu-enabled',
    title: 'IOMMU active',
    severity: 'error',
    sources: ['qemuServerPci', 'sysfsTools'],
    evaluate: c1,
    doc: {
      what: 'Every device has an IOMMU group (none is -1).',
      why: 'qemu-server refuses passthrough without an IOMMU ("IOMMU not present").',
      fix: 'Enable SVM and IOMMU (AMD-Vi) or VT-d in the firmware.',
      command: HOST_COMMANDS.iommu,
    },
  },
  {
    id: 'C2',
    name: 'interrupt-remapping',
    title: 'Interrupt remapping',
    severity: 'error',
    sources: ['pveDocsPassthrough'],
    evaluate: c2,
    doc: {
      what: 'The IOMMU does interrupt remapping.',
      why:
        'Without it vfio_iommu_type1 refuses devices unless allow_unsafe_interrupts=1, which the docs ' +
        'warn can make the system unstable.',
      fix: 'Enable it in the firmware; allow_unsafe_interrupts=1 only as a last resort.',
      command: HOST_COMMANDS.iommu,
    },
  },
  {
    id: 'C7',
    name: 'acs-override',
    title: 'ACS override',
    severity: 'warn',
    sources: ['pveKernelAcs', 'kernelParams', 'kernelVfio'],
    evaluate: c7,
    doc: {
      what:
        'Whether the node boots with pcie_acs_override, so its groups are claims rather than hardware ' +
        'isolation.',
      why:
        'The override makes the kernel assume ACS on ports that lack it: groups look separate, but a ' +
        'guest may reach host devices behind the same port by peer-to-peer DMA.',
      fix:
        'Check /proc/cmdline; with the override on, treat each group as shared with the devices behind ' +
        'the same upstream port.',
      command: HOST_COMMANDS.cmdline,
    },
  },
  {
    id: 'C15',
    name: 'early-binding-ids',
    title: 'Boot-time ids= safety',
    severity: 'warn',
    sources: ['pveDocsPassthrough', 'kernelParams'],
    evaluate: c15,
    doc: {
      what:
        'The emitted `options vfio-pci ids=` matches no device the host keeps, nor an ID known to repeat ' +
        'on the platform.',
      why:
        'ids= claims every device with that ID at boot. The unsafe ID is never emitted, so a failure is a ' +
        'warning: Proxmox binds that device at VM start instead.',
      fix: 'Leave such IDs out (done in the emitted config).',
      command: 'lspci -nn -d <vendor:device>',
    },
  },
  {
    id: 'C16',
    name: 'blacklist-safety',
    title: 'Blacklist safety',
    severity: 'warn',
    sources: ['pveDocsPassthrough'],
    evaluate: c16,
    doc: {
      what: 'No emitted blacklist line names a driver a host-kept device uses.',
      why:
        'Blacklisting snd_hda_intel, xhci_pci, nvme or a NIC driver takes it from every device of the ' +
        'host. The unsafe line is never emitted, so a failure is a warning.',
      fix: 'Rely on ids= plus softdep … pre: vfio-pci.',
      command: 'lspci -nnk',
    },
  },
  {
    id: 'C20',
    name: 'memory-pinning',
    title: 'Memory pinning',
    severity: 'error',
    sources: ['qemuBalloon', 'pveDocsZfs'],
    evaluate: c20,
    doc: {
      what:
        'The RAM of every passthrough VM, pinned in full, plus the host reserve (OS and ZFS ARC) fits the ' +
        'node.',
      why:
        'VFIO pins all guest RAM and inhibits ballooning; an overcommitted node OOM-kills VMs or the ' +
        'host.',
      fix: 'Give the VMs less RAM, set balloon: 0, or move one to another node.',
      command: HOST_COMMANDS.memory,
    },
  },
  {
    id: 'C26',
    name: 'node-scoping',
    title: 'Node scoping',
    severity: 'info',
    sources: ['mappingPci'],
    evaluate: c26,
    doc: {
      what: 'Groups and addresses are compared within one node.',
      why: 'The same group number on two nodes is unrelated; mappings have one entry per node.',
      fix: 'Plan each node on its own; use a mapping with an entry per node for moves.',
      command: null,
    },
  },
]
