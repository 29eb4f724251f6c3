/**
 * The passthrough rule table (docs/research/passthrough-rules.md), split by scope: per VM (its
 * groups, devices and settings) and per node (host config, RAM). Every rule yields a result
 * on every run — pass, fail or unknown — so nothing is skipped silently.
 */
import { DEVICE_RULES } from './rules-devices.ts'
import { FAILURE_RULES } from './rules-failures.ts'
import { GROUP_RULES } from './rules-group.ts'
import { HOST_RULES } from './rules-host.ts'
import { VM_RULES } from './rules-vm.ts'
import { runRules, type Rule, type VmRuleInput } from './rule-kit.ts'
import type { Scenario, VmScenario } from './scenario.ts'
import { CHECK_IDS, type CheckResult } from './schemas.ts'

export const VM_SCOPED_RULES = [...GROUP_RULES, ...DEVICE_RULES, ...VM_RULES, ...FAILURE_RULES]
export { HOST_RULES }

const order = (a: { id: CheckResult['id'] }, b: { id: CheckResult['id'] }) =>
  CHECK_IDS.indexOf(a.id) - CHECK_IDS.indexOf(b.id)

/** Every rule in id order, without its predicate: what the /rules/ page documents. */
export const RULE_TABLE: readonly Omit<Rule<unknown>, 'evaluate'>[] = [...VM_SCOPED_RULES, ...HOST_RULES]
  .map(({ evaluate: _, ...rule }) => rule)
  .sort(order)

export function vmChecks(scenario: Scenario, vm: VmScenario): CheckResult[] {
  return runRules<VmRuleInput>(VM_SCOPED_RULES, { scenario, vm }).sort(order)
}

export function hostChecks(scenario: Scenario): CheckResult[] {
  return runRules(HOST_RULES, scenario).sort(order)
}

export function sortChecks(checks: CheckResult[]): CheckResult[] {
  return [...checks].sort(order)
}
