/**
 * POST /api/v1/plan/vram-fit, as a pure function: does a model fit the lab's GPUs, how
 * (full, partial offload, split), how large a context, how fast. Bad input the schema cannot
 * see throws PlanInputError; "does not fit" is an answer, never an error.
 */
import type { Catalog } from '../catalog/catalog.ts'
import { PlanInputError } from '../plan-input-error.ts'
import { assumptionsFor } from './assumptions.ts'
import { backendAssumptions } from './backend-costs.ts'
import { NO_NODE } from './gpu-targets.ts'
import { fitInference, maxFullContext } from './fit-inference.ts'
import { hostMemoryOf, withHostMemory } from './host-memory.ts'
import {
  applyRuntime,
  checkRuntimeRequest,
  RUNTIME_PROFILES,
  toInferenceSettings,
  type AppliedSettings,
  type RuntimeProfile,
} from './runtimes.ts'
import { checkQuantization, resolveModel, weightsOf, type ResolvedModel } from './resolve-model.ts'
import type { VramFitAnswer, VramFitRequest, VramFitResult } from './schemas.ts'
import { labGpus, resolveTargets, targetLabel, targetOf, type LabGpu } from './targets.ts'
import { trainingMemory } from './training.ts'
import { resolveSideModels, type SideModels } from './side-models.ts'
import { modelAssumptions } from './model-assumptions.ts'
import { round } from '../catalog/units.ts'
import type { WeightLayout } from './weights.ts'

function checkRequest(r: ResolvedModel, req: VramFitRequest): string[] {
  const a = r.arch
  const warnings: string[] = []
  // Inference reads contextLength, fine-tuning sequenceLength: the model's limit bounds both.
  const [field, tokens] =
    req.mode === 'inference' ? ['contextLength', req.contextLength] : ['sequenceLength', req.sequenceLength]
  if (tokens !== undefined && tokens > a.maxContextLength) {
    throw new PlanInputError(
      'invalid',
      `/${field}`,
      `${field} ${tokens} exceeds ${r.name}'s maximum of ${a.maxContextLength} tokens (with RoPE scaling).`,
    )
  }
  if (tokens !== undefined && tokens > a.contextLength) {
    warnings.push(
      req.mode === 'inference' && req.runtime === 'ollama'
        ? `contextLength ${tokens} is beyond the trained ${a.contextLength} tokens: Ollama caps num_ctx at ` +
            `${a.contextLength} (llm/server.go); use runtime llama.cpp or llama-server with RoPE scaling for more.`
        : `${field} ${tokens} is beyond the trained ${a.contextLength} tokens: it ` +
            `needs the model's RoPE scaling (YaRN / llama3), and quality may drop.`,
    )
  }
  if (req.mode === 'inference') checkRuntimeRequest(req)
  if (r.quantizationSource === 'default') warnings.push('No quantization given: Q4_K_M assumed.')
  if (r.nonExpertType) {
    warnings.push(
      `The Ollama tag is its own recipe: MXFP4 experts, every other matrix ${r.nonExpertType} ` +
        "(llama-quantize's MXFP4_MOE would make them Q8_0).",
    )
  }
  return warnings
}

/** llama-context.cpp: "V cache quantization requires flash_attn"; a quantized K alone is allowed. */
function checkFlashAttention(s: AppliedSettings, req: VramFitRequest, set: LabGpu[]): void {
  if (s.flashAttention || s.cacheTypeV === 'f16' || s.cacheTypeV === 'f32' || s.cacheTypeV === 'bf16') return
  const field = req.cacheTypeV ? '/cacheTypeV' : '/kvCacheType'
  const why =
    req.flashAttention === false ? 'flashAttention is false' : `flash attention is off on ${targetLabel(set)}`
  throw new PlanInputError(
    'invalid',
    field,
    `cache type ${s.cacheTypeV} for V needs flash attention, and ${why}: ` +
      'llama.cpp cannot use a quantized V cache without it; set flashAttention true or an f16 V cache.',
  )
}

const VERDICT_RANK = { fits: 0, 'partial-offload': 1, 'does-not-fit': 2 } as const

/** Fits first, then faster, then fewer GPUs (a split buys capacity, not speed). */
function compareResults(x: VramFitResult, y: VramFitResult): number {
  return (
    VERDICT_RANK[x.verdict] - VERDICT_RANK[y.verdict] ||
    (y.tokensPerSecond ?? -1) - (x.tokensPerSecond ?? -1) ||
    x.target.gpus.length - y.target.gpus.length
  )
}

function recommend(results: VramFitResult[]): VramFitAnswer['recommendation'] {
  const best = results[0]
  if (!best || best.verdict === 'does-not-fit') return null
  const speed = best.tokensPerSecond === null ? '' : `, about ${best.tokensPerSecond} tokens/s`
  const how =
    best.verdict === 'fits'
      ? 'fits entirely in VRAM'
      : best.cpuMoeLayers !== null
        ? `runs with the MoE experts of ${best.cpuMoeLayers} of ${best.totalLayers - 1} ` +
          `layers on the CPU (--n-cpu-moe ${best.cpuMoeLayers})`
        : `runs with ${best.gpuLayers} of ${best.totalLayers} layers on the GPU`
  const targetId = best.target.gpus.map((g) => `${g.node}/${g.gpu}`).join('+')
  return { targetId, target: best.target.label, reason: `${best.target.label} ${how}${speed}.` }
}

function fitTraining(r: ResolvedModel, w: WeightLayout, req: VramFitRequest, set: LabGpu[]): VramFitResult {
  const mode = req.mode as 'full' | 'lora' | 'qlora'
  const m = trainingMemory(r.arch, w, { ...req, mode, flashAttention: req.flashAttention ?? true })
  const smallest = set.reduce((a, b) => (b.model.vramBytes < a.model.vramBytes ? b : a))
  const notes: string[] = []
  if (set.length > 1)
    notes.push(
      'Several GPUs: data parallel (DDP), every GPU holds a full replica; sharding (FSDP/ZeRO) is not modelled.',
    )
  if (!smallest.model.supportsFlashAttention2)
    notes.push(
      `${smallest.model.name}: no FlashAttention-2 (needs Ampere); PyTorch SDPA memory-efficient attention assumed.`,
    )
  if (!smallest.model.supportsBf16)
    notes.push(`${smallest.model.name}: no BF16; fp16 mixed precision with loss scaling (same bytes).`)
  const free = smallest.model.vramBytes - m.totalGpuBytes
  return {
    target: targetOf(set, isCrossNode(set)),
    verdict: free >= 0 ? 'fits' : 'does-not-fit',
    gpuLayers: null,
    cpuMoeLayers: null,
    totalLayers: r.arch.layers + 1,
    breakdown: null,
    trainingBreakdown: { ...m, freeGpuBytes: free },
    perGpu: [],
    maxContextLength: null,
    settings: null,
    hostMemory: null,
    tokensPerSecond: null,
    tokensPerSecondAtFullContext: null,
    tokensPerSecondReason: 'training throughput is not modelled',
    loadSeconds: null,
    loadSecondsReason: 'not computed for training',
    notes,
  }
}

/**
 * Eager attention grows with context² × batch, compute buffers with ubatch × context × heads:
 * absurd but schema-valid inputs can pass 2^53 bytes (8 PiB), where integers stop being exact
 * and no plan means anything. Refuse them rather than answer with rounded numbers.
 */
function assertExactBytes(results: VramFitResult[]): void {
  const inexact = results.some((r) =>
    [r.breakdown, r.trainingBreakdown].some(
      (b) => b && Object.values(b).some((v) => typeof v === 'number' && !Number.isSafeInteger(v)),
    ),
  )
  if (inexact) {
    throw new PlanInputError(
      'invalid',
      '',
      'This request needs more than 8 PiB of GPU memory (2^53 bytes): lower contextLength, ' +
        "sequenceLength, microBatch, parallel, ubatch or the model's dimensions.",
    )
  }
}

/** What a library ranking assumed: where the cards sit and what is therefore not priced. */
function libraryWarning(targets: VramFitRequest['targets'], cards: number): string | null {
  if (targets === 'all' || Array.isArray(targets)) return null
  const node = targets === 'library' ? undefined : targets.library.node
  if (node !== undefined)
    return `targets "library": ${cards} library cards, each alone in ${node.toUpperCase()}'s GPU slot.`
  return (
    `targets "library": ${cards} library cards, each alone in no node: load time and layers left ` +
    `on the CPU are not priced; give {"library": {"node": "<node>"}} to place them in a lab node.`
  )
}

/** A what-if set's assumptions go with its result; a card without a node has no drive to load from. */
function withWhatIf(set: LabGpu[], result: VramFitResult): VramFitResult {
  const notes = [...result.notes, ...set.flatMap((g) => g.notes)]
  // The catalog knows a node's GPU slot only through the card in it; a card added beside it
  // usually sits in a narrower slot, which the load time cannot see.
  const beside = set.filter(
    (g) => g.hypothetical && set.some((o) => o !== g && o.node === g.node && o.node !== NO_NODE),
  )
  for (const g of beside)
    notes.push(
      `${g.model.name} is a second card in ${g.node.name}: it was priced in the slot ` +
        `of the GPU already there; a second slot is often narrower (check the board).`,
    )
  if (set[0]!.node !== NO_NODE || result.loadSeconds !== null || result.trainingBreakdown !== null)
    return { ...result, notes }
  return {
    ...result,
    notes,
    loadSecondsReason: 'the card is planned in no node, so no drive prices the load; give "node"',
  }
}

const isCrossNode = (set: LabGpu[]) => new Set(set.map((g) => g.node.id)).size > 1

/**
 * A cross-node set under a runtime without RPC: planned on its best single node (the split search
 * drops cross-node subsets), so adding another node's GPU never lowers what the set holds.
 */
function onOneNode(result: VramFitResult, runtime: RuntimeProfile): VramFitResult {
  const why =
    `${runtime.name} has no llama.cpp RPC, so it cannot split one model across nodes (ollama/ollama#4643): ` +
    'planned on one node of the set; runtime llama.cpp or llama-server can split it over rpc-server.'
  return { ...result, notes: [why, ...result.notes] }
}

function fitWithRuntime(
  catalog: Catalog,
  r: ResolvedModel,
  w: WeightLayout,
  req: VramFitRequest,
  set: LabGpu[],
  all: LabGpu[],
  side: SideModels,
): VramFitResult {
  // A runtime without RPC: the split search drops cross-node subsets (onOneNode says so).
  const opts = { crossNodeSplit: RUNTIME_PROFILES[req.runtime].crossNode, side }
  const largest = (s: AppliedSettings) => {
    const inf = toInferenceSettings(req.runtime, s)
    const max = maxFullContext(r.arch, w, inf, set, opts)
    return max === null || s.kvUnified ? max : max * s.parallel
  }
  // A projector is what an Ollama tag's blob holds; llama.cpp loads one only with --mmproj.
  const files = {
    weightsBytes: w.fileBytes,
    ollamaProjectorBytes: req.runtime === 'ollama' ? r.ollamaProjectorBytes : 0,
  }
  const applied = applyRuntime(req, r.arch, files, set, all, largest)
  checkFlashAttention(applied, req, set)
  const s = toInferenceSettings(req.runtime, applied)
  const result = { ...fitInference(catalog, r.arch, w, s, set, opts), settings: applied }
  const mmap = !(req.runtime === 'ollama' && result.gpuLayers === 0)
  const projectorHostBytes = applied.projector && !applied.projector.onGpu ? applied.projector.bytes : 0
  return withHostMemory(result, hostMemoryOf(result, r.arch, s, set, { mmap, projectorHostBytes }))
}

function checkTensorSplit(req: VramFitRequest, sets: LabGpu[][]): void {
  const n = sets[0]?.length ?? 0
  if (req.tensorSplit && req.tensorSplit.length !== n) {
    throw new PlanInputError(
      'invalid',
      '/tensorSplit',
      `tensorSplit has ${req.tensorSplit.length} shares, and the ` +
        `targets name ${n} GPUs (${targetLabel(sets[0]!)}): one share per GPU.`,
    )
  }
}

export function planVramFit(req: VramFitRequest, catalog: Catalog): VramFitAnswer {
  const r = resolveModel(catalog.llmModels, req.model, req.quantization, req.imatrix)
  checkQuantization(r)
  const warnings = [...r.warnings, ...checkRequest(r, req)]
  const w = weightsOf(r)
  const side = resolveSideModels(req, catalog, r)
  const runtime = RUNTIME_PROFILES[req.runtime]
  const all = labGpus(catalog)
  let sets = resolveTargets(catalog, req.targets)
  if (req.mode !== 'inference' && req.targets === 'all') sets = sets.filter((s) => s.length === 1)
  if (req.mode === 'inference' && req.targets === 'all' && !runtime.crossNode && sets.some(isCrossNode)) {
    sets = sets.filter((s) => !isCrossNode(s))
    warnings.push(
      `${runtime.name} cannot split a model across nodes (no llama.cpp RPC), so cross-node GPU sets ` +
        'are left out; runtime llama.cpp or llama-server plans them.',
    )
  }
  if (req.mode === 'inference') checkTensorSplit(req, sets)
  const results = sets
    .map((set) => {
      if (req.mode !== 'inference') return withWhatIf(set, fitTraining(r, w, req, set))
      const fit = withWhatIf(set, fitWithRuntime(catalog, r, w, req, set, all, side))
      return isCrossNode(set) && !runtime.crossNode ? onOneNode(fit, runtime) : fit
    })
    .sort(compareResults)
  const library = libraryWarning(req.targets, results.length)
  if (library) warnings.push(library)
  assertExactBytes(results)
  const first = results.find((x) => x.settings)?.settings
  const k = first?.cacheTypeK ?? req.cacheTypeK ?? req.kvCacheType ?? 'f16'
  return {
    model: {
      id: r.id,
      name: r.name,
      quantization: r.file ? r.file.fileType : r.quantization,
      imatrix: r.imatrix,
      weightsBytes: w.fileBytes,
      parameterCount: w.parameterCount,
      bitsPerWeight: round((w.fileBytes * 8) / w.parameterCount, 3),
      bytesByType: w.bytesByType,
    },
    runtime: {
      id: runtime.id,
      name: runtime.name,
      basis: runtime.basis,
      crossNode: runtime.crossNode,
      notes: runtime.notes,
      sources: runtime.sources,
    },
    settings: {
      contextLength: first?.contextLength ?? req.contextLength ?? r.arch.contextLength,
      kvCacheType: k,
      cacheTypeK: k,
      cacheTypeV: first?.cacheTypeV ?? req.cacheTypeV ?? k,
      flashAttention: first?.flashAttention ?? req.flashAttention ?? true,
      parallel: first?.parallel ?? req.parallel ?? 1,
      ubatch: first?.ubatch ?? req.ubatch ?? 512,
      mode: req.mode,
    },
    results,
    recommendation: recommend(results),
    warnings,
    assumptions: [
      ...assumptionsFor(req.mode),
      ...(req.mode === 'inference' ? backendAssumptions() : []),
      ...modelAssumptions(r, side),
    ],
  }
}
