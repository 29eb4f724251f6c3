/** Verdicts, summaries and the empty config of a blocked answer: shared by check and plan. */
import { isBlocking, isUnsettled, isWarning, list } from './rule-kit.ts'
import type { CheckResult, GroupVerdict, PlanVerdict, ProxmoxConfig } from './schemas.ts'

/**
 * blocked > needs-check > review > ready: a block/error rule that could not be answered
 * (unknown) never lets a plan look ready, whatever else passed.
 */
export function planVerdict(checks: readonly CheckResult[]): PlanVerdict {
  if (checks.some(isBlocking)) return 'blocked'
  if (checks.some(isUnsettled)) return 'needs-check'
  return checks.some(isWarning) ? 'review' : 'ready'
}

/** The group check's verdict: the plan's order, with shared and clean in place of review and ready. */
export function groupVerdict(checks: readonly CheckResult[], slots: number): GroupVerdict {
  if (checks.some(isBlocking)) return 'blocked'
  if (checks.some(isUnsettled)) return 'needs-check'
  return slots > 1 ? 'shared' : 'clean'
}

/**
 * "clean, with 2 warnings to acknowledge": a clean or ready answer never hides its warnings.
 * `explain` adds what needs-check means (once per summary is enough).
 */
export function verdictPhrase(verdict: string, checks: readonly CheckResult[], explain = true): string {
  const warns = checks.filter(isWarning).length
  if (verdict === 'needs-check') return explain ? 'needs-check (a blocking check is unknown)' : verdict
  if (warns === 0 || verdict === 'blocked') return verdict
  return `${verdict}, with ${warns} warning${warns === 1 ? '' : 's'} to acknowledge`
}

/** "blocked by C6, C19; 2 warnings (C7, C24); 4 unknown (C2, C8, C17, C27): …". */
export function tally(checks: readonly CheckResult[]): string {
  const ids = (xs: CheckResult[]) => [...new Set(xs.map((c) => c.id))].join(', ')
  const blocking = checks.filter(isBlocking)
  const warns = checks.filter(isWarning)
  const unknowns = checks.filter((c) => c.status === 'unknown')
  return (
    [
      blocking.length > 0 ? `blocked by ${ids(blocking)}` : null,
      warns.length > 0 ? `${warns.length} warning${warns.length === 1 ? '' : 's'} (${ids(warns)})` : null,
      unknowns.length > 0
        ? `${unknowns.length} unknown (${ids(unknowns)}): run the listed commands on the host`
        : null,
    ]
      .filter(Boolean)
      .join('; ') || 'every check passes'
  )
}

export function blockedConfig(checks: readonly CheckResult[]): ProxmoxConfig {
  const why = [...new Set(checks.filter(isBlocking).map((c) => c.id))]
  return {
    hostpci: [],
    qmSet: null,
    mappingCfg: null,
    mappingCommands: [],
    apiCalls: [],
    terraform: null,
    ansible: null,
    vfioConf: [],
    modules: [],
    kernelCmdline: [],
    blacklist: [],
    afterwards: [],
    notes: [
      `No config is emitted: blocked by ${list(why)}. Fix ${why.length === 1 ? 'that check' : 'those checks'} first.`,
    ],
  }
}

/** A needs-check answer still carries its config, headed by what to run before applying it. */
export function withCheckFirst<C extends { notes: string[] }>(config: C, checks: readonly CheckResult[]): C {
  const open = checks.filter(isUnsettled)
  if (open.length === 0) return config
  const runs = [...new Set(open.map((c) => `${c.id}: ${c.command ?? 'see the check'}`))]
  return { ...config, notes: [`Check first, then apply: ${runs.join('; ')}.`, ...config.notes] }
}
