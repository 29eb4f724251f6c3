/**
 * The settings grid the recorder runs for every model, and the shape of docs/accuracy/*.json
 * (read back by test/unit/vram/accuracy.test.ts).
 */
import type { KvCacheType } from '../api/src/domain/vram/ggml-types.ts'

export interface CaseSettings {
  contextLength: number
  flashAttention: boolean
  kvCacheType: KvCacheType
  ubatch: number
  parallel: number
}

export interface AccuracyCase {
  model: string
  settings: CaseSettings
  measured: {
    /** Per llama.cpp buffer type ("CPU", "CUDA0", "CUDA_Host"): `compute buffer size` lines. */
    computeBufferBytes: Record<string, number>
    /** `llama_kv_cache: size = …` lines: one per cache (iSWA models have two). */
    kvCaches: { bytes: number; cells: number; layers: number }[]
    outputBufferBytes: number | null
    fileGiB: number | null
  }
}

export interface AccuracyFile {
  description: string
  llamaCpp: { repo: string; release: string; build: string }
  device: string
  quantization: string
  /** false when the time limit stopped the grid early. */
  complete: boolean
  cases: AccuracyCase[]
}

const base = { parallel: 1 }
const contexts = [512, 4096, 32768]

/** Every context × FA × KV type at ubatch 512, plus ubatch 256 and 2048 at 4096 tokens. */
export const CASE_GRID: CaseSettings[] = [
  ...contexts.flatMap((contextLength) => [
    { ...base, contextLength, flashAttention: false, kvCacheType: 'f16' as const, ubatch: 512 },
    { ...base, contextLength, flashAttention: true, kvCacheType: 'f16' as const, ubatch: 512 },
    { ...base, contextLength, flashAttention: true, kvCacheType: 'q8_0' as const, ubatch: 512 },
    { ...base, contextLength, flashAttention: true, kvCacheType: 'q4_0' as const, ubatch: 512 },
  ]),
  ...[256, 2048].flatMap((ubatch) => [
    { ...base, contextLength: 4096, flashAttention: false, kvCacheType: 'f16' as const, ubatch },
    { ...base, contextLength: 4096, flashAttention: true, kvCacheType: 'f16' as const, ubatch },
  ]),
]
