/**
 * Plans passthrough for several VMs of one node at once: resolves each VM's devices, runs the
 * per-VM rules and the node-wide rules, and emits the config only when nothing
 * blocks. Group splits between VMs (C8) and with the host (C5, C6) are checked across the plan.
 */
import type { Catalog } from '../catalog/catalog.ts'
import { blockedConfig, planVerdict, tally, verdictPhrase, withCheckFirst } from './outcome.ts'
import { hostConfig, vmConfig } from './proxmox-config.ts'
import { requireNode } from '../catalog/lookup.ts'
import { resolveExisting, resolveVm } from './resolve.ts'
import { hostChecks, vmChecks } from './rules.ts'
import { groupsOf, label, memberRoles, requestedFunctions, type Scenario } from './scenario.ts'
import type { PassthroughPlan, PassthroughPlanRequest, VmPlan } from './schemas.ts'

/** `request` is parsed by PassthroughPlanRequestSchema (defaults applied, VM names unique). */
export function planPassthrough(request: PassthroughPlanRequest, catalog: Catalog): PassthroughPlan {
  const node = requireNode(catalog, request.node)
  const scenario: Scenario = {
    catalog,
    node,
    vms: request.vms.map((vm, i) => resolveVm(node, vm, i)),
    existing: request.existing?.map((e, i) => resolveExisting(node, e, i)) ?? null,
    hostReserveBytes: request.hostReserveBytes ?? null,
    groupCheck: false,
  }
  const host = hostChecks(scenario)
  const perVm = scenario.vms.map((vm) => ({ vm, checks: vmChecks(scenario, vm) }))
  const allChecks = [...host, ...perVm.flatMap((v) => v.checks)]
  const verdict = planVerdict(allChecks)
  const blocked = verdict === 'blocked'
  const vms: VmPlan[] = perVm.map(({ vm, checks }) => {
    const config = blocked ? blockedConfig([...host, ...checks]) : vmConfig(scenario, vm)
    return {
      name: vm.name,
      verdict: planVerdict(checks),
      settings: {
        machine: vm.machine,
        bios: vm.bios,
        pcie: vm.pcie,
        display: vm.display,
        memoryBytes: vm.memoryBytes,
      },
      entries: vm.entries.map((e, i) => ({
        hostpci: config.hostpci[i] ?? `hostpci${i}: ${e.address}`,
        address: e.address,
        allFunctions: e.allFunctions,
        functions: e.functions.map(label),
        groups: [...new Set(e.functions.map((d) => d.iommuGroup))],
      })),
      members: memberRoles(node, groupsOf(vm), new Set(requestedFunctions(vm))),
      checks,
      proxmox: {
        hostpci: config.hostpci,
        qmSet: config.qmSet,
        mappingCfg: config.mappingCfg,
        mappingCommands: config.mappingCommands,
        apiCalls: config.apiCalls,
        terraform: config.terraform,
        ansible: config.ansible,
      },
    }
  })
  const hostConf = blocked ? blockedConfig(allChecks) : withCheckFirst(hostConfig(scenario), allChecks)
  return {
    node: node.id,
    verdict,
    summary:
      `${vms.length} VM${vms.length === 1 ? '' : 's'} on ${node.id}: ` +
      `${verdictPhrase(verdict, allChecks)}. ` +
      `${vms.map((v) => `${v.name}: ${verdictPhrase(v.verdict, v.checks, false)} (${tally(v.checks)})`).join('. ')}. ` +
      `Node: ${tally(host)}.`,
    vms,
    checks: host,
    proxmox: {
      vfioConf: hostConf.vfioConf,
      modules: hostConf.modules,
      kernelCmdline: hostConf.kernelCmdline,
      blacklist: hostConf.blacklist,
      afterwards: hostConf.afterwards,
      notes: hostConf.notes,
    },
    assumptions: [
      "Each VM takes every non-bridge member of its devices' IOMMU groups: Proxmox binds the " +
        'whole group to vfio-pci at VM start (mdev entries excepted: they stay on the vendor ' +
        'driver).',
      request.existing === undefined
        ? "Other VMs' hostpci entries were not given (C8 is unknown)."
        : `Other VMs' hostpci entries: ${request.existing.length} VM(s) given.`,
      'VM settings default to machine q35, bios ovmf, pcie=1 on q35, no x-vga.',
    ],
  }
}
