/**
 * Finds the model a request names: a registry id, an Ollama tag (`llama3.1:8b`,
 * `qwen2.5:14b-instruct-q4_K_M`, which also names the quantization) or an inline architecture.
 */
import { nearest } from '../catalog/lookup.ts'
import { QUANT_PRESETS, type QuantPreset } from './ggml-types.ts'
import type { LlmArchitecture, LlmModel, OllamaTag } from './model-schemas.ts'
import { PlanInputError } from '../plan-input-error.ts'
import type { Architecture } from './tensors.ts'
import { defaultImatrix, requiresImatrix, type NonExpertType } from './quant-rules.ts'
import { typedTensors } from './weights.ts'

export interface ResolvedModel {
  id: string | null
  name: string
  arch: Architecture
  quantization: QuantPreset
  /** Where the quantization came from, for the assumptions list. */
  quantizationSource: 'request' | 'tag' | 'default'
  /** Quantized with an importance matrix (the request's word, else the preset's usual practice). */
  imatrix: boolean
  /** The vision projector Ollama's tag holds (the named tag, else the model's default tag); 0 = none. */
  ollamaProjectorBytes: number
  /** The tag's own recipe for non-expert matrices, when the quantization came from the tag. */
  nonExpertType: NonExpertType | undefined
}

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
  if (byId) return { model: byId, quantization: null, tag: null }
  const byTag = findByOllamaTag(models, id)
  if (byTag) return byTag
  const tags = models.flatMap((m) => m.ollamaTags.map((t) => t.tag))
  const names = [...models.map((m) => m.id), ...tags]
  // Same Ollama name, other size (`deepseek-r1:14b` → `deepseek-r1:8b, deepseek-r1:32b`) first.
  const family = id.split(':')[0]!
  const sameName = tags.filter((t) => t.startsWith(`${family}:`) && t !== `${family}:latest`)
  const suggestions = [...new Set([...sameName, ...nearest(id, names, 4)])].slice(0, 6)
  throw new PlanInputError('not-found', '/model', `No model "${text}" in the registry. Nearest: ${suggestions.join(', ')}.`)
}

export function resolveModel(
  models: readonly LlmModel[],
  model: string | LlmArchitecture,
  requested: QuantPreset | undefined,
  imatrix?: boolean,
): ResolvedModel {
  if (typeof model !== 'string') {
    const quantization = requested ?? 'Q4_K_M'
    return {
      id: null, name: model.name, arch: model, quantization, quantizationSource: requested ? 'request' : 'default',
      imatrix: imatrix ?? defaultImatrix(quantization), ollamaProjectorBytes: 0, nonExpertType: undefined,
    }
  }
  const match = findModel(models, model)
  const q = registryQuantization(match.model, match.quantization, requested)
  const tag = match.tag ?? match.model.ollamaTags[0]
  return {
    id: match.model.id, name: match.model.name, arch: match.model, ...q,
    imatrix: imatrix ?? defaultImatrix(q.quantization), ollamaProjectorBytes: tag?.projectorBytes ?? 0,
    // A recipe belongs to the tag's own download, not to a preset asked for by name.
    nonExpertType: q.quantizationSource === 'tag' ? tag?.nonExpertType : undefined,
  }
}

/**
 * MXFP4 exists only for models published with MXFP4 experts (gpt-oss); llama-quantize refuses
 * the IQ1/IQ2/IQ3_XXS and Q2_K_S mixes without an importance matrix (tensor_requires_imatrix).
 */
export function checkQuantization(r: ResolvedModel): void {
  if (r.quantization === 'MXFP4' && !(r.arch.shipsMxfp4 && r.arch.moe)) {
    throw new PlanInputError('invalid', '/quantization', `MXFP4 applies only to models published with MXFP4 experts (gpt-oss); ${r.name} is not.`)
  }
  if (!r.imatrix) {
    const tensors = typedTensors(r.arch, r.quantization, { imatrix: false })
    const needs = tensors.find((t) => requiresImatrix(t, t.type, r.quantization))
    if (needs) {
      throw new PlanInputError('invalid', '/imatrix', `${r.quantization} needs an importance matrix: llama-quantize `
        + `stops with "this quantization requires an imatrix!" (${needs.name} would be ${needs.type}); set imatrix `
        + 'true or pick another quantization.')
    }
  }
}
