/**
 * The rule table's building blocks: a rule is data (id, title, severity, source) plus one
 * small predicate that returns an outcome; `runRules` stamps the data onto each outcome.
 */
import type { Scenario, VmScenario } from './scenario.ts'
import type { CheckId, CheckResult, CheckStatus, Severity } from './schemas.ts'

export interface Outcome {
  status: CheckStatus
  message: string
  /** Overrides the rule's severity where RP §5 gives a range (e.g. C5 INFO/WARN). */
  severity?: Severity
  devices?: string[]
  fix?: string | null
  command?: string | null
}

export interface VmRuleInput {
  scenario: Scenario
  vm: VmScenario
}

export interface Rule<I> {
  id: CheckId
  title: string
  /** Severity of a failure, from RP §5. */
  severity: Severity
  source: string
  evaluate: (input: I) => Outcome
}

export const pass = (message: string, extra: Partial<Outcome> = {}): Outcome => ({ status: 'pass', message, ...extra })
export const fail = (message: string, extra: Partial<Outcome> = {}): Outcome => ({ status: 'fail', message, ...extra })
export const unknown = (message: string, command: string, extra: Partial<Outcome> = {}): Outcome => ({ status: 'unknown', message, command, ...extra })

export function runRules<I>(rules: readonly Rule<I>[], input: I): CheckResult[] {
  return rules.map((rule) => {
    const o = rule.evaluate(input)
    return {
      id: rule.id,
      title: rule.title,
      severity: o.severity ?? rule.severity,
      status: o.status,
      message: o.message,
      devices: o.devices ?? [],
      fix: o.fix ?? null,
      command: o.command ?? null,
      source: rule.source,
    }
  })
}

/** A failed block/error check stops the config (RP §5: BLOCK = never emit config). */
export function isBlocking(c: CheckResult): boolean {
  return c.status === 'fail' && (c.severity === 'block' || c.severity === 'error')
}

/** A block/error rule the catalog could not answer: the answer needs a check on the host. */
export function isUnsettled(c: CheckResult): boolean {
  return c.status === 'unknown' && (c.severity === 'block' || c.severity === 'error')
}

export function isWarning(c: CheckResult): boolean {
  return c.status === 'fail' && c.severity === 'warn'
}

/** `a, b and c` for messages. */
export function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
}
