/**
 * "Can this IOMMU group be passed through as a whole?" The group becomes one synthetic VM
 * with the recommended GPU settings (q35, OVMF, pcie=1, compute-only), every rule
 * runs on it, and the answer lists the members with roles, what goes along, what the host
 * loses and the config to apply.
 */
import type { Catalog } from '../catalog/catalog.ts'
import { requireGroup, requireNode, slotOf } from '../catalog/lookup.ts'
import type { NodeRecord } from '../catalog/schemas.ts'
import { PlanInputError } from '../plan-input-error.ts'
import { isBridge, isGpu } from './knowledge.ts'
import { blockedConfig, groupVerdict, tally, verdictPhrase, withCheckFirst } from './outcome.ts'
import { hostConfig, vmConfig } from './proxmox-config.ts'
import { hostChecks, sortChecks, vmChecks } from './rules.ts'
import { entriesFor } from './resolve.ts'
import { label, memberRoles, membersOf, type Scenario } from './scenario.ts'
import type { GroupCheck } from './schemas.ts'

export function groupScenario(catalog: Catalog, node: NodeRecord, group: number): Scenario {
  const passable = membersOf(node, group).filter((d) => !isBridge(d) && d.address !== null)
  const vm = {
    name: `group-${group}`,
    vmid: null,
    machine: 'q35' as const,
    bios: 'ovmf' as const,
    pcie: true,
    display: false,
    memoryBytes: null,
    liveMigration: false,
    guestOs: null,
    guestNvidiaDriver: null,
    efiDiskStorage: null,
    entries: entriesFor(node, passable, '/group', null),
    claimedGroups: [group],
  }
  return { catalog, node, vms: [vm], existing: null, hostReserveBytes: null, groupCheck: true }
}

/** `node` is a node id or the node record itself (the docs site passes records). */
export function checkIommuGroup(
  nodeOrId: string | NodeRecord,
  groupId: number,
  catalog: Catalog,
): GroupCheck {
  const node = typeof nodeOrId === 'string' ? requireNode(catalog, nodeOrId) : nodeOrId
  requireGroup(node, groupId)
  const members = membersOf(node, groupId)
  if (members.length === 0)
    throw new PlanInputError(
      'not-found',
      '/group',
      `IOMMU group ${groupId} on ${node.id} lists no device: there is nothing to pass through.`,
    )
  const scenario = groupScenario(catalog, node, groupId)
  const vm = scenario.vms[0]!
  const checks = sortChecks([...vmChecks(scenario, vm), ...hostChecks(scenario)])
  const passable = members.filter((d) => !isBridge(d))
  const primary = passable.find(isGpu) ?? passable[0]
  const slots = new Set(passable.map(slotOf))
  const verdict = groupVerdict(checks, slots.size)
  const mustPassWith = passable.filter((d) => d !== primary).map(label)
  const entry = vm.entries.find((e) => primary !== undefined && e.functions.includes(primary))
  const subject = primary
    ? `${entry?.address ?? label(primary)} (${primary.label})`
    : `${members.length} bridge${members.length === 1 ? '' : 's'}`
  const along =
    mustPassWith.length > 0
      ? ` with ${mustPassWith.length} more device${mustPassWith.length === 1 ? '' : 's'} (${mustPassWith.join(', ')})`
      : ''
  return {
    node: node.id,
    group: groupId,
    verdict,
    summary:
      `Group ${groupId} on ${node.id} is ${verdictPhrase(verdict, checks)}: ` +
      `${subject}${along}; ${tally(checks)}.`,
    members: memberRoles(node, [groupId], new Set(primary ? [primary] : [])),
    mustPassWith,
    hostLoses: passable.map((d) => ({
      address: d.address,
      label: d.label,
      hostDriver: d.driver,
      hostUse: d.hostUse,
    })),
    checks,
    proxmox:
      verdict === 'blocked'
        ? blockedConfig(checks)
        : withCheckFirst({ ...vmConfig(scenario, vm), ...hostConfig(scenario) }, checks),
    assumptions: [
      'The whole group goes to one VM with the recommended settings: machine q35, bios ovmf, ' +
        'pcie=1, no x-vga (compute-only); POST /api/v1/plan/passthrough plans other settings.',
      `The group's members are the catalog's devices of group ${groupId}; the catalog comes from ` +
        `the seed document, not an lspci dump (see C27).`,
      "No other VM's hostpci entries are known here (C8 says how to list them).",
    ],
  }
}
