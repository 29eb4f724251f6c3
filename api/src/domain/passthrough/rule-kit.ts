/**
 * The rule table's building blocks: a rule is data (a stable id, a name that says what it
 * checks, severity, sources, the text of its docs page) plus one small predicate that writes
 * its messages; `runRules` stamps the data onto each outcome and links the rule's page.
 */
import type { Scenario, VmScenario } from './scenario.ts'
import type { CheckId, CheckResult, CheckStatus, Severity } from './schemas.ts'
import { SOURCES, type SourceKey } from './sources.ts'

export interface Outcome {
  status: CheckStatus
  message: string
  /** Overrides the rule's severity where the rule has a range (C5 is info or warn). */
  severity?: Severity
  devices?: string[]
  fix?: string | null
  command?: string | null
}

export interface VmRuleInput {
  scenario: Scenario
  vm: VmScenario
}

/** What the /rules/ page says about a rule (docs/research/passthrough-rules.md has the reasoning). */
export interface RuleDoc {
  /** What the rule checks. */
  what: string
  /** Why it matters: what Proxmox, QEMU or the kernel does. */
  why: string
  fix: string
  /** The host command that settles it, when there is one. */
  command: string | null
}

export interface Rule<I> {
  id: CheckId
  /** Kebab-case, says what it checks: `network-in-use`. Shown as `C19 · network-in-use`. */
  name: string
  title: string
  /** Severity of a failure: block = never emit config, error = Proxmox/QEMU refuses. */
  severity: Severity
  sources: readonly SourceKey[]
  doc: RuleDoc
  evaluate: (input: I) => Outcome
}

/** The rule's page on the docs site: one anchor per rule id. */
export function ruleDocsUrl(id: CheckId): string {
  return `/rules/#${id.toLowerCase()}`
}

export const pass = (message: string, extra: Partial<Outcome> = {}): Outcome => ({
  status: 'pass',
  message,
  ...extra,
})
export const fail = (message: string, extra: Partial<Outcome> = {}): Outcome => ({
  status: 'fail',
  message,
  ...extra,
})
export const unknown = (message: string, command: string, extra: Partial<Outcome> = {}): Outcome => ({
  status: 'unknown',
  message,
  command,
  ...extra,
})

export function runRules<I>(rules: readonly Rule<I>[], input: I): CheckResult[] {
  return rules.map((rule) => {
    const o = rule.evaluate(input)
    return {
      id: rule.id,
      name: rule.name,
      title: rule.title,
      severity: o.severity ?? rule.severity,
      status: o.status,
      message: o.message,
      devices: o.devices ?? [],
      fix: o.fix ?? null,
      command: o.command ?? null,
      source: rule.sources.map((k) => SOURCES[k].label).join('; '),
      docsUrl: ruleDocsUrl(rule.id),
    }
  })
}

/** A failed block/error check stops the config: block = never emit config, error = Proxmox refuses. */
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
