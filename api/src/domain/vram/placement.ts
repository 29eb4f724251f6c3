/**
 * Where the layers go, mimicking llama.cpp `src/llama-model.cpp` load_tensors (vram.md §1.3):
 * with -ngl N the LAST N repeating layers are offloaded (i_gpu_start = L − N), the output layer
 * only when N = L + 1, and over several GPUs each gets a contiguous range proportional to its
 * free memory (`splits` + upper_bound, the default --split-mode layer). MoE expert offload
 * (`--n-cpu-moe K`) additionally keeps ffn_{gate,up,down}_exps of layers 0 … K−1 in host RAM.
 */
import { MIB } from './ggml-types.ts'
import type { WeightLayout } from './weights.ts'

/** Ollama's CUDA minimum per GPU (ml/device.go MinimumMemory, 457 MiB; llama.cpp#15860 measured 451–456). */
export const CUDA_CONTEXT_BYTES = 457 * MIB
/** Our safety margin per GPU (vram.md §4: 512 MiB for the planner; llama.cpp --fit keeps 1024). */
export const GPU_MARGIN_BYTES = 512 * MIB
export const GPU_OVERHEAD_BYTES = CUDA_CONTEXT_BYTES + GPU_MARGIN_BYTES

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
export const overheadOf = (g: PlacementGpu) => (g.overheadBytes ?? GPU_OVERHEAD_BYTES) + (g.reservedBytes ?? 0)

/** A model prepared for placement: everything that depends on model, quant and runtime settings. */
export interface FitModel {
  layers: number
  weights: WeightLayout
  kvByLayer: number[]
  computeBytes: number
}

export interface GpuShare {
  /** Repeating layers [firstLayer, endLayer); empty when firstLayer === endLayer. */
  firstLayer: number
  endLayer: number
  holdsOutput: boolean
  weightsBytes: number
  kvCacheBytes: number
  computeBufferBytes: number
  overheadBytes: number
  totalBytes: number
  freeBytes: number
}

export interface Placement {
  /** -ngl value: 0 … L + 1 (the output head counts as the last "layer"). */
  gpuLayers: number
  /** --n-cpu-moe K: the expert tensors of layers 0 … K−1 stay on the CPU (0 = none). */
  cpuMoeLayers: number
  perGpu: GpuShare[]
  weightsHostBytes: number
  kvCacheHostBytes: number
  fits: boolean
}

/** Device index of each of layers 0 … L (L = output), -1 = CPU: llama.cpp get_layer_buft_list. */
export function layerDevices(layers: number, gpuLayers: number, gpus: readonly PlacementGpu[]): number[] {
  const start = Math.max(layers - gpuLayers, 0)
  const active = Math.min(gpuLayers, layers + 1)
  const free = gpus.map((g) => g.splitWeight ?? Math.max(g.vramBytes - overheadOf(g), 1))
  const total = free.reduce((a, b) => a + b, 0)
  let acc = 0
  const splits = free.map((f) => (acc += f) / total)
  return Array.from({ length: layers + 1 }, (_, il) => {
    if (il < start || il - start >= active) return -1
    const x = (il - start) / active
    const idx = splits.findIndex((s) => s > x) // std::upper_bound
    return idx === -1 ? gpus.length - 1 : idx
  })
}

/** Expert bytes of layer `il` that --n-cpu-moe K keeps on the host (layers 0 … K−1). */
const hostExpertBytes = (fm: FitModel, il: number, cpuMoeLayers: number) => (il < cpuMoeLayers ? fm.weights.layerExpertBytes[il]! : 0)

/**
 * The biggest matrix left on the host, streamed through the compute buffer at partial offload.
 * A layer whose experts stay on the CPU counts its largest matrix too: in a MoE layer that is
 * an expert tensor (128 × 768 × 2048 for Qwen3-30B-A3B, far above any attention matrix).
 */
function largestHostMatrix(fm: FitModel, devices: number[], cpuMoeLayers: number): number {
  let largest = devices[fm.layers] === -1 ? fm.weights.outputBytes : 0
  for (let il = 0; il < fm.layers; il++) {
    if (devices[il] === -1 || hostExpertBytes(fm, il, cpuMoeLayers) > 0) largest = Math.max(largest, fm.weights.layerLargestBytes[il]!)
  }
  return largest
}

function share(fm: FitModel, gpu: PlacementGpu, gpuIndex: number, devices: number[], computeBytes: number, cpuMoeLayers: number): GpuShare {
  const mine = devices.slice(0, fm.layers).flatMap((d, il) => (d === gpuIndex ? [il] : []))
  const holdsOutput = devices[fm.layers] === gpuIndex
  const layerGpuBytes = (il: number) => fm.weights.layerBytes[il]! - hostExpertBytes(fm, il, cpuMoeLayers)
  const weightsBytes = mine.reduce((s, il) => s + layerGpuBytes(il), 0) + (holdsOutput ? fm.weights.outputBytes : 0)
  const kvCacheBytes = mine.reduce((s, il) => s + fm.kvByLayer[il]!, 0)
  const used = mine.length > 0 || holdsOutput
  // Every GPU that holds a layer allocates its own compute buffer (llama.cpp#27953).
  const computeBufferBytes = used ? computeBytes : 0
  const overheadBytes = overheadOf(gpu)
  const totalBytes = weightsBytes + kvCacheBytes + computeBufferBytes + overheadBytes
  return {
    firstLayer: mine[0] ?? fm.layers,
    endLayer: mine.length > 0 ? mine[mine.length - 1]! + 1 : fm.layers,
    holdsOutput, weightsBytes, kvCacheBytes, computeBufferBytes, overheadBytes, totalBytes,
    freeBytes: gpu.vramBytes - totalBytes,
  }
}

/**
 * place() is pure in the model, each GPU's memory and overhead and the two layer counts; a
 * library ranking asks the same question for every card of one memory size, so answers are
 * kept per FitModel (fitModel() hands out one object per model and settings).
 */
const placements = new WeakMap<FitModel, Map<string, Placement>>()

/** What place() reads of a GPU set: each GPU's memory and overhead. */
export const memoryKey = (gpus: readonly PlacementGpu[]) => gpus.map((g) => `${g.vramBytes}/${overheadOf(g)}`).join(',')

/** The memory each GPU needs with `gpuLayers` offloaded and the experts of the first `cpuMoeLayers` layers on the CPU. */
export function place(fm: FitModel, gpus: readonly PlacementGpu[], gpuLayers: number, cpuMoeLayers = 0): Placement {
  const key = `${memoryKey(gpus)}|${gpuLayers}|${cpuMoeLayers}`
  let known = placements.get(fm)
  if (!known) placements.set(fm, (known = new Map()))
  const hit = known.get(key)
  if (hit) return hit
  const p = computePlacement(fm, gpus, gpuLayers, cpuMoeLayers)
  known.set(key, p)
  return p
}

function computePlacement(fm: FitModel, gpus: readonly PlacementGpu[], gpuLayers: number, cpuMoeLayers: number): Placement {
  const devices = layerDevices(fm.layers, gpuLayers, gpus)
  const full = gpuLayers >= fm.layers + 1 && cpuMoeLayers === 0
  const computeBytes = full ? fm.computeBytes : fm.computeBytes + largestHostMatrix(fm, devices, cpuMoeLayers)
  const perGpu = gpus.map((g, i) => share(fm, g, i, devices, computeBytes, cpuMoeLayers))
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
  return { gpuLayers, cpuMoeLayers, perGpu, weightsHostBytes, kvCacheHostBytes, fits }
}

/**
 * Room for layers on these GPUs: their memory after overhead, less one compute buffer. Every
 * placement that fits holds its GPU-resident weights and KV within it, so the searches below
 * start where that bound allows and skip tries that cannot fit (same answer, a fraction of the
 * work: ranking the whole GPU library stays inside a Workers CPU budget).
 */
function layerRoom(fm: FitModel, gpus: readonly PlacementGpu[]): number {
  return gpus.reduce((s, g) => s + g.vramBytes - overheadOf(g), 0) - fm.computeBytes
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

/** The most layers that fit (llama.cpp --fit / Ollama layout both search this), or 0 layers. */
export function bestPlacement(fm: FitModel, gpus: readonly PlacementGpu[]): Placement {
  for (let n = layerBound(fm, gpus); n > 0; n--) {
    const p = place(fm, gpus, n)
    if (p.fits) return p
  }
  return place(fm, gpus, 0)
}

/**
 * MoE expert offload, as llama.cpp --fit tries it first for MoE (vram.md §5.4 step 4): every
 * layer and the output head on the GPUs, the expert tensors of layers 0 … K−1 in host RAM
 * (--n-cpu-moe K); the smallest K that fits, by a linear search up from K = 1 (L ≤ ~100 and
 * each try is O(L)). null: not MoE, or not even K = L fits (then plain -ngl partial offload).
 */
export function expertOffloadPlacement(fm: FitModel, gpus: readonly PlacementGpu[]): Placement | null {
  if (!fm.weights.layerExpertBytes.some((b) => b > 0)) return null
  for (let k = expertBound(fm, gpus); k <= fm.layers; k++) {
    const p = place(fm, gpus, fm.layers + 1, k)
    if (p.fits) return p
  }
  return null
}
