/**
 * One inference answer for one GPU set: placement, verdict, breakdown, largest context, speed,
 * load time.
 */
import type { Catalog } from '../catalog/catalog.ts'
import { linkBetween } from '../catalog/network.ts'
import type { KvCacheType } from './ggml-types.ts'
import { computePhases, outputBufferBytes } from './compute-buffer.ts'
import { KV_PAD_CELLS, kvBytesByLayer } from './kv-cache.ts'
import { gpuOverheadBytes } from './backend-costs.ts'
import {
  bestPlacement,
  expertOffloadPlacement,
  ffnMatrices,
  memoryKey,
  overheadOf,
  place,
  splitLayers,
  type FitModel,
  type Placement,
  type PlacementGpu,
} from './placement.ts'
import type { InferenceBreakdown, VramFitResult } from './schemas.ts'
import { targetLabel, targetOf, type LabGpu } from './targets.ts'
import type { Architecture } from './tensors.ts'
import {
  CPU_EXPERT_EFFICIENCY,
  decodeTokensPerSecond,
  MOE_LAYER_SECONDS,
  type SpeedResult,
} from './throughput.ts'
import { round } from '../catalog/units.ts'
import { loadSecondsFromNode } from '../storage/load.ts'
import type { WeightLayout } from './weights.ts'
import { sideModelBytes, type SideModels } from './side-models.ts'

const NO_SIDE_MODELS: SideModels = { projector: null, draft: null }

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

/** What the runtime can do with a GPU set, and what it loads next to the model. */
export interface FitOptions {
  /**
   * Split one model across nodes (llama.cpp rpc-server, tools/rpc); default true. Ollama cannot
   * (ollama#4643): with false, a GPU set spanning nodes is planned on the GPUs of one node only.
   */
  crossNodeSplit?: boolean
  /** Projector and draft model on the main GPU (side-models.ts). */
  side?: SideModels
}

/**
 * One FitModel per architecture, weight layout, settings and side models (the settings object as
 * JSON, so a setting added later is part of the key): every GPU set of a request, and the context
 * search, then share one FitModel instead of recomputing it per card of a library ranking.
 */
const fitModels = new WeakMap<Architecture, WeakMap<WeightLayout, Map<string, FitModel>>>()

export function fitModel(
  a: Architecture,
  w: WeightLayout,
  s: InferenceSettings,
  side: SideModels = NO_SIDE_MODELS,
): FitModel {
  let byLayout = fitModels.get(a)
  if (!byLayout) fitModels.set(a, (byLayout = new WeakMap()))
  let bySettings = byLayout.get(w)
  if (!bySettings) byLayout.set(w, (bySettings = new Map<string, FitModel>()))
  const { projectorBytes, draftModelBytes } = sideModelBytes(side, s)
  const mainGpuExtraBytes = projectorBytes + draftModelBytes
  const key = `${JSON.stringify(s)}|${mainGpuExtraBytes}`
  const known = bySettings.get(key)
  if (known) return known
  const kv = kvBytesByLayer(a, s)
  const kvByLayer = s.noKvOffload ? kv.map(() => 0) : kv
  const fm = {
    layers: a.layers,
    weights: w,
    kvByLayer,
    phases: computePhases(a, s),
    ...ffnMatrices(w, a.layers),
    mainGpuExtraBytes,
  }
  bySettings.set(key, fm)
  return fm
}

type SpeedGpu = PlacementGpu & { bandwidthGBps: number; node: string }

/** Each GPU with its own backend's fixed costs (backend-costs.ts) and the runtime's reserve. */
const placementGpus = (set: LabGpu[], s: InferenceSettings): SpeedGpu[] =>
  set.map((g, i) => ({
    vramBytes: g.model.vramBytes,
    overheadBytes: gpuOverheadBytes(g.backend),
    bandwidthGBps: g.model.memoryBandwidthGBps,
    node: g.node.id,
    reservedBytes: s.reservedBytes ?? 0,
    splitWeight: s.tensorSplit?.[i],
  }))

/** Answers of maxFullContext per FitModel and GPU set: equal for every library card of one size. */
const maxContexts = new WeakMap<FitModel, Map<string, number | null>>()

/**
 * The GPU orders a set can be split in: every subset (a GPU that would hold nothing is left out,
 * so adding a GPU never loses a layer), in the set's order and reversed (which GPU ends with the
 * output head). Sets of more than 4 GPUs, and sets given a -ts split (llama.cpp uses every
 * device of it, in its order), are only tried whole. Subsets spanning nodes are dropped when the
 * runtime cannot split across nodes.
 */
function candidateOrders(gpus: SpeedGpu[], crossNodeSplit: boolean): number[][] {
  const n = gpus.length
  const subsets: number[][] = []
  if (n > 4 || gpus.some((g) => g.splitWeight !== undefined)) subsets.push(gpus.map((_, i) => i))
  else {
    for (let mask = 1; mask < 1 << n; mask++)
      subsets.push(gpus.flatMap((_, i) => (mask & (1 << i) ? [i] : [])))
  }
  const oneNode = (idx: number[]) => new Set(idx.map((i) => gpus[i]!.node)).size === 1
  const allowed = subsets.filter((idx) => crossNodeSplit || oneNode(idx))
  return allowed.flatMap((idx) => (idx.length > 1 ? [idx, [...idx].reverse()] : [idx]))
}

/** A placement over a subset, with device and share indices mapped back to the whole set. */
function remap(p: Placement, order: number[]): Placement {
  return {
    ...p,
    devices: p.devices.map((d) => (d === -1 ? -1 : order[d]!)),
    perGpu: p.perGpu.map((g) => ({ ...g, gpuIndex: order[g.gpuIndex]! })),
  }
}

/** Largest multiple of 256 (≤ the model's max) at which everything still fits on the GPUs. */
export function maxFullContext(
  a: Architecture,
  w: WeightLayout,
  s: InferenceSettings,
  set: LabGpu[],
  opts: FitOptions = {},
): number | null {
  const gpus = placementGpus(set, s)
  const side = opts.side ?? NO_SIDE_MODELS
  const base = fitModel(a, w, s, side)
  let known = maxContexts.get(base)
  if (!known) maxContexts.set(base, (known = new Map<string, number | null>()))
  const crossNodeSplit = opts.crossNodeSplit ?? true
  // Which subsets are tried depends on the nodes only when the runtime cannot split across them.
  const key = `${memoryKey(gpus)}|${crossNodeSplit ? '' : gpus.map((g) => g.node).join(',')}`
  if (!known.has(key)) known.set(key, searchFullContext(a, w, s, gpus, crossNodeSplit, side))
  return known.get(key)!
}

function searchFullContext(
  a: Architecture,
  w: WeightLayout,
  s: InferenceSettings,
  gpus: SpeedGpu[],
  crossNodeSplit: boolean,
  side: SideModels,
): number | null {
  const orders = candidateOrders(gpus, crossNodeSplit)
  const fits = (ctx: number) => {
    const fm = fitModel(a, w, { ...s, contextLength: ctx }, side)
    return orders.some(
      (o) =>
        splitLayers(
          fm,
          o.map((i) => gpus[i]!),
          a.layers + 1,
        ) !== null,
    )
  }
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

function breakdownOf(
  p: Placement,
  a: Architecture,
  s: InferenceSettings,
  side: SideModels,
): InferenceBreakdown {
  const sum = (
    k: 'weightsBytes' | 'kvCacheBytes' | 'computeBufferBytes' | 'overheadBytes' | 'totalBytes' | 'freeBytes',
  ) => p.perGpu.reduce((s, g) => s + g[k], 0)
  return {
    weightsGpuBytes: sum('weightsBytes'),
    weightsHostBytes: p.weightsHostBytes,
    kvCacheBytes: sum('kvCacheBytes'),
    kvCacheHostBytes: p.kvCacheHostBytes,
    computeBufferBytes: sum('computeBufferBytes'),
    // The logits buffer holds a row per sequence: every slot, also those sharing a unified stream.
    outputBufferBytes: outputBufferBytes(a, s.parallel * (s.sequencesPerStream ?? 1)),
    overheadBytes: sum('overheadBytes'),
    ...sideModelBytes(side, s),
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
    return {
      loadSeconds: null,
      loadSecondsReason:
        `${main.node.name} lists no drive of known speed (its ` +
        `storage has no drive model), so the read rate is unknown`,
    }
  }
  const remote = p.perGpu
    .filter((g) => set[g.gpuIndex]!.node.id !== main.node.id)
    .reduce((s, g) => s + g.weightsBytes, 0)
  const remoteSeconds = remote > 0 && linkMbps !== null ? remote / ((linkMbps * 1e6) / 8) : 0
  return { loadSeconds: round(local.seconds + remoteSeconds, 1), loadSecondsReason: null }
}

function crossNodeLink(catalog: Catalog, set: LabGpu[]): { crossNode: boolean; linkMbps: number | null } {
  const nodes = [...new Set(set.map((g) => g.node.id))]
  if (nodes.length < 2) return { crossNode: false, linkMbps: null }
  const rates = nodes.slice(1).map((n) => linkBetween(catalog, nodes[0]!, n)?.effectiveMbps ?? null)
  return {
    crossNode: true,
    linkMbps: rates.some((r) => r === null) ? null : Math.min(...(rates as number[])),
  }
}

function splitNotes(p: Placement, set: LabGpu[], a: Architecture, crossNodeSplit: boolean): string[] {
  const notes: string[] = []
  const used = new Set(p.perGpu.map((g) => g.gpuIndex))
  const left = set.filter((_, i) => !used.has(i))
  if (left.length > 0 && p.perGpu.length > 0) {
    const names = left.map((g) => targetLabel([g])).join(', ')
    const why = crossNodeSplit
      ? 'holds no layer in the best split'
      : 'is on another node and this runtime cannot split across nodes'
    notes.push(`${names} ${why}: left out, so it pays no CUDA context or compute buffer.`)
  }
  if (p.perGpu.length > 1) {
    const counts = p.perGpu.map((g) => g.endLayer - g.firstLayer + (g.holdsOutput ? 1 : 0))
    const order = p.perGpu.map((g) => targetLabel([set[g.gpuIndex]!])).join(', ')
    const head = p.perGpu.some((g) => g.holdsOutput) ? ', the output head on the last' : ''
    const held = counts.reduce((x, y) => x + y, 0)
    notes.push(
      `Layer split, in device order ${order}: -ts ${counts.join(',')} (${held} of ${a.layers + 1} layers${head}).`,
    )
  }
  return notes
}

function notesFor(p: Placement, a: Architecture, crossNode: boolean, linkMbps: number | null): string[] {
  const notes: string[] = []
  if (p.cpuMoeLayers > 0) {
    const k = p.cpuMoeLayers
    notes.push(
      `MoE expert offload: --n-cpu-moe ${k}; experts of layers ${k === 1 ? '0' : `0-${k - 1}`} ` +
        `run on the CPU (η_cpu = ${CPU_EXPERT_EFFICIENCY} of host bandwidth, ` +
        `/research/vram-formulas/#tokens-per-second); ` +
        `attention, the other experts and the output head stay on the GPU.`,
    )
  }
  if (p.gpuLayers > 0 && p.gpuLayers <= a.layers) {
    const cpuLayers = a.layers - p.gpuLayers
    const where = cpuLayers > 0 ? `layers 0–${cpuLayers - 1} and the output head run` : 'the output head runs'
    notes.push(`Partial offload: -ngl ${p.gpuLayers} of ${a.layers + 1}; ${where} on the CPU.`)
  }
  if (crossNode) {
    notes.push(
      'A cross-node split needs llama.cpp rpc-server (llama.cpp#6829); Ollama cannot do it (ollama#4643).',
    )
    if (linkMbps !== null)
      notes.push(`Each token crosses the ${linkMbps} Mb/s inter-node link once per node boundary.`)
  }
  if (a.moe)
    notes.push(
      `MoE decode speed: the dense η = 0.74 for the bytes read plus ${MOE_LAYER_SECONDS * 1e6} ` +
        `µs per MoE layer and token (router and expert dispatch, fitted ` +
        `to published llama-bench runs, /research/vram-formulas/#tokens-per-second).`,
    )
  return notes
}

const gib = (bytes: number) => round(bytes / 2 ** 30, 2)

function noFullFitNote(w: WeightLayout, gpus: PlacementGpu[]): string {
  const weights = w.layerBytes.reduce((x, y) => x + y, 0) + w.outputBytes
  const usable = gpus.reduce((x, g) => x + g.vramBytes - overheadOf(g), 0)
  const why =
    weights > usable
      ? `the weights alone need ${gib(weights)} GiB`
      : `weights (${gib(weights)} GiB) plus the compute buffer and 256 cells of KV exceed it`
  return `No context fits fully (maxContextLength null): ${gib(usable)} GiB usable after overhead, and ${why}.`
}

type SpeedAt = (p: Placement, position: number) => SpeedResult

/**
 * The placement to answer with: all on the GPUs if that fits; for MoE, else expert offload
 * (llama.cpp --fit tries it first, docs/research/vram-formulas.md#placement) unless plain -ngl
 * decodes faster; else -ngl.
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

/** 2 = everything on the GPUs, 1 = partial offload, 0 = nothing fits. */
const rank = (fm: FitModel, p: Placement) =>
  p.gpuLayers === fm.layers + 1 && p.cpuMoeLayers === 0 ? 2 : p.gpuLayers > 0 ? 1 : 0

/**
 * Best over every candidate order: fits before partial, then faster, then more of the model on
 * the GPUs, then fewer GPUs. A superset's candidates include its subsets', so adding a GPU never
 * makes the answer worse.
 */
function bestOverOrders(
  fm: FitModel,
  gpus: SpeedGpu[],
  crossNodeSplit: boolean,
  speedAt: SpeedAt,
): Placement {
  let best: { p: Placement; speed: number | null; size: number } | null = null
  for (const order of candidateOrders(gpus, crossNodeSplit)) {
    const subset = order.map((i) => gpus[i]!)
    const p = remap(
      choosePlacement(fm, subset, (q, pos) => speedAt(remap(q, order), pos)),
      order,
    )
    const speed = p.gpuLayers > 0 ? speedAt(p, 0).tokensPerSecond : null
    if (!best || better({ p, speed, size: order.length }, best, fm)) best = { p, speed, size: order.length }
  }
  return best?.p ?? place(fm, gpus, 0)
}

function better(x: { p: Placement; speed: number | null; size: number }, y: typeof x, fm: FitModel): boolean {
  const r = rank(fm, x.p) - rank(fm, y.p)
  if (r !== 0) return r > 0
  if (x.speed !== null && y.speed !== null && x.speed !== y.speed) return x.speed > y.speed
  const layers = x.p.gpuLayers - x.p.cpuMoeLayers - (y.p.gpuLayers - y.p.cpuMoeLayers)
  if (layers !== 0) return layers > 0
  return x.size < y.size
}

export function fitInference(
  catalog: Catalog,
  a: Architecture,
  w: WeightLayout,
  s: InferenceSettings,
  set: LabGpu[],
  opts: FitOptions = {},
): VramFitResult {
  const side = opts.side ?? NO_SIDE_MODELS
  const crossNodeSplit = opts.crossNodeSplit ?? true
  const fm = fitModel(a, w, s, side)
  const gpus = placementGpus(set, s)
  const { crossNode, linkMbps } = crossNodeLink(catalog, set)
  const host = set[0]!.node.platform.hostMemoryBandwidthGBps
  const spansNodes = (q: Placement) => new Set(q.perGpu.map((g) => set[g.gpuIndex]!.node.id)).size > 1
  const speedOf: SpeedAt = (placement, position) =>
    spansNodes(placement) && linkMbps === null
      ? { tokensPerSecond: null, reason: 'no network link joins these nodes' }
      : decodeTokensPerSecond({
          arch: a,
          fm,
          placement,
          gpus,
          hostBandwidthGBps: host,
          kv: s,
          position,
          linkMbps,
          kvOnHost: s.noKvOffload ?? false,
        })
  const p = bestOverOrders(fm, gpus, crossNodeSplit, speedOf)
  const splitsNodes = spansNodes(p)
  const verdict =
    p.gpuLayers === a.layers + 1 && p.cpuMoeLayers === 0
      ? 'fits'
      : p.gpuLayers > 0
        ? 'partial-offload'
        : 'does-not-fit'
  const empty = speedOf(p, 0)
  const full = speedOf(p, s.contextLength)
  const missingLink = splitsNodes && linkMbps === null
  const maxContext = maxFullContext(a, w, s, set, opts)
  const notes = [...splitNotes(p, set, a, crossNodeSplit), ...notesFor(p, a, splitsNodes, linkMbps)]
  if (maxContext === null) notes.push(noFullFitNote(w, gpus))
  return {
    target: targetOf(set, crossNode),
    verdict,
    gpuLayers: p.gpuLayers,
    cpuMoeLayers: p.cpuMoeLayers > 0 ? p.cpuMoeLayers : null,
    totalLayers: a.layers + 1,
    breakdown: breakdownOf(p, a, s, side),
    trainingBreakdown: null,
    perGpu: p.perGpu.map((g) => ({
      node: set[g.gpuIndex]!.node.id,
      gpu: set[g.gpuIndex]!.model.slug,
      layers: g.endLayer > g.firstLayer ? { first: g.firstLayer, last: g.endLayer - 1 } : null,
      holdsOutput: g.holdsOutput,
      weightsBytes: g.weightsBytes,
      kvCacheBytes: g.kvCacheBytes,
      computeBufferBytes: g.computeBufferBytes,
      overheadBytes: g.overheadBytes,
      sideModelsBytes: g.sideModelsBytes,
      totalBytes: g.totalBytes,
      freeBytes: g.freeBytes,
    })),
    maxContextLength: maxContext,
    settings: null,
    hostMemory: null,
    tokensPerSecond: verdict === 'does-not-fit' || missingLink ? null : empty.tokensPerSecond,
    tokensPerSecondAtFullContext: verdict === 'does-not-fit' || missingLink ? null : full.tokensPerSecond,
    tokensPerSecondReason: missingLink
      ? 'no network link joins these nodes'
      : verdict === 'does-not-fit'
        ? 'not even one layer fits on the GPU'
        : empty.reason,
    ...loadTime(catalog, set, p, w, linkMbps),
    notes,
  }
}
