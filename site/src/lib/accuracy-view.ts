/**
 * The Accuracy page's tables: every file of docs/accuracy re-planned with the planner's own code
 * (api/src/domain/vram/accuracy.ts), the same replay the unit test runs.
 */
import {
  LLAMA_QUANTIZE_LLAMA3_8B_GIB,
  replayCase,
  summarize,
  termSummary,
  WEIGHTS_TOLERANCE,
  type RecordedFile,
  type ReplayedCase,
  type TermSummary,
} from '../../../api/src/domain/vram/accuracy.ts'
import type { QuantPreset } from '../../../api/src/domain/vram/ggml-types.ts'
import { weightLayout } from '../../../api/src/domain/vram/weights.ts'
import type { Catalog } from '../../../api/src/domain/catalog/catalog.ts'

const GIB = 2 ** 30

export interface AccuracyView {
  sources: { device: string; llamaCpp: RecordedFile['llamaCpp']; cases: number; models: number }[]
  terms: TermSummary[]
  /** Worst compute-buffer cases, farthest from llama.cpp first. */
  worst: ReplayedCase[]
  /** Emulated Llama 3.1 8B files against llama-quantize's published Llama-3-8B sizes. */
  weights: { preset: string; publishedGiB: number; plannedGiB: number; error: number }[]
  weightsTerm: TermSummary
}

export function accuracyView(catalog: Catalog, files: RecordedFile[]): AccuracyView {
  const byId = new Map(catalog.llmModels.map((m) => [m.id, m]))
  const replayed = files.flatMap((f) =>
    f.cases.flatMap((c) => {
      const m = byId.get(c.model)
      return m ? (replayCase(c, m) ?? []) : []
    }),
  )
  const llama = byId.get('llama-3.1-8b')
  const weights = llama
    ? Object.entries(LLAMA_QUANTIZE_LLAMA3_8B_GIB).map(([preset, publishedGiB]) => {
        const plannedGiB = weightLayout(llama, preset as QuantPreset).fileBytes / GIB
        return { preset, publishedGiB, plannedGiB, error: plannedGiB / publishedGiB - 1 }
      })
    : []
  const weightsTerm = termSummary(
    'weights (published file sizes)',
    weights.map((w) => w.error),
    weights.filter((w) => Math.abs(w.error) <= WEIGHTS_TOLERANCE).length,
  )
  return {
    weights,
    weightsTerm,
    sources: files.map((f) => ({
      device: f.device,
      llamaCpp: f.llamaCpp,
      cases: f.cases.length,
      models: new Set(f.cases.map((c) => c.model)).size,
    })),
    terms: summarize(replayed),
    worst: [...replayed].sort((a, b) => Math.abs(b.computeError) - Math.abs(a.computeError)).slice(0, 20),
  }
}
