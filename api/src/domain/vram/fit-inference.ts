/**
 * One inference answer for one GPU set: placement, verdict, breakdown, largest context, speed,
 * load time.
 */
import type { Catalog } from '../catalog/catalog.ts'
import { linkBetween } from '../catalog/network.ts'
import type { KvCacheType } from './ggml-types.ts'
import { computeBufferBytes, outputBufferBytes } from './compute-buffer.ts'
import { KV_PAD_CELLS, kvBytesByLayer } from './kv-cache.ts'
import { gpuOverheadBytes } from './backend-costs.ts'
import {
  bestPlacement, expertOffloadPlacement, memoryKey, overheadOf, place, type FitModel, type Placement, type PlacementGpu,
} from './placement.ts'
import type { InferenceBreakdown, VramFitResult } from './schemas.ts'
import { targetOf, type LabGpu } from './targets.ts'
import type { Architecture } from './tensors.ts'
import { CPU_EXPERT_EFFICIENCY, decodeTokensPerSecond, MOE_LAYER_SECONDS, type SpeedResult } from './throughput.ts'
import { round } from '../catalog/units.ts'
import { loadSecondsFromNode } from '../storage/load.ts'
import type { WeightLayout } from './weights.ts'

export interface InferenceSettings {
  /** Cells of one KV stream (runtimes.ts turns -c / num_ctx into streams). */
  contextLength: number
  kvCacheType: KvCacheType
  cacheTypeV?: KvCacheType
  flashAttention: boolean
  /** KV streams. */
  parallel: number
  sequencesPerStream?: number
  ubatch: number
  /** -nkvo: the KV cache stays in host memory. */
  noKvOffload?: boolean
  /** Per-GPU bytes the runtime keeps free beyond the CUDA context and planner margin. */
  reservedBytes?: number
  /** -ts proportions, one per GPU of the set. */
  tensorSplit?: number[] | null
}

/**
 * One FitModel per architecture, weight layout and settings (the settings object as JSON, so a
 * setting added later is part of the key): every GPU set of a request, and the context search,
 * then share place()'s answers instead of recomputing them per card of a library ranking.
 */
const fitModels = new WeakMap<Architecture, WeakMap<WeightLayout, Map<string, FitModel>>>()

export function fitModel(a: Architecture, w: WeightLayout, s: InferenceSettings): FitModel {
  let byLayout = fitModels.get(a)
  if (!byLayout) fitModels.set(a, (byLayout = new WeakMap()))
  let bySettings = byLayout.get(w)
  if (!bySettings) byLayout.set(w, (bySettings = new Map()))
  const key = JSON.stringify(s)
  const known = bySettings.get(key)
  if (known) return known
  const kv = kvBytesByLayer(a, s)
  const kvByLayer = s.noKvOffload ? kv.map(() => 0) : kv
  const fm = { layers: a.layers, weights: w, kvByLayer, computeBytes: computeBufferBytes(a, s) }
  bySettings.set(key, fm)
  return fm
}

const placementGpus = (set: LabGpu[], s: InferenceSettings) =>
  set.map((g, i) => ({
    vramBytes: g.model.vramBytes, overheadBytes: gpuOverheadBytes(g.backend), bandwidthGBps: g.model.memoryBandwidthGBps,
    node: g.node.id, reservedBytes: s.reservedBytes ?? 0, splitWeight: s.tensorSplit?.[i],
  }))

/** Answers of maxFullContext per FitModel and GPU memory: equal for every library card of one size. */
const maxContexts = new WeakMap<FitModel, Map<string, number | null>>()

/** Largest multiple of 256 (≤ the model's max) at which everything still fits on the GPUs. */
export function maxFullContext(a: Architecture, w: WeightLayout, s: InferenceSettings, set: LabGpu[]): number | null {
  const gpus = placementGpus(set, s)
  const base = fitModel(a, w, s)
  let known = maxContexts.get(base)
  if (!known) maxContexts.set(base, (known = new Map()))
  const key = memoryKey(gpus)
  if (!known.has(key)) known.set(key, searchFullContext(a, w, s, gpus))
  return known.get(key)!
}

function searchFullContext(a: Architecture, w: WeightLayout, s: InferenceSettings, gpus: PlacementGpu[]): number | null {
  const fits = (ctx: number) => place(fitModel(a, w, { ...s, contextLength: ctx }), gpus, a.layers + 1).fits
  let lo = 0
  let hi = Math.floor(a.maxContextLength / KV_PAD_CELLS)
  if (hi === 0 || !fits(KV_PAD_CELLS)) return null
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    if (fits(mid * KV_PAD_CELLS)) lo = mid
    else hi = mid - 1
  }
  return lo * KV_PAD_CELLS
}

function breakdownOf(p: Placement, a: Architecture, parallel: number): InferenceBreakdown {
  const sum = (k: 'weightsBytes' | 'kvCacheBytes' | 'computeBufferBytes' | 'overheadBytes' | 'totalBytes' | 'freeBytes') =>
    p.perGpu.reduce((s, g) => s + g[k], 0)
  return {
    weightsGpuBytes: sum('weightsBytes'),
    weightsHostBytes: p.weightsHostBytes,
    kvCacheBytes: sum('kvCacheBytes'),
    kvCacheHostBytes: p.kvCacheHostBytes,
    computeBufferBytes: sum('computeBufferBytes'),
    outputBufferBytes: outputBufferBytes(a, parallel),
    overheadBytes: sum('overheadBytes'),
    totalGpuBytes: sum('totalBytes'),
    freeGpuBytes: sum('freeBytes'),
  }
}

/**
 * Disk → GPU as the storage planner prices it (the slowest of drive read, drive link and GPU
 * link on the main node); shares of a cross-node split then cross the LAN.
 */
function loadTime(catalog: Catalog, set: LabGpu[], p: Placement, w: WeightLayout, linkMbps: number | null) {
  const main = set[0]!
  const local = loadSecondsFromNode(catalog, main.node.id, w.fileBytes, main.model.pcie)
  if (!local) {
    return { loadSeconds: null, loadSecondsReason: `${main.node.name} lists no drive of known speed (its storage has no drive model), so the read rate is unknown` }
  }
  const remote = p.perGpu.filter((_, i) => set[i]!.node.id !== main.node.id).reduce((s, g) => s + g.weightsBytes, 0)
  const remoteSeconds = remote > 0 && linkMbps !== null ? remote / ((linkMbps * 1e6) / 8) : 0
  return { loadSeconds: round(local.seconds + remoteSeconds, 1), loadSecondsReason: null }
}

function crossNodeLink(catalog: Catalog, set: LabGpu[]): { crossNode: boolean; linkMbps: number | null } {
  const nodes = [...new Set(set.map((g) => g.node.id))]
  if (nodes.length < 2) return { crossNode: false, linkMbps: null }
  const rates = nodes.slice(1).map((n) => linkBetween(catalog, nodes[0]!, n)?.effectiveMbps ?? null)
  return { crossNode: true, linkMbps: rates.some((r) => r === null) ? null : Math.min(...(rates as number[])) }
}

function notesFor(p: Placement, a: Architecture, crossNode: boolean, linkMbps: number | null): string[] {
  const notes: string[] = []
  if (p.cpuMoeLayers > 0) {
    const k = p.cpuMoeLayers
    notes.push(`MoE expert offload: --n-cpu-moe ${k}; experts of layers ${k === 1 ? '0' : `0-${k - 1}`} run on the CPU (η_cpu = ${CPU_EXPERT_EFFICIENCY} of host bandwidth); attention, the other experts and the output head stay on the GPU.`)
  }
  if (p.gpuLayers > 0 && p.gpuLayers <= a.layers) {
    const cpuLayers = a.layers - p.gpuLayers
    const where = cpuLayers > 0 ? `layers 0–${cpuLayers - 1} and the output head run` : 'the output head runs'
    notes.push(`Partial offload: -ngl ${p.gpuLayers} of ${a.layers + 1}; ${where} on the CPU.`)
  }
  if (crossNode) {
    notes.push('A cross-node split needs llama.cpp rpc-server (llama.cpp#6829); Ollama cannot do it (ollama#4643).')
    if (linkMbps !== null) notes.push(`Each token crosses the ${linkMbps} Mb/s inter-node link once per node boundary.`)
  }
  if (a.moe) notes.push(`MoE decode speed: the dense η = 0.74 for the bytes read plus ${MOE_LAYER_SECONDS * 1e6} µs per MoE layer and token (router and expert dispatch, fitted to published llama-bench runs).`)
  return notes
}

const gib = (bytes: number) => round(bytes / 2 ** 30, 2)

function noFullFitNote(w: WeightLayout, gpus: PlacementGpu[]): string {
  const weights = w.layerBytes.reduce((x, y) => x + y, 0) + w.outputBytes
  const usable = gpus.reduce((x, g) => x + g.vramBytes - overheadOf(g), 0)
  const why = weights > usable ? `the weights alone need ${gib(weights)} GiB` : `weights (${gib(weights)} GiB) plus the compute buffer and 256 cells of KV exceed it`
  return `No context fits fully (maxContextLength null): ${gib(usable)} GiB usable after overhead, and ${why}.`
}

type SpeedAt = (p: Placement, position: number) => SpeedResult

/**
 * The placement to answer with: all on the GPUs if that fits; for MoE, else expert offload
 * (llama.cpp --fit tries it first, vram.md §5.4) unless plain -ngl decodes faster; else -ngl.
 * With unknown host bandwidth both speeds are null and expert offload, --fit's choice, wins.
 */
function choosePlacement(fm: FitModel, gpus: PlacementGpu[], speedAt: SpeedAt): Placement {
  const layers = bestPlacement(fm, gpus)
  if (layers.gpuLayers === fm.layers + 1) return layers
  const experts = expertOffloadPlacement(fm, gpus)
  if (!experts) return layers
  const layersSpeed = layers.gpuLayers > 0 ? speedAt(layers, 0).tokensPerSecond : null
  const expertsSpeed = speedAt(experts, 0).tokensPerSecond
  return layersSpeed !== null && (expertsSpeed === null || layersSpeed > expertsSpeed) ? layers : experts
}

export function fitInference(catalog: Catalog, a: Architecture, w: WeightLayout, s: InferenceSettings, set: LabGpu[]): VramFitResult {
  const fm = fitModel(a, w, s)
  const gpus = placementGpus(set, s)
  const { crossNode, linkMbps } = crossNodeLink(catalog, set)
  const host = set[0]!.node.platform.hostMemoryBandwidthGBps
  const speedOf: SpeedAt = (placement, position) => decodeTokensPerSecond({ arch: a, fm, placement, gpus, hostBandwidthGBps: host, kv: s, position, linkMbps, kvOnHost: s.noKvOffload ?? false })
  const p = choosePlacement(fm, gpus, speedOf)
  const verdict = p.gpuLayers === a.layers + 1 && p.cpuMoeLayers === 0 ? 'fits' : p.gpuLayers > 0 ? 'partial-offload' : 'does-not-fit'
  const empty = speedOf(p, 0)
  const full = speedOf(p, s.contextLength)
  const missingLink = crossNode && linkMbps === null
  const maxContext = maxFullContext(a, w, s, set)
  const notes = notesFor(p, a, crossNode, linkMbps)
  if (maxContext === null) notes.push(noFullFitNote(w, gpus))
  return {
    target: targetOf(set, crossNode),
    verdict,
    gpuLayers: p.gpuLayers,
    cpuMoeLayers: p.cpuMoeLayers > 0 ? p.cpuMoeLayers : null,
    totalLayers: a.layers + 1,
    // The logits buffer holds a row per sequence: every slot, also those sharing a unified stream.
    breakdown: breakdownOf(p, a, s.parallel * (s.sequencesPerStream ?? 1)),
    trainingBreakdown: null,
    perGpu: p.perGpu.map((g, i) => ({
      node: set[i]!.node.id, gpu: set[i]!.model.slug,
      layers: g.endLayer > g.firstLayer ? { first: g.firstLayer, last: g.endLayer - 1 } : null,
      holdsOutput: g.holdsOutput, weightsBytes: g.weightsBytes, kvCacheBytes: g.kvCacheBytes, computeBufferBytes: g.computeBufferBytes,
      overheadBytes: g.overheadBytes, totalBytes: g.totalBytes, freeBytes: g.freeBytes,
    })),
    maxContextLength: maxContext,
    settings: null,
    hostMemory: null,
    tokensPerSecond: verdict === 'does-not-fit' || missingLink ? null : empty.tokensPerSecond,
    tokensPerSecondAtFullContext: verdict === 'does-not-fit' || missingLink ? null : full.tokensPerSecond,
    tokensPerSecondReason: missingLink ? 'no network link joins these nodes' : verdict === 'does-not-fit' ? 'not even one layer fits on the GPU' : empty.reason,
    ...loadTime(catalog, set, p, w, linkMbps),
    notes,
  }
}
