/**
 * Re-plans the cases `npm run validate:llama` recorded from the real llama.cpp
 * (docs/accuracy/*.json) and measures each VRAM term's error. Used by the unit test that fails
 * when a term drifts past its tolerance, and by the site's Accuracy page.
 */
import { computeBufferBytes } from './compute-buffer.ts'
import type { KvCacheType, QuantPreset } from './ggml-types.ts'
import { kvCacheBytes } from './kv-cache.ts'
import type { LlmModel } from './model-schemas.ts'
import { weightLayout } from './weights.ts'

export interface RecordedSettings {
  contextLength: number
  flashAttention: boolean
  kvCacheType: KvCacheType
  ubatch: number
  parallel: number
}

export interface RecordedCase {
  model: string
  /** The preset of the synthetic file. */
  quantization: QuantPreset
  settings: RecordedSettings
  measured: {
    /** Per llama.cpp buffer type ("CPU", "CUDA0", "CUDA_Host"): its `compute buffer size` lines. */
    computeBufferBytes: Record<string, number>
    /** `llama_kv_cache: size = …` lines: one per cache (iSWA models have two). */
    kvCaches: { bytes: number; cells: number; layers: number }[]
    outputBufferBytes: number | null
    fileGiB: number | null
  }
}

export interface RecordedFile {
  description: string
  llamaCpp: { repo: string; release: string; build: string }
  device: string
  quantization: string
  /** false when the recorder's time limit stopped the grid early. */
  complete: boolean
  cases: RecordedCase[]
}

/** llama.cpp prints MiB with two decimals: a logged size is known to ±0.005 MiB. */
export const LOG_PRECISION_BYTES = 0.005 * 2 ** 20

/**
 * File sizes llama-quantize publishes for Llama-3-8B, GiB ("G"): QUANT_OPTIONS in
 * https://github.com/ggml-org/llama.cpp/blob/master/tools/quantize/quantize.cpp. Llama 3.1 8B has
 * the same tensor shapes, so the planner's emulated files must match them.
 */
export const LLAMA_QUANTIZE_LLAMA3_8B_GIB: Partial<Record<QuantPreset, number>> = {
  Q2_K: 2.96,
  Q3_K_M: 3.74,
  Q4_0: 4.34,
  Q4_K_S: 4.37,
  Q4_K_M: 4.58,
  Q5_K_S: 5.21,
  Q5_K_M: 5.33,
  Q6_K: 6.14,
  Q8_0: 7.96,
}

/** Issue #13's tolerance for weights: within 0.5 % of the published size. */
export const WEIGHTS_TOLERANCE = 0.005

/** Issue #13's tolerance for the compute buffer: within 5 % over, never more than 2 % under. */
export const COMPUTE_TOLERANCE = { under: -0.02, over: 0.05 } as const

export interface ReplayedCase {
  model: string
  settings: RecordedSettings
  /** planned / measured − 1. */
  computeError: number
  plannedComputeBytes: number
  measuredComputeBytes: number
  /** planned − measured KV bytes; |x| ≤ LOG_PRECISION_BYTES × caches means exact. */
  kvErrorBytes: number
  measuredKvBytes: number
  kvCaches: number
  /**
   * planned file bytes / the size llama.cpp prints for the same file (`file size = … GiB`, two
   * decimals) − 1; null when not logged. llama.cpp sizes every tensor with its own type table.
   */
  weightsError: number | null
}

/** The KV cache matches llama.cpp to the precision of its log line(s). */
export const kvExact = (r: ReplayedCase) =>
  Math.abs(r.kvErrorBytes) <= (LOG_PRECISION_BYTES + 1) * Math.max(r.kvCaches, 1)
export const computeWithinTolerance = (r: ReplayedCase) =>
  r.computeError >= COMPUTE_TOLERANCE.under && r.computeError <= COMPUTE_TOLERANCE.over

/**
 * A CPU-only llama.cpp runs the whole graph in one `CPU` compute buffer: the same graph a
 * single GPU runs at full offload, so it is compared with the full-offload buffer.
 */
export function replayCase(c: RecordedCase, m: LlmModel): ReplayedCase | null {
  const measured = c.measured.computeBufferBytes.CPU ?? c.measured.computeBufferBytes.CUDA0
  if (measured === undefined) return null
  const planned = computeBufferBytes(m, c.settings)
  const kvMeasured = c.measured.kvCaches.reduce((s, k) => s + k.bytes, 0)
  return {
    model: c.model,
    settings: c.settings,
    computeError: planned / measured - 1,
    plannedComputeBytes: planned,
    measuredComputeBytes: measured,
    kvErrorBytes: kvCacheBytes(m, c.settings) - kvMeasured,
    measuredKvBytes: kvMeasured,
    kvCaches: c.measured.kvCaches.length,
    weightsError:
      c.measured.fileGiB === null
        ? null
        : weightLayout(m, c.quantization).fileBytes / (c.measured.fileGiB * 2 ** 30) - 1,
  }
}

export interface TermSummary {
  term: string
  cases: number
  /** Signed relative error of the case farthest from llama.cpp. */
  worstError: number
  /** Median of the absolute relative errors. */
  medianAbsError: number
  /** Cases inside the term's tolerance. */
  withinTolerance: number
}

/** Cases, worst signed error and median absolute error of one term. */
export function termSummary(term: string, errors: number[], within: number): TermSummary {
  const abs = errors.map(Math.abs).sort((a, b) => a - b)
  const worst = errors.reduce((w, e) => (Math.abs(e) > Math.abs(w) ? e : w), 0)
  const half = abs.length / 2
  const median =
    abs.length === 0 ? 0 : abs.length % 2 ? abs[Math.floor(half)]! : (abs[half - 1]! + abs[half]!) / 2
  return { term, cases: errors.length, worstError: worst, medianAbsError: median, withinTolerance: within }
}

/** One row per term: compute buffer, KV cache and weights, relative errors against llama.cpp's own sizes. */
export function summarize(replayed: ReplayedCase[]): TermSummary[] {
  const kv = replayed.filter((r) => r.measuredKvBytes > 0)
  const weights = replayed.flatMap((r) => (r.weightsError === null ? [] : [r.weightsError]))
  return [
    termSummary('weights', weights, weights.filter((e) => Math.abs(e) <= WEIGHTS_TOLERANCE).length),
    termSummary(
      'computeBuffer',
      replayed.map((r) => r.computeError),
      replayed.filter(computeWithinTolerance).length,
    ),
    termSummary(
      'kvCache',
      kv.map((r) => r.kvErrorBytes / r.measuredKvBytes),
      kv.filter(kvExact).length,
    ),
  ]
}
