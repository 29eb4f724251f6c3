/**
 * The rule table of shared/research/passthrough.md §5, C1-C27, split by scope: per VM (its
 * groups, devices and settings) and per node (host config, RAM). Every rule yields a result
 * on every run — pass, fail or unknown — so nothing is skipped silently.
 */
import { DEVICE_RULES } from './rules-devices.ts'
import { GROUP_RULES } from './rules-group.ts'
import { HOST_RULES } from './rules-host.ts'
import { VM_RULES } from './rules-vm.ts'
import { runRules, type VmRuleInput } from './rule-kit.ts'
import type { Scenario, VmScenario } from './scenario.ts'
import { CHECK_IDS, type CheckResult } from './schemas.ts'

export const VM_SCOPED_RULES = [...GROUP_RULES, ...DEVICE_RULES, ...VM_RULES]
export { HOST_RULES }

const order = (a: CheckResult, b: CheckResult) => CHECK_IDS.indexOf(a.id) - CHECK_IDS.indexOf(b.id)

export function vmChecks(scenario: Scenario, vm: VmScenario): CheckResult[] {
  return runRules<VmRuleInput>(VM_SCOPED_RULES, { scenario, vm }).sort(order)
}

export function hostChecks(scenario: Scenario): CheckResult[] {
  return runRules(HOST_RULES, scenario).sort(order)
}

export function sortChecks(checks: CheckResult[]): CheckResult[] {
  return [...checks].sort(order)
}
