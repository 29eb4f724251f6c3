/**
 * Pure planner functions called directly (no HTTP, no validation of the answer), with the
 * documented example parsed by the planner's own request schema. A planner not listed here
 * (the importer, whose work is mostly parsing text) is measured through its route only.
 */
import type { Catalog } from '../../api/src/domain/catalog/catalog.ts'
import { rate, type Rate } from './in-process.ts'
import type { PlannerCall } from './operations.ts'

interface Entry {
  operationId: string
  module: string
  fn: string
  schemaModule: string
  schema: string
}

const ENTRIES: Entry[] = [
  {
    operationId: 'planVramFit',
    module: '../../api/src/domain/vram/plan-vram-fit.ts',
    fn: 'planVramFit',
    schemaModule: '../../api/src/domain/vram/schemas.ts',
    schema: 'VramFitRequestSchema',
  },
  {
    operationId: 'planPassthrough',
    module: '../../api/src/domain/passthrough/plan-passthrough.ts',
    fn: 'planPassthrough',
    schemaModule: '../../api/src/domain/passthrough/schemas.ts',
    schema: 'PassthroughPlanRequestSchema',
  },
  {
    operationId: 'planStorageTier',
    module: '../../api/src/domain/storage/plan-storage-tier.ts',
    fn: 'planStorageTier',
    schemaModule: '../../api/src/domain/storage/schemas.ts',
    schema: 'StoragePlanRequestSchema',
  },
  {
    operationId: 'planTransfer',
    module: '../../api/src/domain/storage/transfer.ts',
    fn: 'planTransfer',
    schemaModule: '../../api/src/domain/storage/schemas.ts',
    schema: 'TransferRequestSchema',
  },
]

type Parser = { parse: (x: unknown) => unknown }

export async function domainRates(
  planners: PlannerCall[],
  catalog: Catalog,
  millis: number,
  step: (line: string) => void,
): Promise<Record<string, Rate | string>> {
  const out: Record<string, Rate | string> = {}
  for (const p of planners) {
    const entry = ENTRIES.find((e) => e.operationId === p.operationId)
    if (!entry) {
      out[p.operationId] = 'no pure entry registered in bench/lib/domain.ts: measured through its route only'
      continue
    }
    try {
      const planner = (await import(entry.module)) as Record<string, unknown>
      const schemas = (await import(entry.schemaModule)) as Record<string, unknown>
      const fn = planner[entry.fn] as (input: unknown, catalog: Catalog) => unknown
      const schema = schemas[entry.schema] as Parser
      const input = schema.parse(JSON.parse(p.body))
      out[p.operationId] = await rate(() => fn(input, catalog), millis)
      step(`  domain ${entry.fn}(): ${(out[p.operationId] as Rate).callsPerSecond} calls/s`)
    } catch (err) {
      out[p.operationId] = `not measured: ${(err as Error).message}`
    }
  }
  return out
}
