/**
 * The AI placement matrix: every registry model × quantization preset × GPU target of the lab,
 * computed at build time by the same planVramFit() the API answers POST /api/v1/plan/vram-fit
 * with (Ollama's runtime profile at a fixed 8K context, f16 KV cache, flash attention). 19 models × 3 presets is
 * ~60 planner calls, ~0.2 s: cheap enough to recompute on every build.
 */
import type { Catalog } from '../../../api/src/domain/catalog/catalog.ts'
import type { QuantPreset } from '../../../api/src/domain/vram/ggml-types.ts'
import type { LlmModel } from '../../../api/src/domain/vram/model-schemas.ts'
import { planVramFit } from '../../../api/src/domain/vram/plan-vram-fit.ts'
import { VramFitRequestSchema, type Assumption, type VramFitResult } from '../../../api/src/domain/vram/schemas.ts'
import { labGpus, resolveTargets, targetLabel } from '../../../api/src/domain/vram/targets.ts'

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

function cellOf(result: VramFitResult | undefined): FitCell {
  if (!result) return { verdict: 'not-applicable', maxContextLength: null, tokensPerSecond: null, gpuLayers: null, cpuMoeLayers: null, totalLayers: null, loadSeconds: null, reason: 'not evaluated' }
  return {
    verdict: result.verdict, maxContextLength: result.maxContextLength, tokensPerSecond: result.tokensPerSecond,
    gpuLayers: result.gpuLayers, cpuMoeLayers: result.cpuMoeLayers, totalLayers: result.totalLayers, loadSeconds: result.loadSeconds, reason: null,
  }
}

export function modelFitMatrix(catalog: Catalog, presets: (m: LlmModel) => QuantPreset[] = presetsFor): FitMatrix {
  const targets = labGpus(catalog).length === 0 ? [] : resolveTargets(catalog, 'all').map(targetLabel)
  // One context for every cell, so the columns compare; the runtime profile supplies the rest.
  const request = VramFitRequestSchema.parse({ model: 'placeholder', runtime: 'ollama', contextLength: MATRIX_CONTEXT })
  let assumptions: Assumption[] = []
  let runtime = request.runtime as string
  const rows = catalog.llmModels.flatMap((model) =>
    presets(model).map((quantization): FitRow => {
      try {
        const answer = planVramFit({ ...request, model: model.id, quantization }, catalog)
        assumptions = answer.assumptions
        runtime = answer.runtime.name
        const byLabel = new Map(answer.results.map((r) => [r.target.label, r]))
        return { model, quantization, weightsBytes: answer.model.weightsBytes, cells: targets.map((t) => cellOf(byLabel.get(t))) }
      } catch (err) {
        const reason = (err as Error).message
        const cell: FitCell = { verdict: 'not-applicable', maxContextLength: null, tokensPerSecond: null, gpuLayers: null, cpuMoeLayers: null, totalLayers: null, loadSeconds: null, reason }
        return { model, quantization, weightsBytes: null, cells: targets.map(() => cell) }
      }
    })
  )
  return { targets, runtime, contextLength: MATRIX_CONTEXT, rows, assumptions }
}
