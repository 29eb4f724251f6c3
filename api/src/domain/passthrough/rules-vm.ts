/**
 * Rules about one VM's configuration: sharing with other VMs, hostpci
 * limits, machine type, display, mdev, migration, mappings and permissions.
 */
import { provenanceOf } from '../catalog/provenance.ts'
import { HOST_COMMANDS, VGPU, isGpu } from './knowledge.ts'
import { mainFunction } from './proxmox-config.ts'
import { fail, list, pass, unknown, type Outcome, type Rule, type VmRuleInput } from './rule-kit.ts'
import { groupsOf, label, requestedFunctions, unique } from './scenario.ts'

/** Proxmox's $MAX_HOSTPCI_DEVICES (qemu-server PCI.pm): hostpci0..hostpci15. */
export const MAX_HOSTPCI = 16

const seedClaim = (input: VmRuleInput, id: string): string => {
  const finding = input.scenario.catalog.seedFindings.find((f) => f.id === id)
  return finding
    ? ` (The seed's claim "${finding.claim}" is ${finding.verdict}: see seed finding ${finding.id}.)`
    : ''
}

function c8({ scenario, vm }: VmRuleInput): Outcome {
  const mine = new Set(groupsOf(vm))
  const others: { name: string; groups: number[]; fns: string[] }[] = [
    ...scenario.vms
      .filter((o) => o !== vm)
      .map((o) => ({ name: o.name, groups: groupsOf(o), fns: unique(requestedFunctions(o)).map(label) })),
    ...(scenario.existing ?? []).map((e) => ({
      name: e.vm,
      groups: [...new Set(e.functions.map((d) => d.iommuGroup))],
      fns: e.functions.map(label),
    })),
  ]
  const clashes = others.filter((o) => o.groups.some((g) => mine.has(g)))
  if (clashes.length > 0) {
    return fail(
      `${list(
        clashes.map(
          (o) =>
            `${o.name} (${list(o.fns)}) also takes ${o.groups
              .filter((g) => mine.has(g))
              .map((g) => `group ${g}`)
              .join(', ')}`,
        ),
      )}: one IOMMU group can belong to one VM only; the second VM fails to start ("group is not viable" / busy).`,
      {
        devices: unique(requestedFunctions(vm)).map(label),
        fix: 'Give the whole group to one VM.',
      },
    )
  }
  const mappings = (scenario.existing ?? []).flatMap((e) => e.mappings.map((m) => `${e.vm}: mapping=${m}`))
  if (scenario.existing === null || mappings.length > 0) {
    const why = scenario.groupCheck
      ? 'The catalog holds no VM configs'
      : scenario.existing === null
        ? "Other VMs' hostpci entries were not given"
        : `${list(mappings)} cannot be resolved from the catalog`
    const groups = mine.size === 0 ? 'this group' : `group ${list([...mine].map(String))}`
    const command = scenario.existing === null ? HOST_COMMANDS.vmConfigs : 'pvesh get /cluster/mapping/pci'
    // The group check answers for the group, not for VM configs (its assumptions say so); the
    // plan, which can be given `existing`, keeps this an error-severity unknown.
    if (scenario.groupCheck) {
      return unknown(
        `${why}: whether another VM holds ${groups} is outside the group check; POST ` +
          `/api/v1/plan/passthrough with \`existing\` checks it.`,
        command,
        { severity: 'warn' },
      )
    }
    return unknown(`${why}: whether another VM holds ${groups} is unknown.`, command)
  }
  return pass(`No other VM of the plan or of \`existing\` takes group ${list([...mine].map(String))}.`)
}

function c9({ vm }: VmRuleInput): Outcome {
  const seen = new Set<string>()
  const dupes = requestedFunctions(vm)
    .map(label)
    .filter((a) => (seen.has(a) ? true : (seen.add(a), false)))
  if (dupes.length > 0)
    return fail(
      `${list([...new Set(dupes)])} ${dupes.length === 1 ? 'is' : 'are'} assigned more than once ` +
        `in ${vm.name}: Proxmox refuses to start it.`,
      { devices: [...new Set(dupes)], fix: 'List each function (or slot) once.' },
    )
  return pass(`Every function is assigned once in ${vm.name}.`)
}

function c10({ vm }: VmRuleInput): Outcome {
  const n = vm.entries.length
  if (n > MAX_HOSTPCI)
    return fail(`${vm.name} needs ${n} hostpci entries; Proxmox allows ${MAX_HOSTPCI} (hostpci0-15).`, {
      fix: 'Pass slots (all functions in one entry) or fewer devices.',
    })
  return pass(`${n} of ${MAX_HOSTPCI} hostpci entries used.`)
}

function c11({ vm }: VmRuleInput): Outcome {
  if (vm.pcie && vm.machine !== 'q35')
    return fail(
      `pcie=1 needs machine q35; ${vm.name} uses ${vm.machine}: the VM will not start ("q35 ` +
        `machine model is not enabled").`,
      { fix: 'Set machine q35, or drop pcie.' },
    )
  const gpus = unique(requestedFunctions(vm)).filter(isGpu)
  if (gpus.length > 0 && (vm.machine !== 'q35' || vm.bios !== 'ovmf' || !vm.pcie)) {
    return fail(
      `GPU passthrough works best with q35 + OVMF + pcie=1 (now ${vm.machine}, ${vm.bios}, pcie=${vm.pcie ? 1 : 0}).`,
      {
        severity: 'info',
        devices: gpus.map(label),
        fix: 'Use machine q35, bios ovmf, pcie=1; OVMF needs a UEFI-capable GPU ROM.',
      },
    )
  }
  return pass(`${vm.machine}${vm.pcie ? ' with pcie=1' : ''}, ${vm.bios}.`)
}

function c12({ vm }: VmRuleInput): Outcome {
  const gpus = unique(requestedFunctions(vm)).filter(isGpu)
  if (vm.display && gpus.length === 0)
    return fail(`${vm.name} asks for a passed-through display (x-vga) but passes no GPU.`, {
      severity: 'error',
      fix: 'Drop display, or pass a GPU.',
    })
  if (vm.display)
    return fail(
      `x-vga=1 on ${label(gpus[0]!)}: it becomes the VM's primary display; the noVNC/SPICE console shows nothing.`,
      { devices: [label(gpus[0]!)], fix: 'Attach a monitor or use remote desktop inside the guest.' },
    )
  return pass(
    gpus.length > 0
      ? 'Compute-only (CUDA/Ollama): x-vga is left off, the VM keeps its virtual display.'
      : 'No GPU is passed.',
  )
}

function c13(input: VmRuleInput): Outcome {
  const mdevs = input.vm.entries.filter((e) => e.mdev !== null)
  const gpus = unique(requestedFunctions(input.vm)).filter(isGpu)
  if (mdevs.length === 0) {
    const facts = gpus.map((g) => `${label(g)}: ${VGPU[g.vendorDevice]?.detail ?? 'no vGPU support known'}`)
    const vgpuFacts = facts.length > 0 ? `vGPU: ${facts.join('; ')}.` : ''
    const sharingClaim = gpus.length > 0 ? seedClaim(input, 'mediated-device-gpu-sharing') : ''
    return pass(`Full passthrough, no mediated device. ${vgpuFacts}${sharingClaim}`.trim())
  }
  const problems = mdevs.map((e) => {
    const main = mainFunction(e)
    const k = VGPU[main.vendorDevice]
    if (e.functions.length > 1)
      return {
        e,
        severity: 'error' as const,
        why: 'cannot use a mediated device with a multifunction (all-functions) entry',
      }
    if (!k || k.possible === 'no')
      return {
        e,
        severity: 'error' as const,
        why: k?.detail ?? `${main.label} has no mdev capability in the catalog`,
      }
    return { e, severity: 'warn' as const, why: `possible only unsupported: ${k.detail}` }
  })
  const severity = problems.some((p) => p.severity === 'error') ? 'error' : 'warn'
  // Proxmox creates the mdev from the vendor driver and binds nothing to vfio-pci for it
  // (qemu-server PCI.pm prepare_pci_device), so the config keeps that driver on the card.
  return fail(
    `mdev ${list(problems.map((p) => `"${p.e.mdev}" on ${p.e.address}: ${p.why}`))}. A mediated ` +
      `device stays with the vendor's vGPU host driver: no vfio-pci binding for that GPU, and ` +
      `its mapping carries mdev 1.${seedClaim(input, 'mediated-device-gpu-sharing')}`,
    {
      severity,
      devices: problems.map((p) => p.e.address),
      fix: 'Pass the whole GPU to one VM, or share it between LXC containers with the host driver instead.',
    },
  )
}

function c21(input: VmRuleInput): Outcome {
  const pinned =
    `A VM with raw host= entries is pinned to ${input.scenario.node.id}: live ` +
    `migration is refused, offline migration needs --force, hibernation is refused and RAM ` +
    `snapshots are expected to fail. A resource mapping with an entry per node allows offline ` +
    `moves and HA.`
  if (input.vm.liveMigration) {
    // QemuMigrate.pm dies for raw entries ("can't migrate VM which uses local devices") and
    // for mappings not flagged live-migration-capable; the flag also needs a driver with VFIO
    // migration support (pve-docs qm.adoc: in practice NVIDIA vGPU), which no device here has.
    return fail(
      `Proxmox refuses to live-migrate ${input.vm.name}: a passed-through device allows live ` +
        `migration only through a mapping flagged live-migration-capable on a device whose ` +
        `driver supports VFIO migration (NVIDIA vGPU), and no device here has ` +
        `one.${seedClaim(input, 'live-migration')}`,
      {
        severity: 'block',
        devices: input.vm.entries.map((e) => e.address),
        fix: 'Plan the VM as node-bound (liveMigration: false), or move it offline with a cross-node mapping.',
      },
    )
  }
  return pass(pinned, { severity: 'info' })
}

function c22(input: VmRuleInput): Outcome {
  const mains = input.vm.entries.map(mainFunction)
  const missing = mains.filter((d) => d.subsystem === null)
  if (missing.length > 0) {
    // No mapping is emitted, so nothing can fail validation: a warning, not a blocking unknown.
    return unknown(
      `Subsystem ID of ${list(missing.map((d) => `${label(d)} (${d.label})`))} is unknown: a ` +
        `mapping must carry subsystem-id exactly as sysfs reports it, so none is emitted.`,
      HOST_COMMANDS.subsystem(missing[0]!.address ?? ''),
      {
        severity: 'warn',
        devices: missing.map(label),
        fix: 'Read the subsystem, then map id=…,iommugroup=…,node=…,path=…,subsystem-id=vvvv:dddd.',
      },
    )
  }
  const claimed = mains.filter(
    (d) => !['documented', 'imported'].includes(provenanceOf(d.provenance, 'subsystem').status),
  )
  if (claimed.length > 0) {
    return unknown(
      `Subsystem ${list(claimed.map((d) => `${d.subsystem} of ${label(d)}`))} is ` +
        `${provenanceOf(claimed[0]!.provenance, 'subsystem').status}, not read from sysfs: the ` +
        `mapping fails validation if it differs.`,
      HOST_COMMANDS.subsystem(claimed[0]!.address ?? ''),
      { devices: claimed.map(label) },
    )
  }
  return pass(
    `The mapping carries id, subsystem-id and iommugroup of ${list(mains.map(label))} and mdev stays off.`,
  )
}

function c23(input: VmRuleInput): Outcome {
  return pass(
    'Raw host= entries can only be set by root@pam; a mapping= entry needs Mapping.Use on ' +
      '/mapping/pci/<id> plus VM.Config.HWType; romfile is root@pam only.',
    { severity: 'info', devices: input.vm.entries.map((e) => e.address) },
  )
}

export const VM_RULES: readonly Rule<VmRuleInput>[] = [
  {
    id: 'C8',
    name: 'group-in-one-vm',
    title: 'Group used by another VM',
    severity: 'error',
    sources: ['qemuServerPci', 'kernelVfio'],
    evaluate: c8,
    doc: {
      what: 'No other VM of the plan, or in `existing`, takes a member of the same IOMMU group.',
      why:
        'A group belongs to one VFIO container; Proxmox only reserves identical functions, so the second ' +
        'VM fails in QEMU ("group is not viable" / busy).',
      fix: 'Give the whole group to one VM.',
      command: HOST_COMMANDS.vmConfigs,
    },
  },
  {
    id: 'C9',
    name: 'no-duplicate-function',
    title: 'Duplicate in VM',
    severity: 'error',
    sources: ['qemuServerPci'],
    evaluate: c9,
    doc: {
      what: 'Each function appears once in the VM.',
      why: 'qemu-server refuses to start a VM with a function assigned twice ("assigned more than once").',
      fix: 'List each function or slot once.',
      command: null,
    },
  },
  {
    id: 'C10',
    name: 'hostpci-slot-budget',
    title: 'Slot budget',
    severity: 'error',
    sources: ['qemuServerPci'],
    evaluate: c10,
    doc: {
      what: 'The VM needs at most 16 hostpci entries.',
      why: 'qemu-server knows hostpci0 to hostpci15 ($MAX_HOSTPCI_DEVICES).',
      fix: 'Pass slots (all functions in one entry) or fewer devices.',
      command: null,
    },
  },
  {
    id: 'C11',
    name: 'machine-type',
    title: 'Machine type',
    severity: 'error',
    sources: ['qemuServerPci', 'pveDocsPassthrough'],
    evaluate: c11,
    doc: {
      what: 'pcie=1 only on q35; GPUs with q35 + OVMF + pcie=1.',
      why:
        'qemu-server refuses pcie=1 on i440fx ("q35 machine model is not enabled"); the docs recommend ' +
        'q35 and OVMF for GPUs.',
      fix: 'Set machine q35, bios ovmf, pcie=1; OVMF needs a UEFI-capable GPU ROM.',
      command: null,
    },
  },
  {
    id: 'C12',
    name: 'primary-display',
    title: 'Primary display',
    severity: 'warn',
    sources: ['qemuServerPci', 'pveDocsPassthrough'],
    evaluate: c12,
    doc: {
      what: "x-vga=1 only when the GPU is the VM's display, and only with a GPU.",
      why:
        'x-vga makes the GPU the primary display (vga none, kvm=off for NVIDIA); the noVNC/SPICE console ' +
        'then shows nothing.',
      fix:
        'Leave display off for compute (CUDA, Ollama); attach a monitor or use remote desktop for a ' +
        'display VM.',
      command: null,
    },
  },
  {
    id: 'C13',
    name: 'mediated-device',
    title: 'Mediated device (vGPU)',
    severity: 'error',
    sources: ['qemuServerPci', 'vgpuUnlock', 'vgpuUnlockRs39', 'mappingPci'],
    evaluate: c13,
    doc: {
      what:
        'An mdev request is possible: one function, a chip with a vGPU path; the card stays with its ' +
        'vendor driver and the mapping carries mdev 1.',
      why:
        'qemu-server refuses mdev on a multifunction entry; vgpu_unlock presents Turing as a Quadro RTX ' +
        '6000 (unsupported), and consumer Ampere lacks the SR-IOV firmware its vGPU needs, whatever ID it ' +
        'is spoofed as.',
      fix: 'Pass the whole GPU to one VM, or share it between LXC containers with the host driver.',
      command: 'pvesh get /nodes/$(hostname)/hardware/pci --output-format json | grep -c \'"mdev"\'',
    },
  },
  {
    id: 'C21',
    name: 'migration',
    title: 'Migration, HA, suspend',
    severity: 'block',
    sources: ['qemuMigrate', 'pveDocsQm'],
    evaluate: c21,
    doc: {
      what:
        'A VM that must live-migrate has no passed-through device without a live-migration-capable ' +
        'mapping and a migration-capable driver; otherwise the VM is node-bound.',
      why:
        'QemuMigrate.pm refuses to migrate a VM with raw local devices and to live-migrate one whose ' +
        'mappings are not live-migration-capable; that flag also needs VFIO migration support in the ' +
        'driver (NVIDIA vGPU).',
      fix: 'Plan the VM as node-bound, or move it offline with a mapping that has an entry on each node.',
      command: 'pvesh get /cluster/mapping/pci --output-format json',
    },
  },
  {
    id: 'C22',
    name: 'mapping-validity',
    title: 'Mapping validity',
    severity: 'error',
    sources: ['mappingPci', 'pveDocsQm'],
    evaluate: c22,
    doc: {
      what:
        'A resource mapping carries id, subsystem-id and iommugroup exactly as sysfs reports them, and ' +
        'its mdev flag matches the card.',
      why:
        'assert_valid checks all of them at every VM start and refuses a mapping that lacks a value the ' +
        'device has ("missing expected property").',
      fix: 'Read the subsystem from the host; emit the mapping only then.',
      command: 'lspci -nnv -s <address>',
    },
  },
  {
    id: 'C23',
    name: 'permissions',
    title: 'Permissions',
    severity: 'info',
    sources: ['qemuApi'],
    evaluate: c23,
    doc: {
      what: 'Who may apply the config.',
      why:
        'Raw host= entries and romfile are root@pam only; a mapping= entry needs Mapping.Use on ' +
        '/mapping/pci/<id> and VM.Config.HWType.',
      fix: 'Use a mapping for automation with an API token.',
      command: null,
    },
  },
]
