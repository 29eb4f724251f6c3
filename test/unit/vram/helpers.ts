/** Shared fixtures for the vram tests: the real catalog and registry from data/. */
import { loadCatalog } from '../../../api/scripts/load-catalog.ts'
import type { Catalog } from '../../../api/src/domain/catalog/catalog.ts'
import { PlanInputError } from '../../../api/src/domain/plan-input-error.ts'
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

/** The single result of a one-target plan. */
export const only = (answer: ReturnType<typeof plan>) => answer.results[0]!

/** The PlanInputError that `plan(input)` throws; fails the test when it throws none. */
export function planError(input: VramFitRequestInput): PlanInputError {
  try {
    plan(input)
  } catch (err) {
    if (err instanceof PlanInputError) return err
    throw err
  }
  throw new Error('expected a PlanInputError')
}

/** A tiny valid inline architecture (4 layers, 512 wide) for the request's model union. */
export const tiny = {
  name: 'tiny',
  layers: 4,
  hiddenSize: 512,
  heads: 8,
  kvHeads: 8,
  headDim: 64,
  ffnSize: 1024,
  vocabSize: 32000,
  tiedEmbeddings: true,
  contextLength: 2048,
  maxContextLength: 2048,
}

/** Fit settings at a 4096 context: f16 KV, flash attention, one slot, ubatch 512. */
export const settings4k = {
  contextLength: 4096,
  kvCacheType: 'f16' as const,
  flashAttention: true,
  parallel: 1,
  ubatch: 512,
}

/** The JSON pointer of the PlanInputError that `run` throws; fails the test when it throws none. */
export function pointerOf(run: () => unknown): string {
  try {
    run()
  } catch (e) {
    if (e instanceof PlanInputError) return e.pointer
    throw e
  }
  throw new Error('expected a PlanInputError')
}
