/**
 * Models loaded next to the one planned, on its main GPU (device 0 of the split, llama.cpp -mg):
 * - a vision projector (mmproj): llama-server `--mmproj` offloads it to the GPU unless
 *   `--no-mmproj-offload` (tools/mtmd), Ollama loads its projector layer the same way; its
 *   weights are counted, the image encoder's own compute buffer is not (it depends on the image);
 * - a speculative-decoding draft model (llama-server `-md`): fully offloaded (`-ngld` all), with
 *   its own KV cache at the same context and parallel sequences, and its own compute buffer.
 */
import type { Catalog } from '../catalog/catalog.ts'
import { PlanInputError } from '../plan-input-error.ts'
import { computeBufferBytes } from './compute-buffer.ts'
import type { InferenceSettings } from './fit-inference.ts'
import type { GgufHeader } from './gguf-schemas.ts'
import { kvCacheBytes } from './kv-cache.ts'
import { declaredTensors } from './model-from-gguf.ts'
import { checkQuantization, resolveModel, weightsOf, type ResolvedModel } from './resolve-model.ts'
import type { VramFitRequest } from './schemas.ts'
import type { WeightLayout } from './weights.ts'

/**
 * llama.cpp common/speculative.cpp SPEC_VOCAB_MAX_SIZE_DIFFERENCE:
 * draft and target vocabularies may differ by this much.
 */
const MAX_VOCAB_DIFFERENCE = 128

export interface SideModels {
  projector: { weightsBytes: number; source: string; offload: boolean } | null
  draft: { model: ResolvedModel; weights: WeightLayout } | null
}

function projectorOf(p: NonNullable<VramFitRequest['projector']>): NonNullable<SideModels['projector']> {
  if (p.weightsBytes !== undefined)
    return { weightsBytes: p.weightsBytes, source: p.source ?? 'weightsBytes given', offload: p.offload }
  if (!p.gguf)
    throw new PlanInputError(
      'invalid',
      '/projector/url',
      'A projector URL is read by the API worker; pass its header as projector.gguf when calling the planner directly.',
    )
  const header: GgufHeader = p.gguf
  const bytes = declaredTensors(header, Number.MAX_SAFE_INTEGER, '/projector/gguf').reduce(
    (s, t) => s + t.bytes,
    0,
  )
  return { weightsBytes: bytes, source: 'the mmproj GGUF header', offload: p.offload }
}

function draftOf(req: VramFitRequest, catalog: Catalog, target: ResolvedModel): SideModels['draft'] {
  if (req.draft === undefined) return null
  let model: ResolvedModel
  try {
    model = resolveModel(catalog.llmModels, req.draft, req.draftQuantization)
    checkQuantization(model)
  } catch (err) {
    // The draft resolves like the model; its errors point into /draft instead.
    if (err instanceof PlanInputError)
      throw new PlanInputError(
        err.kind,
        err.pointer.replace(/^\/(model|quantization)/, (m) =>
          m === '/model' ? '/draft' : '/draftQuantization',
        ),
        err.message,
      )
    throw err
  }
  const diff = Math.abs(model.arch.vocabSize - target.arch.vocabSize)
  if (diff > MAX_VOCAB_DIFFERENCE) {
    throw new PlanInputError(
      'invalid',
      '/draft',
      `The draft's vocabulary (${model.arch.vocabSize}) differs from ${target.name}'s ` +
        `(${target.arch.vocabSize}) by more than ${MAX_VOCAB_DIFFERENCE} tokens: llama.cpp refuses such a pair.`,
    )
  }
  return { model, weights: weightsOf(model) }
}

export function resolveSideModels(req: VramFitRequest, catalog: Catalog, target: ResolvedModel): SideModels {
  const given = req.draft !== undefined ? '/draft' : req.projector ? '/projector' : null
  if (given && req.mode !== 'inference')
    throw new PlanInputError(
      'invalid',
      given,
      `${given.slice(1)} applies to inference; fine-tuning (mode ${req.mode}) loads no draft model or projector.`,
    )
  return {
    projector: req.projector ? projectorOf(req.projector) : null,
    draft: draftOf(req, catalog, target),
  }
}

/** Bytes the side models put on the main GPU at these settings (the draft's KV grows with the context). */
export function sideModelBytes(
  side: SideModels,
  s: InferenceSettings,
): { projectorBytes: number; draftModelBytes: number } {
  const d = side.draft
  const draftModelBytes = d
    ? d.weights.layerBytes.reduce((a, b) => a + b, 0) +
      d.weights.outputBytes +
      kvCacheBytes(d.model.arch, s) +
      computeBufferBytes(d.model.arch, s)
    : 0
  return { projectorBytes: side.projector?.offload ? side.projector.weightsBytes : 0, draftModelBytes }
}
