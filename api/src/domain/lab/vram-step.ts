/**
 * The lab's one contact with the VRAM planner: each model of a service is sized by planVramFit
 * on that service's GPU, with the service's runtime and the settings its configuration states;
 * whatever it leaves out, the runtime profile (../vram/runtimes.ts) decides, and the applied
 * settings are read back from results[].settings. The answer is reduced to the terms a resident
 * set adds up: weights, KV, compute buffer and one backend (CUDA) context per runner, while the
 * runtime's fit margin is kept free once per GPU (the residency step).
 */
import { PlanInputError } from '../plan-input-error.ts'
import { planVramFit } from '../vram/plan-vram-fit.ts'
import { GPU_MARGIN_BYTES } from '../vram/placement.ts'
import type { AppliedSettings } from '../vram/runtimes.ts'
import {
  VramFitRequestSchema,
  type VramFitAnswer,
  type VramFitRequest,
  type VramFitRequestInput,
} from '../vram/schemas.ts'
import type { LabContext, LabGpu, LabService } from './context.ts'
import type { ServiceModel } from './schemas.ts'

/**
 * Ollama's scheduler loads at most 3 models per GPU when OLLAMA_MAX_LOADED_MODELS is unset
 * (envconfig/config.go, docs.ollama.com/faq). A scheduling limit, not a memory setting, so the
 * VRAM runtime profiles do not carry it.
 */
const OLLAMA_MAX_LOADED_PER_GPU = 3

/** How many models the service's Ollama keeps loaded at once. */
export function ollamaMaxLoaded(s: LabService): number {
  return s.service.ollama?.OLLAMA_MAX_LOADED_MODELS ?? OLLAMA_MAX_LOADED_PER_GPU * Math.max(1, s.gpus.length)
}

interface ModelTerms {
  answer: VramFitAnswer
  /** What the runtime runs the model with (null: no GPU to size it on, or a fine-tuning job). */
  settings: AppliedSettings | null
  /** Ollama: num_ctx per sequence; llama-server: -c over all slots. */
  contextLength: number
  parallel: number
  /** Bytes with every layer on the GPU, and a vision projector Ollama puts there: what a resident model occupies. */
  weightsBytes: number
  kvCacheBytes: number
  computeBufferBytes: number
  /** The backend context this model's runner process holds on each GPU it uses. */
  cudaContextBytes: number
  aloneVerdict: 'fits' | 'partial-offload' | 'does-not-fit'
  tokensPerSecond: number | null
  /** finetune: everything the job holds on the GPU, overhead included. */
  trainingBytes: number | null
}

/** A vision projector the runtime puts on the GPU (Ollama: inside its --fit target); 0 when none. */
const projectorOnGpuBytes = (s: AppliedSettings | null) => (s?.projector?.onGpu ? s.projector.bytes : 0)

/**
 * What a runner keeps free on each GPU beyond what it loads: llama.cpp --fit's target (the
 * planner's margin within it), less a projector that fills part of that target once loaded.
 */
export function gpuMarginOf(settings: AppliedSettings | null): number {
  return settings ? settings.fitMarginBytes - projectorOnGpuBytes(settings) : GPU_MARGIN_BYTES
}

/** Only the keys that have a value: a left-out setting is the runtime profile's to decide. */
const given = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined))

/** The VRAM request a service's model makes, and the architecture field its settings come from. */
function requestOf(s: LabService, m: ServiceModel): { request: VramFitRequestInput; settingPointer: string } {
  const svc = s.service
  const base = { model: m.model, ...given({ quantization: m.quantization }) }
  if (svc.runtime === 'finetune') {
    return {
      request: {
        ...base,
        mode: m.mode,
        ...given({ sequenceLength: m.sequenceLength, microBatch: m.microBatch }),
      },
      settingPointer: `${s.pointer}/models`,
    }
  }
  if (svc.runtime === 'llama-server') {
    const f = svc.llamaServer ?? {}
    const parallel = m.parallel ?? f.parallel
    // --ctx-size is the total over the slots; a model's contextLength is per sequence.
    const contextLength = m.contextLength !== undefined ? m.contextLength * (parallel ?? 1) : f.ctxSize
    return {
      request: {
        ...base,
        runtime: 'llama-server',
        ...given({ contextLength, parallel, kvCacheType: f.cacheType, flashAttention: f.flashAttn }),
      },
      settingPointer: `${s.pointer}/llamaServer`,
    }
  }
  const o = svc.ollama ?? {}
  return {
    request: {
      ...base,
      runtime: 'ollama',
      ...given({
        contextLength: m.contextLength ?? o.OLLAMA_CONTEXT_LENGTH,
        parallel: m.parallel ?? o.OLLAMA_NUM_PARALLEL,
        kvCacheType: o.OLLAMA_KV_CACHE_TYPE,
        flashAttention: o.OLLAMA_FLASH_ATTENTION,
      }),
    },
    settingPointer: `${s.pointer}/ollama`,
  }
}

/** The planner's target for a GPU: its node when it is the node's only GPU, else its model slug. */
function targetOf(ctx: LabContext, gpu: LabGpu): string {
  return ctx.gpus.filter((g) => g.node.id === gpu.node.id).length === 1 ? gpu.node.id : gpu.model.slug
}

/** A planner error about `/model` or `/kvCacheType` names the architecture field that set it. */
function repoint(err: unknown, modelPointer: string, settingPointer: string): never {
  if (!(err instanceof PlanInputError)) throw err
  const field = err.pointer.replace(/^\//, '')
  const at = ['model', 'quantization', 'contextLength', 'sequenceLength'].includes(field)
    ? `${modelPointer}/${field}`
    : settingPointer
  throw new PlanInputError('invalid', at, err.message)
}

/**
 * The terms of one service model on the service's GPUs; memoised per plan (summaries, drives and config
 * reuse them).
 */
export function sizeModel(ctx: LabContext, s: LabService, modelIndex: number): ModelTerms {
  const key = `vram:${s.index}:${modelIndex}`
  const known = ctx.memo.get(key) as ModelTerms | undefined
  if (known) return known
  const terms = computeTerms(ctx, s, modelIndex, s.gpus)
  ctx.memo.set(key, terms)
  return terms
}

/**
 * The VRAM planner's answer for one request, shared by every service that asks the same (same model,
 * settings, GPU).
 */
function vramAnswer(
  ctx: LabContext,
  request: VramFitRequest,
  modelPointer: string,
  settingPointer: string,
): VramFitAnswer {
  const key = `vram-request:${JSON.stringify(request)}`
  const known = ctx.memo.get(key) as VramFitAnswer | undefined
  if (known) return known
  try {
    const answer = planVramFit(request, ctx.catalog)
    ctx.memo.set(key, answer)
    return answer
  } catch (err) {
    repoint(err, modelPointer, settingPointer)
  }
}

function computeTerms(ctx: LabContext, s: LabService, modelIndex: number, gpus: LabGpu[]): ModelTerms {
  const m = s.service.models[modelIndex]!
  const modelPointer = `${s.pointer}/models/${modelIndex}`
  const { request, settingPointer } = requestOf(s, m)
  // A service without a GPU is still sized (its model files fill its store): on the lab's first GPU.
  const sizedOn = gpus.length > 0 ? gpus : ctx.gpus.slice(0, 1)
  const targets = sizedOn.length > 0 ? [...new Set(sizedOn.map((g) => targetOf(ctx, g)))] : 'all'
  const parsed = VramFitRequestSchema.safeParse({ ...request, targets })
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new PlanInputError('invalid', modelPointer, `${issue.path.join('.') || 'model'}: ${issue.message}`)
  }
  const answer = vramAnswer(ctx, parsed.data, modelPointer, settingPointer)
  const r = answer.results[0]
  const b = r?.breakdown ?? null
  const fits = r?.verdict === 'fits' && b !== null
  const settings = r?.settings ?? null
  const fitMarginBytes = settings?.fitMarginBytes ?? GPU_MARGIN_BYTES
  // The planner's overhead per GPU is the backend context plus the fit margin: the context goes
  // with the runner, the margin is the GPU's (counted once however many runners share it).
  const gpuCount = r?.perGpu.length ?? 0
  const perGpuOverhead = b && gpuCount > 0 ? b.overheadBytes / gpuCount : fitMarginBytes
  return {
    answer,
    settings,
    contextLength: settings?.contextLength ?? answer.settings.contextLength,
    parallel: settings?.parallel ?? answer.settings.parallel,
    // Not fully on the GPU alone: count what a full load would need, the bytes a resident set must hold.
    weightsBytes: (fits ? b.weightsGpuBytes : answer.model.weightsBytes) + projectorOnGpuBytes(settings),
    kvCacheBytes: b ? b.kvCacheBytes + (fits ? 0 : b.kvCacheHostBytes) : 0,
    computeBufferBytes: b?.computeBufferBytes ?? 0,
    cudaContextBytes: perGpuOverhead - fitMarginBytes,
    // No GPU in the lab at all: nothing holds the model.
    aloneVerdict: r?.verdict ?? 'does-not-fit',
    tokensPerSecond: r?.tokensPerSecond ?? null,
    trainingBytes: r?.trainingBreakdown?.totalGpuBytes ?? null,
  }
}
