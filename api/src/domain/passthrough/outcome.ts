/** Verdicts, summaries and the empty config of a blocked answer: shared by check and plan. */
import { isBlocking, isWarning, list } from './rule-kit.ts'
import type { CheckResult, PlanVerdict, ProxmoxConfig } from './schemas.ts'

export function planVerdict(checks: readonly CheckResult[]): PlanVerdict {
  return checks.some(isBlocking) ? 'blocked' : checks.some(isWarning) ? 'review' : 'ready'
}

/** "blocked by C6, C19; 2 warnings (C7, C24); 4 unknown (C2, C8, C17, C27)". */
export function tally(checks: readonly CheckResult[]): string {
  const ids = (xs: CheckResult[]) => [...new Set(xs.map((c) => c.id))].join(', ')
  const blocking = checks.filter(isBlocking)
  const warns = checks.filter(isWarning)
  const unknowns = checks.filter((c) => c.status === 'unknown')
  return [
    blocking.length > 0 ? `blocked by ${ids(blocking)}` : null,
    warns.length > 0 ? `${warns.length} warning${warns.length === 1 ? '' : 's'} (${ids(warns)})` : null,
    unknowns.length > 0 ? `${unknowns.length} unknown (${ids(unknowns)}): run the listed commands on the host` : null,
  ].filter(Boolean).join('; ') || 'every check passes'
}

export function blockedConfig(checks: readonly CheckResult[]): ProxmoxConfig {
  const why = [...new Set(checks.filter(isBlocking).map((c) => c.id))]
  return {
    hostpci: [], qmSet: null, mappingCfg: null, mappingCommands: [],
    vfioConf: [], modules: [], kernelCmdline: [], blacklist: [], afterwards: [],
    notes: [`No config is emitted: blocked by ${list(why)}. Fix ${why.length === 1 ? 'that check' : 'those checks'} first.`],
  }
}
