/**
 * Runtime profiles: how Ollama, llama-server and llama.cpp's CLI tools really run a model, read
 * from their current source, so that a plan uses the context, batch, slots, KV layout and
 * margins the runtime picks when the request leaves them out. Every value the profile supplies
 * is returned with the rule it came from (`fromProfile`).
 *
 * Ollama: main @ fb30760 (Aug 2026), which runs llama.cpp b10488 as llama-server
 * (LLAMA_CPP_VERSION). llama.cpp: common/common.h, common/arg.cpp, tools/server/server.cpp.
 */
import { z } from 'zod'
import { GIB, MIB, type KvCacheType } from './ggml-types.ts'
import { PlanInputError } from '../plan-input-error.ts'
import { GPU_MARGIN_BYTES } from './placement.ts'
import type { Architecture } from './tensors.ts'
import type { Targets } from './target-schemas.ts'
import type { LabGpu } from './targets.ts'
import type { InferenceSettings } from './fit-inference.ts'

export const RUNTIMES = ['ollama', 'llama-server', 'llama.cpp'] as const
export type Runtime = (typeof RUNTIMES)[number]

export const RuntimeSchema = z.enum(RUNTIMES).meta({
  id: 'Runtime',
  description:
    'ollama (default): Ollama ≥ v0.30, which runs llama-server with its own defaults; llama-server: ' +
    "llama.cpp's server with its defaults (4 slots, unified KV, --fit); llama.cpp: llama-cli " +
    'defaults (1 sequence, --fit)',
})

const OLLAMA = 'https://github.com/ollama/ollama/blob/main'
const LLAMA = 'https://github.com/ggml-org/llama.cpp/blob/master'

export interface RuntimeProfile {
  id: Runtime
  name: string
  /** The source revision the profile was read from. */
  basis: string
  /** A layer split across nodes over llama.cpp RPC (rpc-server). */
  crossNode: boolean
  /** One type for K and V (OLLAMA_KV_CACHE_TYPE) instead of --cache-type-k / --cache-type-v. */
  singleKvType: boolean
  kvCacheTypes: readonly KvCacheType[]
  /** -ts and -nkvo are llama.cpp command-line options; Ollama has neither. */
  tensorSplit: boolean
  noKvOffload: boolean
  /** Memory --fit keeps free on each device (common.h fit_params_target, LLAMA_ARG_FIT_TARGET). */
  fitMarginBytes: number
  notes: string[]
  sources: string[]
}

const LLAMA_KV_TYPES: readonly KvCacheType[] = [
  'f32',
  'f16',
  'bf16',
  'q8_0',
  'q4_0',
  'q4_1',
  'iq4_nl',
  'q5_0',
  'q5_1',
]
/** common/common.h: `fit_params_target = 1024 * 1024*1024` per device. */
const FIT_MARGIN_BYTES = 1024 * MIB
/** common/common.h: `fit_params_min_ctx = 4096`, the smallest context --fit shrinks to. */
export const FIT_MIN_CONTEXT = 4096
/** tools/server/server.cpp: `n_parallel < 0` (auto) becomes 4 slots with kv_unified = true. */
const LLAMA_SERVER_AUTO_SLOTS = 4
/** common/common.h n_ubatch. */
const LLAMA_UBATCH = 512
const FIT_NOTE =
  'Without -c: the trained context; --fit (on by default) shrinks it to what fits, never below 4096, ' +
  'then offloads layers, keeping 1024 MiB free per GPU.'

/** What llama-server and llama-cli share: one llama.cpp build, the same flags and --fit. */
const LLAMA_CPP_COMMON = {
  basis: 'ggml-org/llama.cpp master (2026)',
  crossNode: true,
  singleKvType: false,
  kvCacheTypes: LLAMA_KV_TYPES,
  tensorSplit: true,
  noKvOffload: true,
  fitMarginBytes: FIT_MARGIN_BYTES,
} satisfies Partial<RuntimeProfile>
/** The notes after each llama.cpp runtime's own first line (its slots). */
const LLAMA_CPP_NOTES = [
  FIT_NOTE,
  'n_ubatch 512, --flash-attn auto, --cache-type-k/-v f16.',
  'A cross-node split runs over rpc-server (llama.cpp RPC).',
]

export const RUNTIME_PROFILES: Record<Runtime, RuntimeProfile> = {
  ollama: {
    id: 'ollama',
    name: 'Ollama',
    basis: 'ollama/ollama main @ fb30760 (2026-08-21), llama.cpp b10488 (LLAMA_CPP_VERSION)',
    crossNode: false,
    singleKvType: true,
    kvCacheTypes: ['f16', 'q8_0', 'q4_0'],
    tensorSplit: false,
    noKvOffload: false,
    fitMarginBytes: FIT_MARGIN_BYTES,
    notes: [
      "Default num_ctx by the node's total VRAM: ≥ 47 GiB 262144, ≥ 23 GiB 32768, else 4096 " +
        "(OLLAMA_CONTEXT_LENGTH overrides), capped at the model's trained context.",
      'Runs llama-server with -c num_ctx·np -np np (one KV stream per parallel request, OLLAMA_NUM_PARALLEL, ' +
        'default 1), --flash-attn auto and one --cache-type-k/-v from OLLAMA_KV_CACHE_TYPE; no -ngl, so ' +
        'llama.cpp --fit places the layers.',
      'Automatic num_batch (-b and -ub): 512; 1024 above 4096 tokens, 2048 above 32768 while the predicted ' +
        'VRAM leaves headroom; 256 on CUDA without flash attention on cards of ≤ 8 GiB above 4096 tokens.',
      'Every loaded model is its own llama-server process, with its own CUDA context on each GPU it uses.',
      "A vision model's projector goes to the GPU with 1 GiB headroom (LLAMA_ARG_FIT_TARGET = projector " +
        '+ 1 GiB), or stays on the CPU when VRAM is short.',
      'No cross-node split: Ollama has no llama.cpp RPC (ollama/ollama#4643).',
    ],
    sources: [
      `${OLLAMA}/server/routes.go (vram-based default context)`,
      `${OLLAMA}/server/sched.go (load, automaticGenerationBatch, effectiveLlamaServerContext)`,
      `${OLLAMA}/llm/server.go (NewLlamaServer: num_ctx capped at the trained context)`,
      `${OLLAMA}/llm/llama_server.go (startLlamaServer flags, mmprojOffloadHeadroom, PredictServerVRAM)`,
      `${OLLAMA}/envconfig/config.go (OLLAMA_NUM_PARALLEL, OLLAMA_KV_CACHE_TYPE, OLLAMA_FLASH_ATTENTION)`,
      `${OLLAMA}/ml/device.go (FlashAttentionSupported)`,
      `${OLLAMA}/docs/faq.mdx (K/V cache types)`,
    ],
  },
  'llama-server': {
    id: 'llama-server',
    name: 'llama-server (llama.cpp)',
    ...LLAMA_CPP_COMMON,
    notes: [
      'Without -np: 4 slots sharing one unified KV cache of n_ctx cells; with -np N: N streams of n_ctx / N cells.',
      ...LLAMA_CPP_NOTES,
    ],
    sources: [
      `${LLAMA}/tools/server/server.cpp (n_parallel auto → 4, kv_unified)`,
      `${LLAMA}/common/common.h (n_ctx, n_ubatch, fit_params_target, fit_params_min_ctx)`,
      `${LLAMA}/common/arg.cpp (--cache-type-k/-v, -ts, -nkvo, --fit-target)`,
      `${LLAMA}/src/llama-kv-cache-iswa.cpp (sliding-window cells with a unified cache)`,
    ],
  },
  'llama.cpp': {
    id: 'llama.cpp',
    name: 'llama.cpp (llama-cli)',
    ...LLAMA_CPP_COMMON,
    notes: ['One sequence (-np 1); with -np N, N streams of n_ctx / N cells each.', ...LLAMA_CPP_NOTES],
    sources: [
      `${LLAMA}/common/common.h (n_ctx, n_parallel, n_ubatch, fit_params_target, fit_params_min_ctx)`,
      `${LLAMA}/common/arg.cpp (--cache-type-k/-v, -ts, -nkvo, --fit-target)`,
    ],
  },
}

/** What the request says about the runtime's settings; undefined = the profile decides. */
export interface RuntimeRequest {
  runtime: Runtime
  contextLength?: number | undefined
  kvCacheType?: KvCacheType | undefined
  cacheTypeK?: KvCacheType | undefined
  cacheTypeV?: KvCacheType | undefined
  flashAttention?: boolean | undefined
  parallel?: number | undefined
  ubatch?: number | undefined
  noKvOffload: boolean
  tensorSplit?: number[] | undefined
  targets: Targets
}

/** The settings one GPU set runs with, as the request and the runtime give them. */
export interface AppliedSettings {
  /** num_ctx (Ollama, per sequence) or -c (llama.cpp, all slots). */
  contextLength: number
  ubatch: number
  parallel: number
  kvUnified: boolean
  flashAttention: boolean
  cacheTypeK: KvCacheType
  cacheTypeV: KvCacheType
  noKvOffload: boolean
  tensorSplit: number[] | null
  fitMarginBytes: number
  /** The vision projector an Ollama tag holds, and where Ollama puts it; null = none. */
  projector: { bytes: number; onGpu: boolean } | null
  fromProfile: FromProfile[]
}

interface FromProfile {
  field: string
  value: number | boolean | string
  rule: string
}

const invalid = (field: string, message: string) => new PlanInputError('invalid', `/${field}`, message)
const OTHER_RUNTIMES = 'use runtime llama-server or llama.cpp'

/** Checks that do not depend on the GPU set: what the runtime can be told at all. */
export function checkRuntimeRequest(req: RuntimeRequest): void {
  const p = RUNTIME_PROFILES[req.runtime]
  const given = [
    ['cacheTypeK', req.cacheTypeK],
    ['cacheTypeV', req.cacheTypeV],
    ['kvCacheType', req.kvCacheType],
  ] as const
  for (const [field, type] of given) {
    if (type && !p.kvCacheTypes.includes(type)) {
      throw invalid(
        field,
        `${p.name} accepts the KV cache types ${p.kvCacheTypes.join(', ')}; ${type} is not one.`,
      )
    }
  }
  const k = req.cacheTypeK ?? req.kvCacheType ?? 'f16'
  const v = req.cacheTypeV ?? req.kvCacheType ?? 'f16'
  if (p.singleKvType && k !== v) {
    throw invalid(
      'cacheTypeV',
      `${p.name} sets one type for K and V (OLLAMA_KV_CACHE_TYPE); cacheTypeK ${k} and ` +
        `cacheTypeV ${v} differ: ${OTHER_RUNTIMES} for --cache-type-k/-v.`,
    )
  }
  if (req.tensorSplit && !p.tensorSplit) {
    throw invalid('tensorSplit', `${p.name} has no tensor split (-ts): ${OTHER_RUNTIMES}.`)
  }
  if (req.noKvOffload && !p.noKvOffload)
    throw invalid('noKvOffload', `${p.name} has no -nkvo option: ${OTHER_RUNTIMES}.`)
  if (req.tensorSplit && !Array.isArray(req.targets)) {
    throw invalid(
      'tensorSplit',
      'tensorSplit needs targets listing the GPUs it splits over, one share per GPU, ' +
        'not "all" or a library ranking.',
    )
  }
}

/**
 * ml/device.go cudaFlashAttentionSupported: compute capability ≥ 6.0, except 7.2 (Jetson Xavier).
 * Other backends, and a CUDA card whose capability is not known, are not held back by it.
 */
function flashAttentionSupported(set: LabGpu[]): boolean {
  return set.every((g) => {
    if (g.backend !== 'cuda' || g.model.computeCapability === null) return true
    const [major, minor] = g.model.computeCapability.split('.').map(Number) as [number, number]
    return major >= 6 && !(major === 7 && minor === 2)
  })
}

/** server/routes.go: the default num_ctx from the total VRAM Ollama finds on the node. */
export function ollamaDefaultContext(nodeVramBytes: number): number {
  if (nodeVramBytes >= 47 * GIB) return 262_144
  if (nodeVramBytes >= 23 * GIB) return 32_768
  return 4096
}

/** llm/llama_server.go PredictServerVRAM: file + f16 KV with Dh taken as E/H, Ollama's pre-flight guess. */
function ollamaPredictedVram(a: Architecture, fileBytes: number, tokens: number): number {
  return fileBytes + 2 * a.layers * a.kvHeads * Math.floor(a.hiddenSize / a.heads) * tokens * 2
}

const BATCH_SURCHARGE = (batch: number) => (batch >= 2048 ? 2 * GIB : batch >= 1024 ? 768 * MIB : 0)
const BATCH_HEADROOM_PERCENT = (batch: number) => (batch >= 2048 ? 60 : batch >= 1024 ? 75 : 100)

/** server/sched.go automaticGenerationBatch, over the set's VRAM as the free memory Ollama reads. */
export function ollamaAutomaticBatch(
  effectiveCtx: number,
  predictedBytes: number,
  set: LabGpu[],
  flashAttention: boolean,
): number {
  if (!flashAttention) {
    const small = set.some((g) => g.model.vramBytes <= 8 * GIB)
    return effectiveCtx > 4096 && small ? 256 : 512
  }
  const available = set.reduce((s, g) => s + g.model.vramBytes, 0)
  const fits = (batch: number) => {
    const threshold = (available * 80) / 100
    return (
      predictedBytes <= threshold &&
      predictedBytes <= (available * BATCH_HEADROOM_PERCENT(batch)) / 100 &&
      BATCH_SURCHARGE(batch) <= threshold - predictedBytes
    )
  }
  let batch = effectiveCtx > 32_768 ? 2048 : effectiveCtx > 4096 ? 1024 : 512
  while (batch > 512 && !fits(batch)) batch = batch > 1024 ? 1024 : 512
  return batch
}

/** llm/llama_server.go mmprojOffloadHeadroom: 1 GiB for backend buffers beyond the projector weights. */
const PROJECTOR_HEADROOM_BYTES = GIB

/**
 * llm/llama_server.go shouldDisableMMProjOffload: the projector stays on the CPU when a GPU has less
 * than projector + 1 GiB; otherwise LLAMA_ARG_FIT_TARGET becomes projector + 1 GiB (in whole MiB).
 */
function ollamaProjector(bytes: number, set: LabGpu[]): AppliedSettings['projector'] {
  if (bytes === 0) return null
  return { bytes, onGpu: set.every((g) => g.model.vramBytes >= bytes + PROJECTOR_HEADROOM_BYTES) }
}

const nodeVram = (all: LabGpu[], node: string) =>
  all.filter((g) => g.node.id === node).reduce((s, g) => s + g.model.vramBytes, 0)

/**
 * The KV streams and cells per stream: Ollama's num_ctx is per sequence (it passes -c num_ctx·np);
 * llama.cpp's -c is split over the slots, or shared by them with a unified cache.
 */
export function toInferenceSettings(runtime: Runtime, s: AppliedSettings): InferenceSettings {
  const streams = s.kvUnified ? 1 : s.parallel
  const perStream =
    runtime === 'ollama' || streams === 1
      ? s.contextLength
      : Math.max(1, Math.floor(s.contextLength / streams))
  return {
    contextLength: perStream,
    kvCacheType: s.cacheTypeK,
    cacheTypeV: s.cacheTypeV,
    flashAttention: s.flashAttention,
    parallel: streams,
    sequencesPerStream: s.kvUnified ? s.parallel : 1,
    ubatch: s.ubatch,
    noKvOffload: s.noKvOffload,
    reservedBytes: s.fitMarginBytes - GPU_MARGIN_BYTES,
    tensorSplit: s.tensorSplit,
  }
}

/** Files the runtime loads: the GGUF weights and, for an Ollama tag, its inline projector. */
export interface RuntimeFiles {
  weightsBytes: number
  ollamaProjectorBytes: number
}

/** A value the request gave, or the profile's, recorded with its rule. */
type Pick = <T extends number | boolean | string>(
  field: string,
  given: T | undefined,
  value: T,
  rule: string,
) => T

/** What every runtime decides the same way: flash attention, KV types, -ts, -nkvo, the margin. */
type BaseSettings = Omit<AppliedSettings, 'contextLength' | 'ubatch' | 'parallel' | 'kvUnified'>

function ollamaSettings(
  req: RuntimeRequest,
  a: Architecture,
  files: RuntimeFiles,
  set: LabGpu[],
  all: LabGpu[],
  base: BaseSettings,
  pick: Pick,
): AppliedSettings {
  const projector = ollamaProjector(files.ollamaProjectorBytes, set)
  const fitMarginBytes = projector?.onGpu
    ? Math.ceil((projector.bytes + PROJECTOR_HEADROOM_BYTES) / MIB) * MIB
    : base.fitMarginBytes
  if (projector) {
    base.fromProfile.push(
      projector.onGpu
        ? {
            field: 'fitMarginBytes',
            value: fitMarginBytes,
            rule: "the tag's vision projector goes to the GPU: LLAMA_ARG_FIT_TARGET = projector + 1 GiB",
          }
        : {
            field: 'projector',
            value: 'cpu',
            rule: 'a GPU has less than projector + 1 GiB: --no-mmproj-offload, the projector stays in host memory',
          },
    )
  }
  const parallel = pick('parallel', req.parallel, 1, 'OLLAMA_NUM_PARALLEL default 1')
  const node = set[0]!.node.id
  const vram = nodeVram(all, node)
  const tier = ollamaDefaultContext(vram)
  // llm/server.go NewLlamaServer caps any num_ctx above the GGUF's context_length to it.
  const capped = req.contextLength !== undefined && req.contextLength > a.contextLength
  const rule = capped
    ? `num_ctx ${req.contextLength} is above the trained ${a.contextLength}: Ollama caps it`
    : `num_ctx ${tier} for ${Math.round((vram / GIB) * 10) / 10} GiB of VRAM on ${node}` +
      (tier > a.contextLength ? `, capped at the trained ${a.contextLength}` : '')
  const asked = capped ? undefined : req.contextLength
  const contextLength = pick('contextLength', asked, Math.min(tier, a.contextLength), rule)
  const effective = contextLength * parallel
  const predicted = ollamaPredictedVram(a, files.weightsBytes + files.ollamaProjectorBytes, effective)
  const batch = ollamaAutomaticBatch(effective, predicted, set, base.flashAttention)
  const ubatch = pick(
    'ubatch',
    req.ubatch,
    batch,
    `automatic num_batch for ${effective} tokens (-b and -ub ${batch})`,
  )
  return { ...base, fitMarginBytes, projector, contextLength, ubatch, parallel, kvUnified: false }
}

/** llama-server / llama-cli: slots, -ub, and -c = the trained context as --fit shrinks it. */
function llamaSettings(
  req: RuntimeRequest,
  a: Architecture,
  base: BaseSettings,
  pick: Pick,
  largestFullContext: (s: AppliedSettings) => number | null,
): AppliedSettings {
  const autoSlots = req.runtime === 'llama-server' && req.parallel === undefined
  const parallel = pick(
    'parallel',
    req.parallel,
    autoSlots ? LLAMA_SERVER_AUTO_SLOTS : 1,
    autoSlots ? '-np auto: 4 slots sharing a unified KV cache' : '-np default 1',
  )
  const ubatch = pick('ubatch', req.ubatch, LLAMA_UBATCH, '-ub default 512')
  const settings: AppliedSettings = {
    ...base,
    contextLength: req.contextLength ?? a.contextLength,
    ubatch,
    parallel,
    kvUnified: autoSlots,
  }
  if (req.contextLength !== undefined) return settings
  const largest = largestFullContext(settings)
  const contextLength = Math.min(a.contextLength, Math.max(FIT_MIN_CONTEXT, largest ?? FIT_MIN_CONTEXT))
  base.fromProfile.push({
    field: 'contextLength',
    value: contextLength,
    rule:
      contextLength === a.contextLength
        ? `-c default: the trained ${a.contextLength}`
        : `-c default: the trained ${a.contextLength}, shrunk by --fit to what fits (never below ${FIT_MIN_CONTEXT})`,
  })
  return { ...settings, contextLength }
}

/**
 * The settings one GPU set runs with. `largestFullContext(settings)` is the largest context at
 * which every layer fits (null: none); llama.cpp's --fit uses it for a context the request left out.
 */
export function applyRuntime(
  req: RuntimeRequest,
  a: Architecture,
  files: RuntimeFiles,
  set: LabGpu[],
  all: LabGpu[],
  largestFullContext: (s: AppliedSettings) => number | null,
): AppliedSettings {
  const p = RUNTIME_PROFILES[req.runtime]
  const fromProfile: FromProfile[] = []
  const pick: Pick = (field, given, value, rule) => {
    if (given !== undefined) return given
    fromProfile.push({ field, value, rule })
    return value
  }
  const supported = flashAttentionSupported(set)
  const flashAttention = pick(
    'flashAttention',
    req.flashAttention,
    supported,
    supported
      ? '--flash-attn auto: on, every GPU of the set supports it (CUDA compute capability ≥ 6.0)'
      : '--flash-attn auto: off, a GPU of the set has CUDA compute capability < 6.0 or 7.2',
  )
  const cacheTypeK = pick(
    'cacheTypeK',
    req.cacheTypeK ?? req.kvCacheType,
    'f16',
    p.singleKvType ? 'OLLAMA_KV_CACHE_TYPE default f16' : '--cache-type-k default f16',
  )
  const cacheTypeV = p.singleKvType
    ? pick(
        'cacheTypeV',
        req.cacheTypeV ?? req.kvCacheType,
        cacheTypeK,
        'OLLAMA_KV_CACHE_TYPE: the same type as K',
      )
    : pick('cacheTypeV', req.cacheTypeV ?? req.kvCacheType, 'f16', '--cache-type-v default f16')
  const base = {
    flashAttention,
    cacheTypeK,
    cacheTypeV,
    noKvOffload: req.noKvOffload,
    tensorSplit: req.tensorSplit ?? null,
    fitMarginBytes: p.fitMarginBytes,
    projector: null,
    fromProfile,
  }
  return req.runtime === 'ollama'
    ? ollamaSettings(req, a, files, set, all, base, pick)
    : llamaSettings(req, a, base, pick, largestFullContext)
}
