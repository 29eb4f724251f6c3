/**
 * KV cache bytes, per layer (llama.cpp `src/llama-kv-cache.cpp`, `llama-kv-cache-iswa.cpp`,
 * `llama-context.cpp`; docs/research/vram-formulas.md#kv-cache):
 *   K_l + V_l = cells_l × 2 × row_size(type, Hkv·Dh),  row_size = n / block × block_bytes
 * Context is padded to 256 cells. Ollama ≥ v0.30 runs llama-server with `-c ctx·np -np np`
 * (non-unified), so each of the `np` streams holds pad256(ctx) cells. Sliding-window layers
 * hold min(cells, pad256(window + n_ubatch)) per stream.
 */
import { ggmlBytes, KV_CACHE_TYPES, type KvCacheType } from './ggml-types.ts'
import type { Architecture } from './tensors.ts'

export const KV_PAD_CELLS = 256

export function pad(n: number, to: number): number {
  return Math.ceil(n / to) * to
}

export interface KvSettings {
  contextLength: number
  parallel: number
  ubatch: number
  kvCacheType: KvCacheType
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
  return Math.min(cells, pad(a.slidingWindow!.windowTokens + s.ubatch, KV_PAD_CELLS))
}

/** K + V bytes of one cell of one layer: two rows of Hkv·Dh elements of the cache type. */
export function kvBytesPerCell(a: Architecture, kvCacheType: KvCacheType): number {
  return 2 * ggmlBytes(KV_CACHE_TYPES[kvCacheType], a.kvHeads * a.headDim)
}

/** KV bytes of layer `il` over all `parallel` streams. */
export function layerKvBytes(a: Architecture, il: number, s: KvSettings): number {
  return s.parallel * layerCells(a, il, s) * kvBytesPerCell(a, s.kvCacheType)
}

/** KV bytes of each layer, index = block. */
export function kvBytesByLayer(a: Architecture, s: KvSettings): number[] {
  return Array.from({ length: a.layers }, (_, il) => layerKvBytes(a, il, s))
}

/** Total KV cache of the model. */
export function kvCacheBytes(a: Architecture, s: KvSettings): number {
  return kvBytesByLayer(a, s).reduce((x, y) => x + y, 0)
}
