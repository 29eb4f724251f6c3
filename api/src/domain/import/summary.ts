/** The import's answer as the lines `npm run import` prints: added, changed, left alone. */
import type { ImportAnswer } from './schemas.ts'

const show = (v: string | number | null) => (v === null ? 'none' : String(v))

export function summaryLines(nodeId: string, a: ImportAnswer): string[] {
  const out: string[] = []
  const inputs = a.inputs.map(
    (i) => `${i.format}: ${i.name} (${i.devices} devices, ${i.unparsed.length} unparsed lines)`,
  )
  out.push(`${nodeId}: ${a.diff.nodeAdded ? 'NEW node' : 'update'} from ${inputs.join('; ')}`)
  for (const input of a.inputs) {
    for (const u of input.unparsed)
      out.push(`  unparsed ${input.name}:${u.line}: ${JSON.stringify(u.text.slice(0, 100))} (${u.reason})`)
  }
  const { devices, groups } = a.diff
  out.push(`added ${devices.added.length} devices`)
  for (const d of devices.added)
    out.push(
      (
        `  + ${d.address} ${d.vendorDevice ?? '????:????'} [${d.classCode ?? '????'}] ` +
        `group ${d.iommuGroup ?? '?'} ${d.driver ?? ''}`
      ).trimEnd(),
    )
  out.push(`changed ${devices.changed.length} devices`)
  for (const d of devices.changed) {
    const changes = d.changes.map((c) => `${c.field} ${show(c.catalog)} -> ${show(c.host)}`)
    out.push(`  ~ ${d.address} ${d.label}: ${changes.join(', ')}`)
  }
  out.push(
    `left alone: ${devices.unchanged} devices the host reports as catalogued; ` +
      `${devices.removedFromHost.length} catalogued devices the host does not list (kept, not deleted)`,
  )
  for (const d of devices.removedFromHost)
    out.push(`  = ${d.address ?? '(no address)'} ${d.label} ${d.vendorDevice}`)
  if (groups.added.length > 0) out.push(`IOMMU groups added: ${groups.added.join(', ')}`)
  if (groups.removedFromHost.length > 0)
    out.push(
      `IOMMU groups in the catalog the host does not report (kept): ${groups.removedFromHost.join(', ')}`,
    )
  for (const g of groups.changed)
    out.push(
      `IOMMU group ${g.id} members changed: catalog [${g.catalogMembers.join(' ')}] host [${g.hostMembers.join(' ')}]`,
    )
  for (const c of a.conflicts)
    out.push(
      `conflict ${c.address} ${c.field}: kept ${show(c.kept)} (${c.keptFrom}), ` +
        `ignored ${show(c.ignored)} (${c.ignoredFrom})`,
    )
  for (const s of a.skipped) out.push(`skipped ${s.address}: ${s.reason}`)
  for (const n of a.notes) out.push(`note: ${n}`)
  return out
}
