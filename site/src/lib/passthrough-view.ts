/**
 * The passthrough verdict of one IOMMU group as the IOMMU page shows it: the answer of
 * checkIommuGroup() (the planner behind GET /api/v1/nodes/{node}/iommu-groups/{group}/check),
 * with its checks and the Proxmox files it would write, one block per file.
 */
import type { Catalog } from '../../../api/src/domain/catalog/catalog.ts'
import type { NodeRecord } from '../../../api/src/domain/catalog/schemas.ts'
import { checkIommuGroup } from '../../../api/src/domain/passthrough/check-group.ts'
import { configFiles } from '../../../api/src/domain/passthrough/config-files.ts'
import type { CheckResult, GroupVerdict, ProxmoxConfig } from '../../../api/src/domain/passthrough/schemas.ts'

export interface CheckView {
  id: string
  name: string
  docsUrl: string
  title: string
  status: string
  badge: string
  message: string
  command: string | null
  source: string | null
}

export interface ConfigSection {
  title: string
  text: string
}

export interface GroupVerdictView {
  verdict: string
  badge: string
  summary: string
  checks: CheckView[]
  config: ConfigSection[]
  notes: string[]
  assumptions: string[]
}

const VERDICT_BADGE: Record<GroupVerdict, string> = {
  clean: 'ok',
  shared: 'caution',
  'needs-check': 'caution',
  blocked: 'blocked',
}

/**
 * A failed block/error check stops the plan (red), a failed warn needs a look (amber); an
 * unknown is neither (neutral), whatever its severity: the catalog cannot tell yet.
 */
function checkBadge(c: CheckResult): string {
  if (c.status === 'pass') return 'ok'
  if (c.status === 'unknown') return 'unknown'
  return c.severity === 'block' || c.severity === 'error' ? 'fail' : 'warning'
}

/** The config as the files and commands it goes into; empty parts are left out. */
export function configSections(p: ProxmoxConfig): ConfigSection[] {
  return configFiles(p).map((f) => ({ title: f.title, text: f.lines.join('\n') }))
}

export function groupVerdict(node: NodeRecord, groupId: number, catalog: Catalog): GroupVerdictView {
  const check = checkIommuGroup(node.id, groupId, catalog)
  return {
    verdict: check.verdict,
    badge: VERDICT_BADGE[check.verdict],
    summary: check.summary,
    checks: check.checks.map((c) => ({
      id: c.id,
      name: c.name,
      docsUrl: c.docsUrl,
      title: c.title,
      status: c.status,
      badge: checkBadge(c),
      message: c.message,
      command: c.command,
      source: c.source,
    })),
    config: configSections(check.proxmox),
    notes: check.proxmox.notes,
    assumptions: check.assumptions,
  }
}
