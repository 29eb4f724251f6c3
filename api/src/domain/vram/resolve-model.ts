/**
 * Finds the model a request names: a registry id, an Ollama tag (`llama3.1:8b`,
 * `qwen2.5:14b-instruct-q4_K_M`, which also names the quantization), a GGUF header, a config.json
 * or an inline architecture.
 */
import { nearest } from '../catalog/lookup.ts'
import { QUANT_PRESETS, type QuantPreset } from './ggml-types.ts'
import type { LlmArchitecture, LlmModel, OllamaTag } from './model-schemas.ts'
import { PlanInputError } from '../plan-input-error.ts'
import type { Architecture } from './tensors.ts'
import { defaultImatrix, requiresImatrix, type NonExpertType } from './quant-rules.ts'
import { modelFromGguf, type ModelFile } from './model-from-gguf.ts'
import { modelFromHfConfig } from './model-from-hf-config.ts'
import type { ModelSource } from './model-source.ts'
import { layoutOfTensors, typedTensors, weightLayout, type WeightLayout } from './weights.ts'

interface ResolvedCommon {
  id: string | null
  name: string
  arch: Architecture
  /** What the model's source says about itself (a GGUF file's class, config fields not used). */
  warnings: string[]
  /** The vision projector Ollama's tag holds (the named tag, else the model's default tag); 0 = none. */
  ollamaProjectorBytes: number
}

/** Weights emulated per tensor for a preset, or declared by a GGUF file (whose types are read, not emulated). */
export type ResolvedModel = ResolvedCommon &
  (
    | {
        file: null
        quantization: QuantPreset
        quantizationSource: 'request' | 'tag' | 'default'
        /** Quantized with an importance matrix (the request's word, else the preset's usual practice). */
        imatrix: boolean
        /** The tag's own recipe for non-expert matrices, when the quantization came from the tag. */
        nonExpertType: NonExpertType | undefined
      }
    | {
        file: ModelFile
        quantization: null
        quantizationSource: 'file'
        imatrix: null
        nonExpertType: undefined
      }
  )

/** Ollama writes presets in lower case with a capital K (`q4_K_M`); fp16/bf16 for F16/BF16. */
function presetFromTag(part: string): QuantPreset | null {
  const upper = part.toUpperCase().replace(/^FP16$/, 'F16')
  return (QUANT_PRESETS as readonly string[]).includes(upper) ? (upper as QuantPreset) : null
}

interface TagMatch {
  model: LlmModel
  quantization: QuantPreset | null
  tag: OllamaTag | null
}

/**
 * `name:size[-variant…][-quant]` → the registry model whose tag is `name:size`. A bare name
 * (`llama3.1`) is what `ollama run` resolves to `name:latest`.
 */
export function findByOllamaTag(models: readonly LlmModel[], text: string): TagMatch | null {
  const trimmed = text.trim().toLowerCase()
  const lower = trimmed.includes(':') ? trimmed : `${trimmed}:latest`
  const exact = models.find((m) => m.ollamaTags.some((t) => t.tag === lower))
  if (exact) return { model: exact, quantization: null, tag: exact.ollamaTags.find((t) => t.tag === lower)! }
  const [name, tag] = lower.split(':')
  if (!name || !tag) return null
  const parts = tag.split('-')
  const quantization = presetFromTag(parts.slice(-2).join('_')) ?? presetFromTag(parts[parts.length - 1]!)
  for (let n = parts.length; n > 0; n--) {
    const base = `${name}:${parts.slice(0, n).join('-')}`
    const model = models.find((m) => m.ollamaTags.some((t) => t.tag === base))
    if (model) return { model, quantization, tag: model.ollamaTags.find((t) => t.tag === base)! }
  }
  return null
}

function registryQuantization(
  model: LlmModel,
  fromTag: QuantPreset | null,
  requested: QuantPreset | undefined,
) {
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
  if (byId) return { model: byId, quantization: null, tag: null }
  const byTag = findByOllamaTag(models, id)
  if (byTag) return byTag
  const tags = models.flatMap((m) => m.ollamaTags.map((t) => t.tag))
  const names = [...models.map((m) => m.id), ...tags]
  // Same Ollama name, other size (`deepseek-r1:14b` → `deepseek-r1:8b, deepseek-r1:32b`) first.
  const family = id.split(':')[0]!
  const sameName = tags.filter((t) => t.startsWith(`${family}:`) && t !== `${family}:latest`)
  const suggestions = [...new Set([...sameName, ...nearest(id, names, 4)])].slice(0, 6)
  throw new PlanInputError(
    'not-found',
    '/model',
    `No model "${text}" in the registry. Nearest: ${suggestions.join(', ')}.`,
  )
}

function emulated(requested: QuantPreset | undefined, imatrix: boolean | undefined) {
  const quantization = requested ?? 'Q4_K_M'
  return {
    file: null,
    quantization,
    quantizationSource: requested ? 'request' : 'default',
    imatrix: imatrix ?? defaultImatrix(quantization),
    nonExpertType: undefined,
  } as const
}

function resolveSource(
  source: ModelSource,
  requested: QuantPreset | undefined,
  imatrix: boolean | undefined,
): ResolvedModel {
  if (source.config) {
    const m = modelFromHfConfig(source.config, source.name)
    return {
      id: null,
      name: m.name,
      arch: m.arch,
      warnings: m.warnings,
      ollamaProjectorBytes: 0,
      ...emulated(requested, imatrix),
    }
  }
  if (!source.gguf) {
    // URLs are read at the edge (api/src/fetch/), which hands the planner the header it read.
    throw new PlanInputError(
      'invalid',
      '/model/url',
      'A GGUF URL is read by the API worker; pass the header as model.gguf when calling the planner directly.',
    )
  }
  if (imatrix !== undefined) {
    throw new PlanInputError(
      'invalid',
      '/imatrix',
      'A GGUF file fixes the type of every tensor; leave imatrix out.',
    )
  }
  if (requested) {
    throw new PlanInputError(
      'invalid',
      '/quantization',
      "A GGUF file fixes the type of every tensor; leave quantization out (the answer names the file's own type).",
    )
  }
  const file = modelFromGguf(source.gguf)
  return {
    id: null,
    name: source.name ?? file.name,
    arch: file.arch,
    warnings: file.warnings,
    ollamaProjectorBytes: 0,
    file,
    quantization: null,
    quantizationSource: 'file',
    imatrix: null,
    nonExpertType: undefined,
  }
}

export function resolveModel(
  models: readonly LlmModel[],
  model: string | ModelSource | LlmArchitecture,
  requested: QuantPreset | undefined,
  imatrix?: boolean,
): ResolvedModel {
  if (typeof model !== 'string') {
    if (!('layers' in model)) return resolveSource(model, requested, imatrix)
    return {
      id: null,
      name: model.name,
      arch: model,
      warnings: [],
      ollamaProjectorBytes: 0,
      ...emulated(requested, imatrix),
    }
  }
  const match = findModel(models, model)
  const q = registryQuantization(match.model, match.quantization, requested)
  const tag = match.tag ?? match.model.ollamaTags[0]
  return {
    id: match.model.id,
    name: match.model.name,
    arch: match.model,
    warnings: [],
    file: null,
    ...q,
    imatrix: imatrix ?? defaultImatrix(q.quantization),
    ollamaProjectorBytes: tag?.projectorBytes ?? 0,
    // A recipe belongs to the tag's own download, not to a preset asked for by name.
    nonExpertType: q.quantizationSource === 'tag' ? tag?.nonExpertType : undefined,
  }
}

/** Weights by tensor: the file's own, or emulated for the preset. */
export function weightsOf(r: ResolvedModel): WeightLayout {
  if (r.file) return layoutOfTensors(r.arch, r.file.tensors)
  return weightLayout(r.arch, r.quantization, { imatrix: r.imatrix, nonExpertType: r.nonExpertType })
}

/**
 * MXFP4 exists only for models published with MXFP4 experts (gpt-oss); llama-quantize refuses
 * the IQ1/IQ2/IQ3_XXS and Q2_K_S mixes without an importance matrix (tensor_requires_imatrix).
 */
export function checkQuantization(r: ResolvedModel): void {
  if (r.file) return
  if (r.quantization === 'MXFP4' && !(r.arch.shipsMxfp4 && r.arch.moe)) {
    throw new PlanInputError(
      'invalid',
      '/quantization',
      `MXFP4 applies only to models published with MXFP4 experts (gpt-oss); ${r.name} is not.`,
    )
  }
  if (!r.imatrix) {
    const tensors = typedTensors(r.arch, r.quantization, { imatrix: false })
    const needs = tensors.find((t) => requiresImatrix(t, t.type, r.quantization))
    if (needs) {
      throw new PlanInputError(
        'invalid',
        '/imatrix',
        `${r.quantization} needs an importance matrix: llama-quantize ` +
          `stops with "this quantization requires an imatrix!" (${needs.name} would be ${needs.type}); set imatrix ` +
          'true or pick another quantization.',
      )
    }
  }
}
