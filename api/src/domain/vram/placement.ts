/**
 * Where the layers go, mimicking llama.cpp `src/llama-model.cpp` load_tensors: with -ngl N the
 * LAST N repeating layers are offloaded (i_gpu_start = L − N), the output layer only when
 * N = L + 1, and over several GPUs (--split-mode layer) each holds one contiguous range, the last
 * GPU the output head. The ranges are chosen the way llama.cpp's `--fit` fills devices
 * (common/fit.cpp: back to front, whole layers, after each device's own fixed costs): every GPU
 * first pays its CUDA context, margin and its own compute buffer, then takes as many layers as
 * still fit. The result is a `-ts` split that never leaves a GPU empty: a GPU that would hold
 * no layer is not part of the split. MoE expert offload (`--n-cpu-moe K`) additionally keeps
 * ffn_{gate,up,down}_exps of layers 0 … K−1 in host RAM.
 * Formulas: docs/research/vram-formulas.md#placement.
 */
import { gpuComputeBufferBytes, type ComputePhases } from './compute-buffer.ts'
import { MIB } from './ggml-types.ts'
import type { WeightLayout } from './weights.ts'

/** Ollama's CUDA minimum per GPU (ml/device.go MinimumMemory, 457 MiB; llama.cpp#15860 measured 451–456). */
export const CUDA_CONTEXT_BYTES = 457 * MIB
/** Our safety margin per GPU: half of llama.cpp --fit's 1024 MiB target (common/common.h fit_params_target). */
export const GPU_MARGIN_BYTES = 512 * MIB
export const GPU_OVERHEAD_BYTES = CUDA_CONTEXT_BYTES + GPU_MARGIN_BYTES
/** ggml/src/ggml-backend.cpp GGML_SCHED_MAX_COPIES: graph-input copies under pipeline parallelism. */
export const PIPELINE_COPIES = 4

export interface PlacementGpu {
  vramBytes: number
  /** Backend context + margin on this GPU (backend-costs.ts gpuOverheadBytes); CUDA's when absent. */
  overheadBytes?: number
  /** Kept free on top of the overhead by the runtime (llama.cpp --fit's margin), runtimes.ts. */
  reservedBytes?: number
  /** -ts / --tensor-split share; when absent the split follows free memory. */
  splitWeight?: number
}

/** What a GPU keeps for itself before layers: backend context, margin and the runtime's reserve. */
export const overheadOf = (g: PlacementGpu) =>
  (g.overheadBytes ?? GPU_OVERHEAD_BYTES) + (g.reservedBytes ?? 0)

/** What a placement reads of a GPU set: each GPU's memory, fixed costs and -ts share. */
export const memoryKey = (gpus: readonly PlacementGpu[]) =>
  gpus.map((g) => `${g.vramBytes}/${overheadOf(g)}/${g.splitWeight ?? ''}`).join(',')

/** A model prepared for placement: everything that depends on model, quant and runtime settings. */
export interface FitModel {
  layers: number
  weights: WeightLayout
  kvByLayer: number[]
  phases: ComputePhases
  /** Largest FFN matrix of each layer: what op offload streams into the GPU for a host layer. */
  layerFfnMatrixBytes: number[]
  /** Largest expert tensor of each layer (0 for dense layers), for --n-cpu-moe. */
  layerExpertMatrixBytes: number[]
  /** Projector and draft model, on the main GPU (the first that holds anything) whatever -ngl is (side-models.ts). */
  mainGpuExtraBytes: number
}

type FfnMatrices = Pick<FitModel, 'layerFfnMatrixBytes' | 'layerExpertMatrixBytes'>

/** ffnMatrices depends on the weights alone: one scan of the tensor list per layout, not per context tried. */
const ffnMatricesOf = new WeakMap<WeightLayout, FfnMatrices>()

/** Per-layer largest FFN and expert matrices, from the typed tensor list. */
export function ffnMatrices(w: WeightLayout, layers: number): FfnMatrices {
  const known = ffnMatricesOf.get(w)
  if (known) return known
  const found = scanFfnMatrices(w, layers)
  ffnMatricesOf.set(w, found)
  return found
}

function scanFfnMatrices(w: WeightLayout, layers: number): FfnMatrices {
  const ffn = new Array<number>(layers).fill(0)
  const experts = new Array<number>(layers).fill(0)
  for (const t of w.tensors) {
    if (t.layer < 0 || t.layer >= layers || t.shape.length < 2 || !t.name.includes('.ffn_')) continue
    ffn[t.layer] = Math.max(ffn[t.layer]!, t.bytes)
    if (t.name.includes('_exps.')) experts[t.layer] = Math.max(experts[t.layer]!, t.bytes)
  }
  return { layerFfnMatrixBytes: ffn, layerExpertMatrixBytes: experts }
}

export interface GpuShare {
  /** Index of this GPU in the list given to the planner. */
  gpuIndex: number
  /** Repeating layers [firstLayer, endLayer); empty when firstLayer === endLayer (output head only). */
  firstLayer: number
  endLayer: number
  holdsOutput: boolean
  weightsBytes: number
  kvCacheBytes: number
  computeBufferBytes: number
  overheadBytes: number
  sideModelsBytes: number
  totalBytes: number
  freeBytes: number
}

export interface Placement {
  /** -ngl value: 0 … L + 1 (the output head counts as the last "layer"). */
  gpuLayers: number
  /** --n-cpu-moe K: the expert tensors of layers 0 … K−1 stay on the CPU (0 = none). */
  cpuMoeLayers: number
  /** Device of each of layers 0 … L (L = output head): an index into the GPU list, −1 = CPU. */
  devices: number[]
  /** The GPUs that hold something, in split order; GPUs left out of the split have no share. */
  perGpu: GpuShare[]
  weightsHostBytes: number
  kvCacheHostBytes: number
  fits: boolean
}

/** Expert bytes of layer `il` that --n-cpu-moe K keeps on the host (layers 0 … K−1). */
const hostExpertBytes = (fm: FitModel, il: number, cpuMoeLayers: number) =>
  il < cpuMoeLayers ? fm.weights.layerExpertBytes[il]! : 0

/** What the first GPU streams from the host for ops it runs on host-resident weights. */
function hostMatrices(fm: FitModel, devices: number[], cpuMoeLayers: number) {
  let ffn = 0
  for (let il = 0; il < fm.layers; il++) {
    if (devices[il] === -1) ffn = Math.max(ffn, fm.layerFfnMatrixBytes[il]!)
    else if (il < cpuMoeLayers) ffn = Math.max(ffn, fm.layerExpertMatrixBytes[il]!)
  }
  return { ffn, output: devices[fm.layers] === -1 ? fm.weights.outputBytes : 0 }
}

/** Memory one GPU needs for the layers `mine` (and the output head when `holdsOutput`). */
function shareOf(
  fm: FitModel,
  gpu: PlacementGpu,
  gpuIndex: number,
  mine: number[],
  holdsOutput: boolean,
  ctx: ShareContext,
): GpuShare {
  const layerGpuBytes = (il: number) => fm.weights.layerBytes[il]! - hostExpertBytes(fm, il, ctx.cpuMoeLayers)
  const outputBytes = holdsOutput ? fm.weights.outputBytes : 0
  const weightsBytes = mine.reduce((s, il) => s + layerGpuBytes(il), 0) + outputBytes
  const kvCacheBytes = mine.reduce((s, il) => s + fm.kvByLayer[il]!, 0)
  const first = gpuIndex === ctx.firstGpu
  const computeBufferBytes = gpuComputeBufferBytes(fm.phases, {
    holdsLayers: mine.length > 0,
    holdsOutput,
    // ggml's scheduler offloads host-weight ops to the first GPU (ggml-backend.cpp, op_offload).
    hostFfnMatrixBytes: first ? ctx.host.ffn : 0,
    hostOutputMatrixBytes: first ? ctx.host.output : 0,
    pipelineCopies: ctx.pipelineCopies,
  })
  const overheadBytes = overheadOf(gpu)
  // The main GPU (-mg, the first device of the split) also holds the projector and draft model.
  const sideModelsBytes = first ? fm.mainGpuExtraBytes : 0
  const totalBytes = weightsBytes + kvCacheBytes + computeBufferBytes + overheadBytes + sideModelsBytes
  return {
    gpuIndex,
    firstLayer: mine[0] ?? fm.layers,
    endLayer: mine.length > 0 ? mine[mine.length - 1]! + 1 : fm.layers,
    holdsOutput,
    weightsBytes,
    kvCacheBytes,
    computeBufferBytes,
    overheadBytes,
    sideModelsBytes,
    totalBytes,
    freeBytes: gpu.vramBytes - totalBytes,
  }
}

interface ShareContext {
  cpuMoeLayers: number
  firstGpu: number
  host: { ffn: number; output: number }
  pipelineCopies: number
}

/**
 * llama.cpp enables pipeline parallelism when every layer is offloaded to more than one GPU
 * (src/llama-context.cpp llama_context constructor: pipeline_parallel).
 */
function shareContext(fm: FitModel, devices: number[], gpuCount: number, cpuMoeLayers: number): ShareContext {
  const full = devices.every((d) => d !== -1) && cpuMoeLayers === 0
  const used = devices.filter((d) => d !== -1)
  return {
    cpuMoeLayers,
    firstGpu: used.length > 0 ? Math.min(...used) : 0,
    host: hostMatrices(fm, devices, cpuMoeLayers),
    pipelineCopies: full && gpuCount > 1 ? PIPELINE_COPIES : 1,
  }
}

/**
 * The ranges for -ngl `gpuLayers` over `gpus` in this order, back to front: the last GPU takes
 * the output head and as many of the last layers as fit, then the one before it, and so on.
 * null when the layers do not all fit or a GPU would be left empty (that is a smaller split).
 */
export function splitLayers(
  fm: FitModel,
  gpus: readonly PlacementGpu[],
  gpuLayers: number,
  cpuMoeLayers = 0,
): number[] | null {
  if (userSplit(gpus)) {
    // -ts given: llama.cpp splits by those shares and does not fit (common/fit.cpp skips a set split).
    const devices = proportionalDevices(fm.layers, gpuLayers, gpus)
    return placementOf(fm, gpus, devices, gpuLayers, cpuMoeLayers).fits ? devices : null
  }
  const L = fm.layers
  const start = Math.max(L - gpuLayers, 0)
  const devices = new Array<number>(L + 1).fill(-1)
  // The roles (pipeline copies, host matrices on GPU 0) are known before the ranges are.
  for (let il = start; il < Math.min(L, start + gpuLayers); il++) devices[il] = 0
  if (gpuLayers > L) devices[L] = 0
  const ctx = shareContext(fm, devices, gpus.length, cpuMoeLayers)
  const cost = (il: number) =>
    fm.weights.layerBytes[il]! - hostExpertBytes(fm, il, cpuMoeLayers) + fm.kvByLayer[il]!
  let next = L - 1 // the next repeating layer to place, walking down
  let outputLeft = gpuLayers > L
  for (let g = gpus.length - 1; g >= 0; g--) {
    const holdsOutput = outputLeft
    const role = {
      holdsOutput,
      hostFfnMatrixBytes: g === 0 ? ctx.host.ffn : 0,
      hostOutputMatrixBytes: g === 0 ? ctx.host.output : 0,
      pipelineCopies: ctx.pipelineCopies,
    }
    const vram = gpus[g]!.vramBytes
    let used =
      overheadOf(gpus[g]!) + (holdsOutput ? fm.weights.outputBytes : 0) + (g === 0 ? fm.mainGpuExtraBytes : 0)
    const headOnly = gpuComputeBufferBytes(fm.phases, { ...role, holdsLayers: false })
    if (holdsOutput && used + headOnly > vram) return null
    const withLayers = gpuComputeBufferBytes(fm.phases, { ...role, holdsLayers: true })
    let taken = 0
    while (next >= start && used + withLayers + cost(next) <= vram) {
      used += cost(next)
      devices[next--] = g
      taken++
    }
    if (holdsOutput) devices[L] = g
    outputLeft = false
    if (taken === 0 && !holdsOutput) return null
  }
  return next < start ? devices : null
}

/** Shares, host residue and verdict of a given device map. */
export function placementOf(
  fm: FitModel,
  gpus: readonly PlacementGpu[],
  devices: number[],
  gpuLayers: number,
  cpuMoeLayers: number,
): Placement {
  const ctx = shareContext(fm, devices, new Set(devices.filter((d) => d !== -1)).size, cpuMoeLayers)
  const perGpu = gpus.flatMap((g, i) => {
    const mine = devices.slice(0, fm.layers).flatMap((d, il) => (d === i ? [il] : []))
    const holdsOutput = devices[fm.layers] === i
    return mine.length > 0 || holdsOutput ? [shareOf(fm, g, i, mine, holdsOutput, ctx)] : []
  })
  let weightsHostBytes = fm.weights.inputBytes
  let kvCacheHostBytes = 0
  for (let il = 0; il < fm.layers; il++) {
    if (devices[il] !== -1) {
      weightsHostBytes += hostExpertBytes(fm, il, cpuMoeLayers)
      continue
    }
    weightsHostBytes += fm.weights.layerBytes[il]!
    kvCacheHostBytes += fm.kvByLayer[il]!
  }
  if (devices[fm.layers] === -1) weightsHostBytes += fm.weights.outputHostBytes
  const fits = perGpu.every((g) => g.freeBytes >= 0)
  return { gpuLayers, cpuMoeLayers, devices, perGpu, weightsHostBytes, kvCacheHostBytes, fits }
}

const userSplit = (gpus: readonly PlacementGpu[]) => gpus.some((g) => g.splitWeight !== undefined)

/**
 * The memory each GPU needs with `gpuLayers` offloaded. When the split fits this is the split
 * above; when it does not, the layers are spread in proportion to each GPU's usable memory
 * (llama.cpp's default split without --fit) so the answer can show by how much it overflows.
 */
export function place(
  fm: FitModel,
  gpus: readonly PlacementGpu[],
  gpuLayers: number,
  cpuMoeLayers = 0,
): Placement {
  const devices =
    splitLayers(fm, gpus, gpuLayers, cpuMoeLayers) ?? proportionalDevices(fm.layers, gpuLayers, gpus)
  return placementOf(fm, gpus, devices, gpuLayers, cpuMoeLayers)
}

/** llama.cpp's split without --fit: contiguous ranges proportional to -ts or free memory (upper_bound). */
function proportionalDevices(layers: number, gpuLayers: number, gpus: readonly PlacementGpu[]): number[] {
  const start = Math.max(layers - gpuLayers, 0)
  const active = Math.min(gpuLayers, layers + 1)
  const free = gpus.map((g) => g.splitWeight ?? Math.max(g.vramBytes - overheadOf(g), 1))
  const total = free.reduce((a, b) => a + b, 0)
  let acc = 0
  const splits = free.map((f) => (acc += f) / total)
  return Array.from({ length: layers + 1 }, (_, il) => {
    if (il < start || il - start >= active) return -1
    const idx = splits.findIndex((s) => s > (il - start) / active)
    return idx === -1 ? gpus.length - 1 : idx
  })
}

/**
 * Room for layers on these GPUs: their memory after overhead, less the smallest compute buffer a
 * GPU that holds anything has (its layer phases, or the logits phase alone) and the side models
 * of the main GPU. Every placement that
 * fits holds its GPU-resident weights and KV within it, so the searches below start where that
 * bound allows and skip tries that cannot fit (same answer, a fraction of the work: ranking the
 * whole GPU library stays inside a Workers CPU budget).
 */
function layerRoom(fm: FitModel, gpus: readonly PlacementGpu[]): number {
  const { attentionBytes, ffnBytes, logitsBytes } = fm.phases
  const minBuffer = Math.min(Math.max(attentionBytes, ffnBytes), logitsBytes)
  const room = gpus.reduce((s, g) => s + Math.max(g.vramBytes - overheadOf(g), 0), 0)
  return room - minBuffer - fm.mainGpuExtraBytes
}

/** The largest -ngl whose last layers (and output head) fit within layerRoom. */
function layerBound(fm: FitModel, gpus: readonly PlacementGpu[]): number {
  const room = layerRoom(fm, gpus)
  let need = 0
  for (let n = 1; n <= fm.layers; n++) {
    need += fm.weights.layerBytes[fm.layers - n]! + fm.kvByLayer[fm.layers - n]!
    if (need > room) return n - 1
  }
  return need + fm.weights.outputBytes > room ? fm.layers : fm.layers + 1
}

/** The smallest --n-cpu-moe K (≥ 1) whose remaining GPU weights and KV fit within layerRoom. */
function expertBound(fm: FitModel, gpus: readonly PlacementGpu[]): number {
  const room = layerRoom(fm, gpus)
  let need = fm.weights.outputBytes
  for (let il = 0; il < fm.layers; il++) need += fm.weights.layerBytes[il]! + fm.kvByLayer[il]!
  let k = 0
  while (k < fm.layers && need > room) need -= fm.weights.layerExpertBytes[k++]!
  return Math.max(k, 1)
}

/** The most layers that fit on these GPUs in this order (each holding some), or 0 layers. */
export function bestPlacement(fm: FitModel, gpus: readonly PlacementGpu[]): Placement {
  for (let n = layerBound(fm, gpus); n > 0; n--) {
    const devices = splitLayers(fm, gpus, n)
    if (devices) return placementOf(fm, gpus, devices, n, 0)
  }
  return place(fm, gpus, 0)
}

/**
 * MoE expert offload, as llama.cpp --fit tries it first for MoE (common/fit.cpp): every layer and
 * the output head on the GPUs, the expert tensors of layers 0 … K−1 in host RAM (--n-cpu-moe K);
 * the smallest K that fits, by a linear search up from expertBound (each try is O(L)).
 * null: not MoE, or not even K = L fits (then plain -ngl partial offload).
 */
export function expertOffloadPlacement(fm: FitModel, gpus: readonly PlacementGpu[]): Placement | null {
  if (!fm.weights.layerExpertBytes.some((b) => b > 0)) return null
  for (let k = expertBound(fm, gpus); k <= fm.layers; k++) {
    const devices = splitLayers(fm, gpus, fm.layers + 1, k)
    if (devices) return placementOf(fm, gpus, devices, fm.layers + 1, k)
  }
  return null
}
