/**
 * Provenance as the pages show it: a badge per status a record carries, the field-level facts
 * behind it, and every `corrected` fact of the catalog found by walking the records, so the
 * findings page lists a new correction in data/ with no code change.
 */
import type { Catalog } from '../../../api/src/domain/catalog/catalog.ts'
import type {
  FactProvenance,
  Provenance,
  ProvenanceStatus,
} from '../../../api/src/domain/catalog/provenance.ts'

/** Most telling first: a correction matters more than an inference, which matters more than a copy. */
const STATUS_ORDER: ProvenanceStatus[] = ['corrected', 'inferred', 'imported', 'documented']

export interface FieldFact extends FactProvenance {
  /** null = the record's default (every field not listed). */
  field: string | null
}

/** The distinct statuses of a record, most telling first. */
export function provenanceStatuses(provenance: Provenance): ProvenanceStatus[] {
  const present = new Set([
    provenance.default.status,
    ...Object.values(provenance.fields).map((f) => f.status),
  ])
  return STATUS_ORDER.filter((s) => present.has(s))
}

/** The default fact, then each field that differs from it. */
export function provenanceFacts(provenance: Provenance): FieldFact[] {
  return [
    { field: null, ...provenance.default },
    ...Object.entries(provenance.fields).map(([field, fact]) => ({ field, ...fact })),
  ]
}

export interface CorrectedFact extends FactProvenance {
  /** Where it lives, readable: "MERAXES › devices › RTX 3090 Ti (0000:0d:00.0)". */
  where: string
  field: string | null
  /** The value the catalog holds now, when the fact is one field. */
  value: string | null
  /** Site path of the page that shows the record. */
  href: string
}

function isProvenance(value: unknown): value is Provenance {
  return typeof value === 'object' && value !== null && 'default' in value && 'fields' in value
}

/** A readable name for a record inside a node: its label and address or id. */
function recordName(record: Record<string, unknown>, key: string | number): string {
  const label =
    typeof record.label === 'string' ? record.label : typeof record.name === 'string' ? record.name : null
  const at = record.address ?? record.id ?? record.pciAddress
  if (label && typeof at === 'string') return `${label} (${at})`
  if (label) return label
  return typeof at === 'string' || typeof at === 'number' ? String(at) : String(key)
}

function show(value: unknown): string | null {
  if (value === undefined) return null
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** Every corrected fact under `record`, depth first, in data order. */
function walk(record: unknown, path: string[], href: string, out: CorrectedFact[]): void {
  if (Array.isArray(record)) {
    record.forEach((item, i) =>
      walk(item, [...path, recordName(item as Record<string, unknown>, i)], href, out),
    )
    return
  }
  if (typeof record !== 'object' || record === null) return
  const obj = record as Record<string, unknown>
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'provenance' && isProvenance(value)) {
      for (const fact of provenanceFacts(value)) {
        if (fact.status !== 'corrected') continue
        out.push({ ...fact, where: path.join(' › '), value: fact.field ? show(obj[fact.field]) : null, href })
      }
    } else if (typeof value === 'object' && value !== null) {
      walk(value, [...path, key], href, out)
    }
  }
}

/** Every `corrected` fact in the node records and the network links. */
export function correctedFacts(catalog: Catalog): CorrectedFact[] {
  const out: CorrectedFact[] = []
  for (const node of catalog.nodes) walk(node, [node.name], `/nodes/${node.id}/`, out)
  for (const link of catalog.networkLinks) walk(link, ['network links', link.label], '/network/', out)
  return out
}
