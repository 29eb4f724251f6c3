/**
 * KV cache bytes, per layer (llama.cpp `src/llama-kv-cache.cpp`, `llama-kv-cache-iswa.cpp`,
 * `llama-context.cpp`; docs/research/vram-formulas.md#kv-cache):
 *   K_l + V_l = cells_l × 2 × row_size(type, Hkv·Dh),  row_size = n / block × block_bytes
 * Context is padded to 256 cells. Ollama ≥ v0.30 runs llama-server with `-c ctx·np -np np`
 * (non-unified), so each of the `np` streams holds pad256(ctx) cells. Sliding-window layers
 * hold min(cells, pad256(window·seqs + n_ubatch)) per stream, seqs = the sequences sharing a
 * unified stream (llama-kv-cache-iswa.cpp: `n_swa*(unified ? n_seq_max : 1) + n_ubatch`).
 * K and V may have different types (--cache-type-k / --cache-type-v).
 */
import { ggmlBytes, KV_CACHE_TYPES, type KvCacheType } from './ggml-types.ts'
import { kvRowValues, recurrentStateBytes } from './layer-memory.ts'
import type { Architecture } from './tensors.ts'

export const KV_PAD_CELLS = 256

export function pad(n: number, to: number): number {
  return Math.ceil(n / to) * to
}

export interface KvSettings {
  /** Cells of one stream. */
  contextLength: number
  /** KV streams: np without a unified cache, 1 with one. */
  parallel: number
  ubatch: number
  /** The K type, and the V type unless cacheTypeV says otherwise. */
  kvCacheType: KvCacheType
  cacheTypeV?: KvCacheType
  /** Sequences sharing one unified stream (llama-server's default 4 slots); 1 otherwise. */
  sequencesPerStream?: number
}

/** True when layer `il` attends to a sliding window (llama_hparams::set_swa_pattern). */
export function isSwaLayer(a: Architecture, il: number): boolean {
  const swa = a.slidingWindow
  return swa !== null && il % swa.pattern < swa.pattern - 1
}

/** Cells one stream of layer `il` holds. */
export function layerCells(a: Architecture, il: number, s: KvSettings): number {
  const cells = pad(s.contextLength, KV_PAD_CELLS)
  if (!isSwaLayer(a, il)) return cells
  const seqs = s.sequencesPerStream ?? 1
  return Math.min(cells, pad(a.slidingWindow!.windowTokens * seqs + s.ubatch, KV_PAD_CELLS))
}

/**
 * K + V bytes of one cell of layer `il`: a K row of the K type and a V row of the V type
 * (--cache-type-k / --cache-type-v), as wide as layer-memory.ts says (Hkv·Dh each for plain
 * attention, one latent K row for MLA, none for recurrent layers and embedding models).
 */
export function kvBytesPerCell(
  a: Architecture,
  kvCacheType: KvCacheType,
  cacheTypeV: KvCacheType = kvCacheType,
  il = 0,
): number {
  const { k, v } = kvRowValues(a, il)
  const kBytes = k > 0 ? ggmlBytes(KV_CACHE_TYPES[kvCacheType], k) : 0
  return kBytes + (v > 0 ? ggmlBytes(KV_CACHE_TYPES[cacheTypeV], v) : 0)
}

/** KV bytes of layer `il` over all `parallel` streams, plus its fixed recurrent state. */
export function layerKvBytes(a: Architecture, il: number, s: KvSettings): number {
  return (
    s.parallel * layerCells(a, il, s) * kvBytesPerCell(a, s.kvCacheType, s.cacheTypeV, il) +
    recurrentStateBytes(a, il, s.parallel)
  )
}

/** KV bytes of each layer, index = block. */
export function kvBytesByLayer(a: Architecture, s: KvSettings): number[] {
  return Array.from({ length: a.layers }, (_, il) => layerKvBytes(a, il, s))
}

/** Total KV cache of the model. */
export function kvCacheBytes(a: Architecture, s: KvSettings): number {
  return kvBytesByLayer(a, s).reduce((x, y) => x + y, 0)
}
