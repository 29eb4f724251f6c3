/**
 * The AI placement matrix: every registry model × quantization preset × GPU target of the lab,
 * computed at build time by the same planVramFit() the API answers POST /api/v1/plan/vram-fit
 * with (each runtime's profile, f16 KV cache, flash attention), for each runtime and each context of
 * MATRIX_CONTEXTS: every registry model × 3-4 presets × 5 contexts × 3 runtimes is a few thousand
 * planner calls, a few seconds per build.
 */
import type { Catalog } from '../../../api/src/domain/catalog/catalog.ts'
import type { QuantPreset } from '../../../api/src/domain/vram/ggml-types.ts'
import type { LlmModel } from '../../../api/src/domain/vram/model-schemas.ts'
import { planVramFit } from '../../../api/src/domain/vram/plan-vram-fit.ts'
import {
  VramFitRequestSchema,
  type Assumption,
  type VramFitResult,
} from '../../../api/src/domain/vram/schemas.ts'
import { RUNTIMES, type Runtime } from '../../../api/src/domain/vram/runtimes.ts'
import { labGpus, resolveTargets, targetLabel } from '../../../api/src/domain/vram/targets.ts'
import { fitCellText, fitRowAnchor, type FitCellText } from './fit-cell.ts'
import { formatGiB } from './format.ts'

/** The contexts the page offers: Ollama's old default, the API's, and the common long ones. */
const MATRIX_CONTEXTS = [4096, 8192, 16384, 32768, 131072]

/** The presets people download most: 4-bit (Ollama's default), 8-bit, and unquantized. */
export const MATRIX_PRESETS: QuantPreset[] = ['Q4_K_M', 'Q8_0', 'F16']
const MATRIX_CONTEXT = 8192

export interface FitCell {
  verdict: VramFitResult['verdict'] | 'not-applicable'
  maxContextLength: number | null
  tokensPerSecond: number | null
  gpuLayers: number | null
  /** llama.cpp --n-cpu-moe K: experts of the first K layers stay in host RAM (MoE models). */
  cpuMoeLayers: number | null
  totalLayers: number | null
  loadSeconds: number | null
  /** Why the planner declined (e.g. a preset the model is not published in). */
  reason: string | null
}

export interface FitRow {
  model: LlmModel
  quantization: QuantPreset
  weightsBytes: number | null
  /** One cell per target, in `targets` order. */
  cells: FitCell[]
}

export interface FitMatrix {
  targets: string[]
  /** The runtime profile the matrix is planned for (its name). */
  runtime: string
  contextLength: number
  rows: FitRow[]
  assumptions: Assumption[]
}

/** MXFP4 only for models published with it (gpt-oss); every model gets the common presets. */
export function presetsFor(model: LlmModel): QuantPreset[] {
  return model.shipsMxfp4 ? ['MXFP4', ...MATRIX_PRESETS] : MATRIX_PRESETS
}

/** A cell with no figures: the target was not evaluated, or the model could not be planned. */
function notApplicable(reason: string): FitCell {
  return {
    verdict: 'not-applicable',
    maxContextLength: null,
    tokensPerSecond: null,
    gpuLayers: null,
    cpuMoeLayers: null,
    totalLayers: null,
    loadSeconds: null,
    reason,
  }
}

function cellOf(result: VramFitResult | undefined): FitCell {
  if (!result) return notApplicable('not evaluated')
  return {
    verdict: result.verdict,
    maxContextLength: result.maxContextLength,
    tokensPerSecond: result.tokensPerSecond,
    gpuLayers: result.gpuLayers,
    cpuMoeLayers: result.cpuMoeLayers,
    totalLayers: result.totalLayers,
    loadSeconds: result.loadSeconds,
    reason: null,
  }
}

/** The matrix for one runtime at one context (default 8192 tokens, pinned: a runtime's own default differs). */
export function modelFitMatrix(
  catalog: Catalog,
  presets: (m: LlmModel) => QuantPreset[] = presetsFor,
  contextLength = MATRIX_CONTEXT,
  runtime: Runtime = 'ollama',
): FitMatrix {
  const targets = labGpus(catalog).length === 0 ? [] : resolveTargets(catalog, 'all').map(targetLabel)
  // One context for every cell, so the columns compare; the runtime profile supplies the rest.
  const request = VramFitRequestSchema.parse({ model: 'placeholder', runtime, contextLength })
  let assumptions: Assumption[] = []
  let runtimeName: string = runtime
  const rows = catalog.llmModels.flatMap((model) =>
    presets(model).map((quantization): FitRow => {
      try {
        const answer = planVramFit({ ...request, model: model.id, quantization }, catalog)
        assumptions = answer.assumptions
        runtimeName = answer.runtime.name
        const byLabel = new Map(answer.results.map((r) => [r.target.label, r]))
        return {
          model,
          quantization,
          weightsBytes: answer.model.weightsBytes,
          cells: targets.map((t) => cellOf(byLabel.get(t))),
        }
      } catch (err) {
        const cell = notApplicable((err as Error).message)
        return { model, quantization, weightsBytes: null, cells: targets.map(() => cell) }
      }
    }),
  )
  return { targets, runtime: runtimeName, contextLength, rows, assumptions }
}

/** What the page's filter island loads (fit-matrix.json): the cells as text, per runtime and context. */
export interface FitMatrixData {
  targets: string[]
  runtimes: readonly Runtime[]
  contexts: number[]
  rows: { id: string; anchor: string; name: string; family: string; quantization: string; weights: string }[]
  /** cells[runtime][context][row][target] */
  cells: Record<string, Record<string, FitCellText[][]>>
}

/** The page and fit-matrix.json are built in one process: compute once, serve both the same. */
const built = new WeakMap<Catalog, FitMatrixData>()

export function fitMatrixData(catalog: Catalog): FitMatrixData {
  const cached = built.get(catalog)
  if (cached) return cached
  const byRuntime = RUNTIMES.map((rt) =>
    MATRIX_CONTEXTS.map((ctx) => modelFitMatrix(catalog, presetsFor, ctx, rt)),
  )
  const first = byRuntime[0]![0]!
  const data: FitMatrixData = {
    targets: first.targets,
    runtimes: RUNTIMES,
    contexts: MATRIX_CONTEXTS,
    rows: first.rows.map((r) => ({
      id: r.model.id,
      anchor: fitRowAnchor(r),
      name: r.model.name,
      family: r.model.family,
      quantization: r.quantization,
      weights: r.weightsBytes === null ? '—' : formatGiB(r.weightsBytes),
    })),
    cells: Object.fromEntries(
      RUNTIMES.map((rt, i) => [
        rt,
        Object.fromEntries(
          byRuntime[i]!.map((m) => [String(m.contextLength), m.rows.map((r) => r.cells.map(fitCellText))]),
        ),
      ]),
    ),
  }
  built.set(catalog, data)
  return data
}
