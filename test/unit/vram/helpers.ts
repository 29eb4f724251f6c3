/** Shared fixtures for the vram tests: the real catalog and registry from data/. */
import { loadCatalog } from '../../../api/scripts/load-catalog.ts'
import type { Catalog } from '../../../api/src/domain/catalog/catalog.ts'
import { planVramFit } from '../../../api/src/domain/vram/plan-vram-fit.ts'
import { VramFitRequestSchema, type VramFitRequestInput } from '../../../api/src/domain/vram/schemas.ts'
import type { LlmModel } from '../../../api/src/domain/vram/model-schemas.ts'

export const catalog: Catalog = loadCatalog('data')
export const MIB = 2 ** 20
export const GIB = 2 ** 30

export function model(id: string): LlmModel {
  const m = catalog.llmModels.find((x) => x.id === id)
  if (!m) throw new Error(`no model ${id}`)
  return m
}

export function plan(input: VramFitRequestInput) {
  return planVramFit(VramFitRequestSchema.parse(input), catalog)
}
