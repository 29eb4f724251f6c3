/**
 * The /rules/ page: every passthrough rule with what it checks, why, the fix, the host
 * command and its public sources, plus the devices of this lab that trip it, found by running
 * the group check (checkIommuGroup, the planner behind GET …/iommu-groups/{group}/check) on
 * every group of every node. A rule added to the table gets its section on the next build.
 */
import type { Catalog } from '../../../api/src/domain/catalog/catalog.ts'
import { checkIommuGroup } from '../../../api/src/domain/passthrough/check-group.ts'
import { RULE_TABLE } from '../../../api/src/domain/passthrough/rules.ts'
import { SOURCES, type Source } from '../../../api/src/domain/passthrough/sources.ts'
import type { CheckResult } from '../../../api/src/domain/passthrough/schemas.ts'

export interface RuleTrip {
  node: string
  group: number
  status: CheckResult['status']
  devices: string[]
}

export interface RuleView {
  id: string
  anchor: string
  name: string
  title: string
  severity: string
  what: string
  why: string
  fix: string
  command: string | null
  sources: Source[]
  trips: RuleTrip[]
}

/** Fail or unknown results per rule id over every group of the lab. */
function tripsByRule(catalog: Catalog): Map<string, RuleTrip[]> {
  const trips = new Map<string, RuleTrip[]>()
  for (const node of catalog.nodes) {
    for (const group of node.iommuGroups) {
      // A group record without devices has nothing to check (the API answers 404 for it).
      if (!node.devices.some((d) => d.iommuGroup === group.id)) continue
      for (const c of checkIommuGroup(node, group.id, catalog).checks) {
        if (c.status === 'pass' || c.severity === 'info') continue
        trips.set(c.id, [
          ...(trips.get(c.id) ?? []),
          { node: node.id, group: group.id, status: c.status, devices: c.devices },
        ])
      }
    }
  }
  return trips
}

export function ruleViews(catalog: Catalog): RuleView[] {
  const trips = tripsByRule(catalog)
  return RULE_TABLE.map((r) => ({
    id: r.id,
    anchor: r.id.toLowerCase(),
    name: r.name,
    title: r.title,
    severity: r.severity,
    ...r.doc,
    sources: r.sources.map((k) => SOURCES[k]),
    trips: trips.get(r.id) ?? [],
  }))
}
