/** Shared fixtures for the storage tests: the real catalog from data/. */
import { loadCatalog } from '../../../api/scripts/load-catalog.ts'
import type { Catalog } from '../../../api/src/domain/catalog/catalog.ts'
import { PlanInputError } from '../../../api/src/domain/plan-input-error.ts'
import { planStorageTier } from '../../../api/src/domain/storage/plan-storage-tier.ts'
import {
  StoragePlanRequestSchema,
  type StoragePlanRequestInput,
} from '../../../api/src/domain/storage/schemas.ts'

export const catalog: Catalog = loadCatalog('data')

export function plan(input: StoragePlanRequestInput) {
  return planStorageTier(StoragePlanRequestSchema.parse(input), catalog)
}

/** The PlanInputError a call throws (kind and pointer), or null. */
export function errorOf(run: () => unknown): { kind: string; pointer: string; message: string } | null {
  try {
    run()
  } catch (err) {
    if (err instanceof PlanInputError) return { kind: err.kind, pointer: err.pointer, message: err.message }
    throw err
  }
  return null
}
