/**
 * Finds the model a request names: a registry id, an Ollama tag (`llama3.1:8b`,
 * `qwen2.5:14b-instruct-q4_K_M`, which also names the quantization) or an inline architecture.
 */
import { nearest } from '../catalog/lookup.ts'
import { QUANT_PRESETS, type QuantPreset } from './ggml-types.ts'
import type { LlmArchitecture, LlmModel } from './model-schemas.ts'
import { PlanInputError } from '../plan-input-error.ts'
import type { Architecture } from './tensors.ts'
import { modelFromGguf, type ModelFile } from './model-from-gguf.ts'
import { modelFromHfConfig } from './model-from-hf-config.ts'
import type { ModelSource } from './model-source.ts'
import { layoutOfTensors, weightLayout, type WeightLayout } from './weights.ts'

interface ResolvedCommon {
  id: string | null
  name: string
  arch: Architecture
  /** What the model's source says about itself (a GGUF file's class, config fields not used). */
  warnings: string[]
}

/** Weights emulated per tensor for a preset, or declared by a GGUF file. */
export type ResolvedModel = ResolvedCommon & (
  | { file: null; quantization: QuantPreset; quantizationSource: 'request' | 'tag' | 'default' }
  | { file: ModelFile; quantization: null; quantizationSource: 'file' }
)

/** Ollama writes presets in lower case with a capital K (`q4_K_M`); fp16/bf16 for F16/BF16. */
function presetFromTag(part: string): QuantPreset | null {
  const upper = part.toUpperCase().replace(/^FP16$/, 'F16')
  return (QUANT_PRESETS as readonly string[]).includes(upper) ? (upper as QuantPreset) : null
}

interface TagMatch {
  model: LlmModel
  quantization: QuantPreset | null
}

/** `name:size[-variant…][-quant]` → the registry model whose tag is `name:size`. */
export function findByOllamaTag(models: readonly LlmModel[], text: string): TagMatch | null {
  const lower = text.trim().toLowerCase()
  const exact = models.find((m) => m.ollamaTags.some((t) => t.tag === lower))
  if (exact) return { model: exact, quantization: null }
  const [name, tag] = lower.split(':')
  if (!name || !tag) return null
  const parts = tag.split('-')
  const quantization = presetFromTag(parts.slice(-2).join('_')) ?? presetFromTag(parts[parts.length - 1]!)
  for (let n = parts.length; n > 0; n--) {
    const base = `${name}:${parts.slice(0, n).join('-')}`
    const model = models.find((m) => m.ollamaTags.some((t) => t.tag === base))
    if (model) return { model, quantization }
  }
  return null
}

function registryQuantization(model: LlmModel, fromTag: QuantPreset | null, requested: QuantPreset | undefined) {
  if (requested) return { quantization: requested, quantizationSource: 'request' as const }
  if (fromTag) return { quantization: fromTag, quantizationSource: 'tag' as const }
  const tagDefault = model.ollamaTags[0]?.quantization
  return tagDefault
    ? { quantization: tagDefault, quantizationSource: 'tag' as const }
    : { quantization: 'Q4_K_M' as const, quantizationSource: 'default' as const }
}

export function findModel(models: readonly LlmModel[], text: string): TagMatch {
  const id = text.trim().toLowerCase()
  const byId = models.find((m) => m.id === id)
  if (byId) return { model: byId, quantization: null }
  const byTag = findByOllamaTag(models, id)
  if (byTag) return byTag
  const names = [...models.map((m) => m.id), ...models.flatMap((m) => m.ollamaTags.map((t) => t.tag))]
  throw new PlanInputError('not-found', '/model', `No model "${text}" in the registry. Nearest: ${nearest(id, names, 4).join(', ')}.`)
}

const emulated = (requested: QuantPreset | undefined) =>
  ({ file: null, quantization: requested ?? 'Q4_K_M', quantizationSource: requested ? 'request' : 'default' }) as const

function resolveSource(source: ModelSource, requested: QuantPreset | undefined): ResolvedModel {
  if (source.config) {
    const m = modelFromHfConfig(source.config, source.name)
    return { id: null, name: m.name, arch: m.arch, warnings: m.warnings, ...emulated(requested) }
  }
  if (!source.gguf) {
    // URLs are read at the edge (api/src/fetch/), which hands the planner the header it read.
    throw new PlanInputError('invalid', '/model/url', 'A GGUF URL is read by the API worker; pass the header as model.gguf when calling the planner directly.')
  }
  if (requested) {
    throw new PlanInputError('invalid', '/quantization', 'A GGUF file fixes the type of every tensor; leave quantization out (the answer names the file\'s own type).')
  }
  const file = modelFromGguf(source.gguf)
  return { id: null, name: source.name ?? file.name, arch: file.arch, warnings: file.warnings, file, quantization: null, quantizationSource: 'file' }
}

export function resolveModel(
  models: readonly LlmModel[],
  model: string | ModelSource | LlmArchitecture,
  requested: QuantPreset | undefined,
): ResolvedModel {
  if (typeof model !== 'string') {
    if (!('layers' in model)) return resolveSource(model, requested)
    return { id: null, name: model.name, arch: model, warnings: [], ...emulated(requested) }
  }
  const match = findModel(models, model)
  const q = registryQuantization(match.model, match.quantization, requested)
  return { id: match.model.id, name: match.model.name, arch: match.model, warnings: [], file: null, ...q }
}

/** Weights by tensor: the file's own, or emulated for the preset. */
export function weightsOf(r: ResolvedModel): WeightLayout {
  return r.file ? layoutOfTensors(r.arch, r.file.tensors) : weightLayout(r.arch, r.quantization)
}

/** MXFP4 exists only for models published with MXFP4 experts (gpt-oss). */
export function checkQuantization(r: ResolvedModel): void {
  if (r.quantization === 'MXFP4' && !(r.arch.shipsMxfp4 && r.arch.moe)) {
    throw new PlanInputError('invalid', '/quantization', `MXFP4 applies only to models published with MXFP4 experts (gpt-oss); ${r.name} is not.`)
  }
}
