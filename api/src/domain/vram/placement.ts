/**
 * Where the layers go, mimicking llama.cpp `src/llama-model.cpp` load_tensors (vram.md §1.3):
 * with -ngl N the LAST N repeating layers are offloaded (i_gpu_start = L − N), the output layer
 * only when N = L + 1, and over several GPUs each gets a contiguous range proportional to its
 * free memory (`splits` + upper_bound, the default --split-mode layer).
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
}

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
  perGpu: GpuShare[]
  weightsHostBytes: number
  kvCacheHostBytes: number
  fits: boolean
}

/** Device index of each of layers 0 … L (L = output), -1 = CPU: llama.cpp get_layer_buft_list. */
export function layerDevices(layers: number, gpuLayers: number, gpus: readonly PlacementGpu[]): number[] {
  const start = Math.max(layers - gpuLayers, 0)
  const active = Math.min(gpuLayers, layers + 1)
  const free = gpus.map((g) => Math.max(g.vramBytes - GPU_OVERHEAD_BYTES, 1))
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

/** The biggest matrix left on the host, streamed through the compute buffer at partial offload. */
function largestHostMatrix(fm: FitModel, devices: number[]): number {
  let largest = devices[fm.layers] === -1 ? fm.weights.outputBytes : 0
  for (let il = 0; il < fm.layers; il++) if (devices[il] === -1) largest = Math.max(largest, fm.weights.layerLargestBytes[il]!)
  return largest
}

function share(fm: FitModel, gpu: PlacementGpu, gpuIndex: number, devices: number[], computeBytes: number): GpuShare {
  const mine = devices.slice(0, fm.layers).flatMap((d, il) => (d === gpuIndex ? [il] : []))
  const holdsOutput = devices[fm.layers] === gpuIndex
  const weightsBytes = mine.reduce((s, il) => s + fm.weights.layerBytes[il]!, 0) + (holdsOutput ? fm.weights.outputBytes : 0)
  const kvCacheBytes = mine.reduce((s, il) => s + fm.kvByLayer[il]!, 0)
  const used = mine.length > 0 || holdsOutput
  // Every GPU that holds a layer allocates its own compute buffer (llama.cpp#27953).
  const computeBufferBytes = used ? computeBytes : 0
  const overheadBytes = GPU_OVERHEAD_BYTES
  const totalBytes = weightsBytes + kvCacheBytes + computeBufferBytes + overheadBytes
  return {
    firstLayer: mine[0] ?? fm.layers,
    endLayer: mine.length > 0 ? mine[mine.length - 1]! + 1 : fm.layers,
    holdsOutput, weightsBytes, kvCacheBytes, computeBufferBytes, overheadBytes, totalBytes,
    freeBytes: gpu.vramBytes - totalBytes,
  }
}

/** The memory each GPU needs with `gpuLayers` offloaded. */
export function place(fm: FitModel, gpus: readonly PlacementGpu[], gpuLayers: number): Placement {
  const devices = layerDevices(fm.layers, gpuLayers, gpus)
  const full = gpuLayers >= fm.layers + 1
  const computeBytes = full ? fm.computeBytes : fm.computeBytes + largestHostMatrix(fm, devices)
  const perGpu = gpus.map((g, i) => share(fm, g, i, devices, computeBytes))
  let weightsHostBytes = fm.weights.inputBytes
  let kvCacheHostBytes = 0
  for (let il = 0; il < fm.layers; il++) {
    if (devices[il] !== -1) continue
    weightsHostBytes += fm.weights.layerBytes[il]!
    kvCacheHostBytes += fm.kvByLayer[il]!
  }
  if (!full) weightsHostBytes += fm.weights.outputHostBytes
  const fits = perGpu.every((g) => g.freeBytes >= 0)
  return { gpuLayers, perGpu, weightsHostBytes, kvCacheHostBytes, fits }
}

/** The most layers that fit (llama.cpp --fit / Ollama layout both search this), or 0 layers. */
export function bestPlacement(fm: FitModel, gpus: readonly PlacementGpu[]): Placement {
  for (let n = fm.layers + 1; n > 0; n--) {
    const p = place(fm, gpus, n)
    if (p.fits) return p
  }
  return place(fm, gpus, 0)
}
