/**
 * The lab's one contact with the VRAM planner: each model of a service is sized by
 * planVramFit on that service's GPU with the runtime's settings, and the answer is reduced to
 * the terms a resident set adds up (weights, KV, compute buffer; the CUDA context and the
 * margin are counted by the residency step, once per runner and once per GPU).
 */
import { PlanInputError } from '../plan-input-error.ts'
import { planVramFit } from '../vram/plan-vram-fit.ts'
import { findModel } from '../vram/resolve-model.ts'
import { CUDA_CONTEXT_BYTES, GPU_MARGIN_BYTES } from '../vram/placement.ts'
import { VramFitRequestSchema, type VramFitAnswer, type VramFitRequest, type VramFitRequestInput } from '../vram/schemas.ts'
import type { LabContext, LabGpu, LabService } from './context.ts'
import type { ServiceModel } from './schemas.ts'

export { CUDA_CONTEXT_BYTES, GPU_MARGIN_BYTES }

/**
 * Ollama's defaults: 1 parallel sequence, f16 KV cache, 3 loaded models per GPU
 * (docs.ollama.com/faq; envconfig/config.go); flash attention "auto", which llama.cpp turns on
 * for CUDA; the context by the GPUs' VRAM (ollama docs/context-length.mdx: < 24 GiB 4k,
 * 24-48 GiB 32k, >= 48 GiB 256k), capped at the model's trained context.
 */
const OLLAMA_DEFAULTS = { parallel: 1, kvCacheType: 'f16', flashAttention: true, maxLoadedPerGpu: 3 } as const
const GIB = 1024 ** 3
const OLLAMA_CONTEXT_BY_VRAM = [[48 * GIB, 262_144], [24 * GIB, 32_768], [0, 4096]] as const

/** The Ollama server settings a service runs with: its environment, else Ollama's defaults for its GPUs. */
export function ollamaSettings(s: LabService) {
  const o = s.service.ollama ?? {}
  const vram = s.gpus.reduce((sum, g) => sum + g.model.vramBytes, 0)
  return {
    maxLoadedModels: o.OLLAMA_MAX_LOADED_MODELS ?? OLLAMA_DEFAULTS.maxLoadedPerGpu * Math.max(1, s.gpus.length),
    parallel: o.OLLAMA_NUM_PARALLEL ?? OLLAMA_DEFAULTS.parallel,
    kvCacheType: o.OLLAMA_KV_CACHE_TYPE ?? OLLAMA_DEFAULTS.kvCacheType,
    flashAttention: o.OLLAMA_FLASH_ATTENTION ?? OLLAMA_DEFAULTS.flashAttention,
    contextLength: o.OLLAMA_CONTEXT_LENGTH ?? OLLAMA_CONTEXT_BY_VRAM.find(([min]) => vram >= min)![1],
    /** Whether the context is Ollama's VRAM-based default (then capped at the model's own). */
    contextIsDefault: o.OLLAMA_CONTEXT_LENGTH === undefined,
  }
}
/** llama-server's defaults (llama.cpp common/common.h: n_ctx 4096, n_parallel 1; --flash-attn auto is on for CUDA). */
export const LLAMA_SERVER_DEFAULTS = { ctxSize: 4096, parallel: 1, kvCacheType: 'f16', flashAttention: true } as const
/** The VRAM planner's fine-tuning defaults, restated: 2048 tokens per sample, micro-batch 1. */
const FINETUNE_DEFAULTS = { sequenceLength: 2048, microBatch: 1 } as const

interface ModelTerms {
  answer: VramFitAnswer
  contextLength: number
  parallel: number
  /** Bytes with every layer on the GPU: what a resident model occupies. */
  weightsBytes: number
  kvCacheBytes: number
  computeBufferBytes: number
  aloneVerdict: 'fits' | 'partial-offload' | 'does-not-fit'
  tokensPerSecond: number | null
  /** finetune: everything the job holds on the GPU, overhead included. */
  trainingBytes: number | null
}

/** The VRAM request a service's model makes, with the runtime's settings and where each came from. */
function requestOf(ctx: LabContext, s: LabService, m: ServiceModel): { request: VramFitRequestInput; settingPointer: string } {
  const svc = s.service
  const base = { model: m.model, ...(m.quantization ? { quantization: m.quantization } : {}) }
  if (svc.runtime === 'finetune') {
    return {
      request: { ...base, mode: m.mode, sequenceLength: m.sequenceLength ?? FINETUNE_DEFAULTS.sequenceLength, microBatch: m.microBatch ?? FINETUNE_DEFAULTS.microBatch },
      settingPointer: `${s.pointer}/models`,
    }
  }
  if (svc.runtime === 'llama-server') {
    const f = svc.llamaServer ?? {}
    const parallel = m.parallel ?? f.parallel ?? LLAMA_SERVER_DEFAULTS.parallel
    // --ctx-size is the total over the slots; each sequence gets ctxSize / parallel.
    const total = m.contextLength ? m.contextLength * parallel : (f.ctxSize ?? LLAMA_SERVER_DEFAULTS.ctxSize)
    return {
      request: { ...base, contextLength: Math.max(1, Math.floor(total / parallel)), parallel, kvCacheType: f.cacheType ?? LLAMA_SERVER_DEFAULTS.kvCacheType, flashAttention: f.flashAttn ?? LLAMA_SERVER_DEFAULTS.flashAttention },
      settingPointer: `${s.pointer}/llamaServer`,
    }
  }
  const o = ollamaSettings(s)
  // Ollama never loads more context than the model was trained for when the length is its default.
  const trained = o.contextIsDefault && !m.contextLength ? findModel(ctx.catalog.llmModels, m.model).model.contextLength : Infinity
  return {
    request: {
      ...base,
      contextLength: m.contextLength ?? Math.min(o.contextLength, trained),
      parallel: m.parallel ?? o.parallel,
      kvCacheType: o.kvCacheType,
      flashAttention: o.flashAttention,
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
  const at = ['model', 'quantization', 'contextLength', 'sequenceLength'].includes(field) ? `${modelPointer}/${field}` : settingPointer
  throw new PlanInputError('invalid', at, err.message)
}

/** The terms of one service model on the service's GPUs; memoised per plan (summaries, drives and config reuse them). */
export function sizeModel(ctx: LabContext, s: LabService, modelIndex: number): ModelTerms {
  const key = `vram:${s.index}:${modelIndex}`
  const known = ctx.memo.get(key) as ModelTerms | undefined
  if (known) return known
  const terms = computeTerms(ctx, s, modelIndex, s.gpus)
  ctx.memo.set(key, terms)
  return terms
}

/** The VRAM planner's answer for one request, shared by every service that asks the same (same model, settings, GPU). */
function vramAnswer(ctx: LabContext, request: VramFitRequest, modelPointer: string, settingPointer: string): VramFitAnswer {
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
  let prepared: ReturnType<typeof requestOf>
  try {
    prepared = requestOf(ctx, s, m)
  } catch (err) {
    repoint(err, modelPointer, `${s.pointer}/ollama`)
  }
  const { request, settingPointer } = prepared
  // A service without a GPU is still sized (its model files fill its store): on the lab's first GPU.
  const sizedOn = gpus.length > 0 ? gpus : ctx.gpus.slice(0, 1)
  const parsed = VramFitRequestSchema.safeParse({ ...request, targets: sizedOn.length > 0 ? [...new Set(sizedOn.map((g) => targetOf(ctx, g)))] : 'all' })
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new PlanInputError('invalid', modelPointer, `${issue.path.join('.') || 'model'}: ${issue.message}`)
  }
  const answer = vramAnswer(ctx, parsed.data, modelPointer, settingPointer)
  const r = answer.results[0]
  const b = r?.breakdown ?? null
  const fits = r?.verdict === 'fits' && b !== null
  return {
    answer,
    contextLength: answer.settings.contextLength,
    parallel: answer.settings.parallel,
    // Not fully on the GPU alone: count what a full load would need, the bytes a resident set must hold.
    weightsBytes: fits ? b.weightsGpuBytes : answer.model.weightsBytes,
    kvCacheBytes: b ? b.kvCacheBytes + (fits ? 0 : b.kvCacheHostBytes) : 0,
    computeBufferBytes: b?.computeBufferBytes ?? 0,
    // No GPU in the lab at all: nothing holds the model.
    aloneVerdict: r?.verdict ?? 'does-not-fit',
    tokensPerSecond: r?.tokensPerSecond ?? null,
    trainingBytes: r?.trainingBreakdown?.totalGpuBytes ?? null,
  }
}
