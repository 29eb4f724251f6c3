import { z } from 'zod'

/**
 * Where a fact comes from. The seed document (the owner's analysis) has errors, so every fact says
 * whether it is as the seed documents it, corrected against a cited source, inferred from
 * another source, or imported from a host's own output.
 */
export const ProvenanceStatusSchema = z
  .enum(['documented', 'corrected', 'inferred', 'imported'])
  .meta({ id: 'ProvenanceStatus' })
export type ProvenanceStatus = z.infer<typeof ProvenanceStatusSchema>

export const FactProvenanceSchema = z
  .object({
    status: ProvenanceStatusSchema,
    /** For `corrected`: what the seed claimed, verbatim. */
    seedSaid: z.string().optional(),
    /** Why the fact is corrected or how it was inferred. */
    reason: z.string().optional(),
    /** Citation: a document section, a datasheet, a source file. */
    source: z.string().optional(),
  })
  .superRefine((fact, ctx) => {
    if (fact.status === 'corrected' && !(fact.seedSaid && fact.reason && fact.source)) {
      ctx.addIssue({ code: 'custom', message: 'a corrected fact needs seedSaid, reason and source' })
    }
    if (fact.status === 'inferred' && !fact.source) {
      ctx.addIssue({ code: 'custom', message: 'an inferred fact needs a source' })
    }
  })
  .meta({ id: 'FactProvenance' })
export type FactProvenance = z.infer<typeof FactProvenanceSchema>

/**
 * Provenance of one record: `default` covers every field not listed in `fields`, so a record
 * only spells out the facts whose origin differs.
 */
export const ProvenanceSchema = z
  .object({
    default: FactProvenanceSchema,
    fields: z.record(z.string(), FactProvenanceSchema).default({}),
  })
  .meta({ id: 'Provenance' })
export type Provenance = z.infer<typeof ProvenanceSchema>

/** The provenance of one field of a record. */
export function provenanceOf(provenance: Provenance, field: string): FactProvenance {
  return provenance.fields[field] ?? provenance.default
}
