/** What a change does to the findings: which appear, disappear or change severity. */
import type { Finding, FindingChange } from './answer-schemas.ts'

/** A finding's identity: its rule and where it points (the n-th of several at one place). */
function keyed(findings: readonly Finding[]): Map<string, Finding> {
  const seen = new Map<string, number>()
  return new Map(
    findings.map((f) => {
      const base = `${f.source.planner}:${f.source.rule}:${f.pointer}`
      const n = seen.get(base) ?? 0
      seen.set(base, n + 1)
      return [`${base}#${n}`, f]
    }),
  )
}

export function diffFindings(before: readonly Finding[], after: readonly Finding[]): FindingChange[] {
  const a = keyed(before)
  const b = keyed(after)
  const changes: FindingChange[] = []
  for (const [k, f] of b) {
    const old = a.get(k)
    if (!old) changes.push({ change: 'appears', finding: f, before: null })
    else if (old.severity !== f.severity)
      changes.push({ change: 'severity', finding: f, before: old.severity })
  }
  for (const [k, f] of a)
    if (!b.has(k)) changes.push({ change: 'disappears', finding: f, before: f.severity })
  return changes
}
