/**
 * Decode speed and load time (docs/research/vram-formulas.md#tokens-per-second).
 * Decode of one sequence is memory-bandwidth bound:
 *   t_token = Σ_devices bytes_read(d) / (η_d · BW_d),  tokens/s = 1 / t_token
 * bytes_read = resident weights (MoE experts × activeExperts/experts; token_embd excluded: one row)
 *            + KV of the device's layers up to the current position.
 * Active experts computed on the CPU (layers left on the CPU by -ngl, and layers 0 … K−1 under
 * MoE expert offload --n-cpu-moe K) are read at η_cpu × host bandwidth; every MoE layer adds a
 * fixed dispatch time per token (MOE_LAYER_SECONDS).
 */
import { round } from '../catalog/units.ts'
import type { Architecture } from './tensors.ts'
import { kvBytesPerCell, layerCells, type KvSettings } from './kv-cache.ts'
import type { FitModel, Placement } from './placement.ts'

/** Calibrated: RTX 2080 Llama-3.1-8B Q4_K_M 71.9 t/s over 4.62 GB at 448 GB/s ⇒ 0.74 (llmfit#773). */
export const GPU_BANDWIDTH_EFFICIENCY = 0.74
/** Host bandwidth in the catalog is already the effective figure (node provenance), so η = 1. */
export const HOST_BANDWIDTH_EFFICIENCY = 1
/**
 * MoE decode is not bandwidth-bound like a dense model: beyond its bytes, every MoE layer costs a
 * fixed time per token (router, top-k, per-expert dispatch of many small matmuls). Fitted to two
 * published llama-bench tg128 runs on an RTX 4090 (1008 GB/s), with the dense η for the bytes:
 * gpt-oss 20B MXFP4 186.1 t/s (2.58 GB read, 24 layers) and Qwen3-30B-A3B Q4_0 161.6 t/s (1.84 GB,
 * 48 layers) both leave 78-80 µs per layer (https://github.com/ggml-org/llama.cpp/pull/16834).
 */
export const MOE_LAYER_SECONDS = 79e-6
/**
 * Expert matmuls on the CPU run below pure bandwidth. With the per-layer cost above, two RTX 2080
 * runs on an i9-10900X host (quad-channel DDR4, 102 GB/s measured) give η_cpu 0.40 and 0.32:
 * Qwen3-30B-A3B Q4_K_M --n-cpu-moe 36 at 36.7 t/s (https://github.com/AlexsJones/llmfit/pull/755)
 * and gpt-oss-20B MXFP4 --n-cpu-moe 12 at 36.4 t/s (https://github.com/AlexsJones/llmfit/pull/775).
 */
export const CPU_EXPERT_EFFICIENCY = 0.36
/** llama.cpp RPC: one activation row of E f32 values crosses each node boundary per token. */
export const RPC_BYTES_PER_VALUE = 4
/** Assumed per-token, per-hop RPC round trip on a switched 1 GbE LAN (stated, not measured). */
export const RPC_HOP_LATENCY_SECONDS = 0.0005

export interface SpeedDevice {
  /** GB/s (10^9 bytes per second). */
  bandwidthGBps: number
}

export interface SpeedInput {
  arch: Architecture
  fm: FitModel
  placement: Placement
  gpus: readonly (SpeedDevice & { vramBytes: number; node: string })[]
  hostBandwidthGBps: number | null
  kv: KvSettings
  /** Tokens already in the context when the next one is decoded. */
  position: number
  /** Effective rate of the link between nodes, Mb/s; null when all GPUs share a node. */
  linkMbps: number | null
  /** -nkvo: the KV cache is in host memory, so attention reads it on the CPU. */
  kvOnHost?: boolean
}

/** Expert bytes one token reads from a layer: activeExperts/experts of them (0 for dense models). */
function activeExpertBytes(s: SpeedInput, il: number): number {
  const moe = s.arch.moe
  return moe ? (s.fm.weights.layerExpertBytes[il]! * moe.activeExperts) / moe.experts : 0
}

/** Bytes one token reads from a layer's weights (active experts only). */
function layerWeightReadBytes(s: SpeedInput, il: number): number {
  return s.fm.weights.layerBytes[il]! - s.fm.weights.layerExpertBytes[il]! + activeExpertBytes(s, il)
}

/** Bytes one token reads from a layer's KV cache up to `position` (none at the first token). */
function layerKvReadBytes(s: SpeedInput, il: number): number {
  if (s.position === 0) return 0
  return (
    Math.min(s.position, layerCells(s.arch, il, s.kv)) *
    kvBytesPerCell(s.arch, s.kv.kvCacheType, s.kv.cacheTypeV, il)
  )
}

export interface SpeedResult {
  tokensPerSecond: number | null
  reason: string | null
}

/** Decode tokens per second of one sequence. */
export function decodeTokensPerSecond(s: SpeedInput): SpeedResult {
  const devices = s.placement.devices
  const bytes = new Array<number>(s.gpus.length).fill(0)
  let hostBytes = 0
  let hostExpertBytes = 0
  for (let il = 0; il <= s.arch.layers; il++) {
    const kv = il === s.arch.layers ? 0 : layerKvReadBytes(s, il)
    const weights = il === s.arch.layers ? s.fm.weights.outputBytes : layerWeightReadBytes(s, il)
    const read = weights + (s.kvOnHost ? 0 : kv)
    if (s.kvOnHost) hostBytes += kv
    const d = devices[il]!
    // Expert matmuls run on the CPU both in CPU-resident layers and under --n-cpu-moe: same η_cpu.
    const cpuExperts =
      il < s.arch.layers && (d === -1 || il < s.placement.cpuMoeLayers) ? activeExpertBytes(s, il) : 0
    hostExpertBytes += cpuExperts
    if (d === -1) hostBytes += read - cpuExperts
    else bytes[d]! += read - cpuExperts
  }
  let seconds = bytes.reduce(
    (t, b, i) => t + b / (GPU_BANDWIDTH_EFFICIENCY * s.gpus[i]!.bandwidthGBps * 1e9),
    0,
  )
  if (hostBytes + hostExpertBytes > 0) {
    if (s.hostBandwidthGBps === null) {
      const what = devices.includes(-1)
        ? 'layers run on the CPU'
        : hostExpertBytes > 0
          ? 'MoE experts run on the CPU'
          : 'the KV cache is in host memory (-nkvo)'
      return { tokensPerSecond: null, reason: `${what} and the host memory bandwidth of the node is unknown` }
    }
    seconds += hostBytes / (HOST_BANDWIDTH_EFFICIENCY * s.hostBandwidthGBps * 1e9)
    seconds += hostExpertBytes / (CPU_EXPERT_EFFICIENCY * s.hostBandwidthGBps * 1e9)
  }
  seconds += s.arch.moe ? s.arch.layers * MOE_LAYER_SECONDS : 0
  seconds += rpcSeconds(s, devices)
  return { tokensPerSecond: seconds > 0 ? round(1 / seconds, 1) : null, reason: null }
}

/** Network time per token: one hop each time consecutive layers change node. */
function rpcSeconds(s: SpeedInput, devices: number[]): number {
  if (s.linkMbps === null) return 0
  const nodes = devices.filter((d) => d !== -1).map((d) => s.gpus[d]!.node)
  const hops = nodes.filter((n, i) => i > 0 && n !== nodes[i - 1]).length
  const transfer = (s.arch.hiddenSize * RPC_BYTES_PER_VALUE * 8) / (s.linkMbps * 1e6)
  return hops * (transfer + RPC_HOP_LATENCY_SECONDS)
}
