/**
 * POST /api/v1/plan/vram-fit, as a pure function: does a model fit the lab's GPUs, how
 * (full, partial offload, split), how large a context, how fast. Bad input the schema cannot
 * see throws PlanInputError; "does not fit" is an answer, never an error.
 */
import type { Catalog } from '../catalog/catalog.ts'
import { PlanInputError } from '../plan-input-error.ts'
import { assumptionsFor } from './assumptions.ts'
import { fitInference } from './fit-inference.ts'
import { checkQuantization, resolveModel, weightsOf, type ResolvedModel } from './resolve-model.ts'
import type { VramFitAnswer, VramFitRequest, VramFitResult } from './schemas.ts'
import { resolveTargets, targetLabel, type LabGpu } from './targets.ts'
import { trainingMemory } from './training.ts'
import { resolveSideModels } from './side-models.ts'
import { modelAssumptions } from './model-assumptions.ts'
import { round } from '../catalog/units.ts'
import type { WeightLayout } from './weights.ts'

function checkRequest(r: ResolvedModel, req: VramFitRequest): string[] {
  const a = r.arch
  const warnings: string[] = []
  // Inference reads contextLength, fine-tuning sequenceLength: the model's limit bounds both.
  const [field, tokens] = req.mode === 'inference' ? ['contextLength', req.contextLength] : ['sequenceLength', req.sequenceLength]
  if (tokens > a.maxContextLength) {
    throw new PlanInputError('invalid', `/${field}`, `${field} ${tokens} exceeds ${r.name}'s maximum of ${a.maxContextLength} tokens (with RoPE scaling).`)
  }
  if (tokens > a.contextLength) {
    warnings.push(`${field} ${tokens} is beyond the trained ${a.contextLength} tokens: it needs the model's RoPE scaling (YaRN / llama3), and quality may drop.`)
  }
  if (req.kvCacheType !== 'f16' && !req.flashAttention) {
    throw new PlanInputError('invalid', '/kvCacheType', `kvCacheType ${req.kvCacheType} needs flashAttention: llama.cpp cannot use a quantized V cache without flash attention; set flashAttention true or kvCacheType f16.`)
  }
  if (r.quantizationSource === 'default') warnings.push('No quantization given: Q4_K_M assumed.')
  return warnings
}

const VERDICT_RANK = { fits: 0, 'partial-offload': 1, 'does-not-fit': 2 } as const

/** Fits first, then faster, then fewer GPUs (a split buys capacity, not speed). */
function compareResults(x: VramFitResult, y: VramFitResult): number {
  return VERDICT_RANK[x.verdict] - VERDICT_RANK[y.verdict]
    || (y.tokensPerSecond ?? -1) - (x.tokensPerSecond ?? -1)
    || x.target.gpus.length - y.target.gpus.length
}

function recommend(results: VramFitResult[]): VramFitAnswer['recommendation'] {
  const best = results[0]
  if (!best || best.verdict === 'does-not-fit') return null
  const speed = best.tokensPerSecond === null ? '' : `, about ${best.tokensPerSecond} tokens/s`
  const how = best.verdict === 'fits' ? 'fits entirely in VRAM'
    : best.cpuMoeLayers !== null ? `runs with the MoE experts of ${best.cpuMoeLayers} of ${best.totalLayers - 1} layers on the CPU (--n-cpu-moe ${best.cpuMoeLayers})`
    : `runs with ${best.gpuLayers} of ${best.totalLayers} layers on the GPU`
  return { target: best.target.label, reason: `${best.target.label} ${how}${speed}.` }
}

function fitTraining(r: ResolvedModel, w: WeightLayout, req: VramFitRequest, set: LabGpu[]): VramFitResult {
  const mode = req.mode as 'full' | 'lora' | 'qlora'
  const m = trainingMemory(r.arch, w, { ...req, mode })
  const smallest = set.reduce((a, b) => (b.model.vramBytes < a.model.vramBytes ? b : a))
  const notes: string[] = []
  if (set.length > 1) notes.push('Several GPUs: data parallel (DDP), every GPU holds a full replica; sharding (FSDP/ZeRO) is not modelled.')
  if (!smallest.model.supportsFlashAttention2) notes.push(`${smallest.model.name}: no FlashAttention-2 (needs Ampere); PyTorch SDPA memory-efficient attention assumed.`)
  if (!smallest.model.supportsBf16) notes.push(`${smallest.model.name}: no BF16; fp16 mixed precision with loss scaling (same bytes).`)
  const free = smallest.model.vramBytes - m.totalGpuBytes
  return {
    target: { label: targetLabel(set), crossNode: new Set(set.map((g) => g.node.id)).size > 1, gpus: set.map((g) => ({ node: g.node.id, gpu: g.model.slug, name: g.model.name, vramBytes: g.model.vramBytes, memoryBandwidthGBps: g.model.memoryBandwidthGBps })) },
    verdict: free >= 0 ? 'fits' : 'does-not-fit',
    gpuLayers: null,
    cpuMoeLayers: null,
    totalLayers: r.arch.layers + 1,
    breakdown: null,
    trainingBreakdown: { ...m, freeGpuBytes: free },
    perGpu: [],
    maxContextLength: null,
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
    [r.breakdown, r.trainingBreakdown].some((b) => b && Object.values(b).some((v) => typeof v === 'number' && !Number.isSafeInteger(v)))
  )
  if (inexact) {
    throw new PlanInputError('invalid', '', 'This request needs more than 8 PiB of GPU memory (2^53 bytes): lower contextLength, sequenceLength, microBatch, parallel, ubatch or the model\'s dimensions.')
  }
}

export function planVramFit(req: VramFitRequest, catalog: Catalog): VramFitAnswer {
  const r = resolveModel(catalog.llmModels, req.model, req.quantization)
  checkQuantization(r)
  const warnings = [...r.warnings, ...checkRequest(r, req)]
  const w = weightsOf(r)
  const side = resolveSideModels(req, catalog, r)
  let sets = resolveTargets(catalog, req.targets)
  if (req.mode !== 'inference' && req.targets === 'all') sets = sets.filter((s) => s.length === 1)
  const results = sets
    .map((set) => (req.mode === 'inference' ? fitInference(catalog, r.arch, w, req, set, side) : fitTraining(r, w, req, set)))
    .sort(compareResults)
  assertExactBytes(results)
  return {
    model: {
      id: r.id, name: r.name, quantization: r.file ? r.file.fileType : r.quantization, weightsBytes: w.fileBytes, parameterCount: w.parameterCount,
      bitsPerWeight: round((w.fileBytes * 8) / w.parameterCount, 3), bytesByType: w.bytesByType as Record<string, number>,
    },
    settings: { contextLength: req.contextLength, kvCacheType: req.kvCacheType, flashAttention: req.flashAttention, parallel: req.parallel, ubatch: req.ubatch, mode: req.mode },
    results,
    recommendation: recommend(results),
    warnings,
    assumptions: [...assumptionsFor(req.mode), ...modelAssumptions(r, side)],
  }
}
