/**
 * Host devices + the node's current document → the edits that bring the document up to date.
 * Hand-written facts and their provenance stay unless the host reports a different value for
 * that field; a device the host no longer lists is kept (and reported by the diff).
 */
import type { NodeRecord } from '../catalog/schemas.ts'
import { fieldChanges } from './diff.ts'
import { matchDevices } from './match.ts'
import {
  imported,
  incompleteReason,
  newDeviceRecord,
  newGroupRecord,
  newNodeRecord,
  type RecordContext,
} from './new-records.ts'
import { namesFor } from './pci-names.ts'
import type { Patch } from './patches.ts'
import type { HostDevice } from './schemas.ts'
import { validNode } from './valid-node.ts'

export interface NodePlan {
  patches: Patch[]
  skipped: { address: string; reason: string }[]
  notes: string[]
}

export interface PlanArgs extends RecordContext {
  nodeId: string
  /** The node's document as stored (YAML parsed to plain data), or null for a new node. */
  existing: unknown
  /** Provenance source for the node as a whole: every input, e.g. "lspci-nnk: a.txt; …". */
  source: string
}

export function planNodeImport(args: PlanArgs): NodePlan {
  const plan: NodePlan = { patches: [], skipped: [], notes: [] }
  const node = args.existing === null ? null : validNode(args.existing, 'the stored node document')
  if (node === null) {
    const record = newNodeRecord(args.nodeId, args.source, args.host.length)
    record.devices = addDevices(args.host, args, plan).map((p) => p.value)
    record.iommuGroups = newGroups([], recorded(args.host, plan)).map((id) =>
      newGroupRecord(id, groupSource(id, args)),
    )
    plan.patches = [{ path: [], value: record }]
  } else {
    updateDevices(node, args, plan)
    const matches = matchDevices(node, args.host)
    const unmatched = args.host.filter((h) => !matches.has(h.address))
    addDevices(unmatched, args, plan).forEach((p, i) =>
      plan.patches.push({ path: ['devices', node.devices.length + i], value: p.value }),
    )
    newGroups(
      node.iommuGroups.map((g) => g.id),
      recorded(args.host, plan),
    ).forEach((id, i) =>
      plan.patches.push({
        path: ['iommuGroups', node.iommuGroups.length + i],
        value: newGroupRecord(id, groupSource(id, args)),
      }),
    )
  }
  const ungrouped = args.host.filter((h) => h.iommuGroup === undefined).length
  if (ungrouped > 0)
    plan.notes.push(
      `${ungrouped} devices have no IOMMU group in the inputs: add find ` +
        `/sys/kernel/iommu_groups/ -type l (new devices get -1 meanwhile).`,
    )
  if (args.host.length > 0 && args.host.every((h) => h.iommuGroup === -1)) {
    plan.notes.push(
      'Every device has group -1: the IOMMU is off on this host' +
        ' (rule C1 iommu-enabled, docs/research/passthrough-rules.md).',
    )
  }
  return plan
}

/** Edits for the fields of matched records that the host reports differently. */
function updateDevices(node: NodeRecord, args: PlanArgs, plan: NodePlan) {
  const matches = matchDevices(node, args.host)
  for (const h of args.host) {
    const i = matches.get(h.address)
    if (i === undefined) continue
    const record = node.devices[i]!
    for (const change of fieldChanges(record, h)) {
      const source = h.fieldSources?.[change.field] ?? h.sources[0]!
      plan.patches.push({ path: ['devices', i, change.field], value: change.host })
      plan.patches.push({
        path: ['devices', i, 'provenance', 'fields', change.field],
        value: imported(source, args.suffix),
      })
      if (change.field === 'vendorDevice' && h.vendorDevice !== undefined) {
        // A new ID makes the old names wrong: take the names of the new ID.
        const names = namesFor({ ...h, vendorDevice: h.vendorDevice }, args.names)
        for (const [field, value] of Object.entries(names)) {
          plan.patches.push({ path: ['devices', i, field], value })
          plan.patches.push({
            path: ['devices', i, 'provenance', 'fields', field],
            value: imported(source, args.suffix),
          })
        }
      }
    }
  }
}

/** Records for host devices; those without IDs are skipped with the reason. */
function addDevices(host: readonly HostDevice[], args: PlanArgs, plan: NodePlan): Patch[] {
  return host.flatMap((h) => {
    const reason = incompleteReason(h)
    if (reason !== null || h.vendorDevice === undefined || h.classCode === undefined) {
      plan.skipped.push({ address: h.address, reason: reason ?? 'incomplete' })
      return []
    }
    return [
      {
        path: [],
        value: newDeviceRecord({ ...h, vendorDevice: h.vendorDevice, classCode: h.classCode }, args),
      },
    ]
  })
}

/** The input that reported a group: the one that gave its first member's group. */
function groupSource(id: number, args: PlanArgs): string {
  const member = args.host.find((h) => h.iommuGroup === id)!
  return (member.fieldSources?.iommuGroup ?? member.sources[0]!) + args.suffix
}

/** The host devices that are (or become) records: not the skipped ones. */
function recorded(host: readonly HostDevice[], plan: NodePlan): HostDevice[] {
  return host.filter((h) => !plan.skipped.some((s) => s.address === h.address))
}

/** Group ids the host reports that have no record yet, ascending. */
function newGroups(known: readonly number[], host: readonly HostDevice[]): number[] {
  const ids = new Set(
    host.flatMap((h) => (h.iommuGroup !== undefined && h.iommuGroup >= 0 ? [h.iommuGroup] : [])),
  )
  return [...ids].filter((id) => !known.includes(id)).sort((a, b) => a - b)
}
