/**
 * Compute (graph) buffer per GPU: llama.cpp reserves the worst-case graph of one ubatch of B
 * tokens, all B producing logits, all KV cells visible (llama-context.cpp graph_reserve;
 * vram.md §3). f32 intermediates; the allocator reuses memory, so the size is the peak of the
 * attention phase or of the output (logits) phase.
 */
import type { Architecture } from './tensors.ts'
import { KV_PAD_CELLS, pad } from './kv-cache.ts'

export interface ComputeSettings {
  contextLength: number
  ubatch: number
  flashAttention: boolean
}

/** B = min(n_ctx, n_ubatch); C = cells of one stream (KQ is per sequence). */
function dims(a: Architecture, s: ComputeSettings) {
  const C = pad(s.contextLength, KV_PAD_CELLS)
  return { B: Math.min(C, s.ubatch), C, E: a.hiddenSize, V: a.vocabSize, H: a.heads }
}

/** FFN width the graph materialises: the dense FFN, or the active experts of a MoE layer. */
function ffnWidth(a: Architecture): number {
  return a.moe ? a.moe.activeExperts * a.moe.expertFfnSize : a.ffnSize
}

/**
 * Full-offload compute buffer, bytes.
 * FA off (Ollama GraphSize, exact against three llama.cpp logs, vram.md §3):
 *   max(4·B·(1 + 4E + C·(1 + H)), 4·B·(E + V))
 * FA on (derived in vram.md §3: no B×C×H KQ tensor, f16 mask B×C):
 *   max(4·B·(E + V), 4·B·(2F + 3E) + 2·B·C)
 */
export function computeBufferBytes(a: Architecture, s: ComputeSettings): number {
  const { B, C, E, V, H } = dims(a, s)
  const logits = 4 * B * (E + V)
  const attention = s.flashAttention ? 4 * B * (2 * ffnWidth(a) + 3 * E) + 2 * B * C : 4 * B * (1 + 4 * E + C * (1 + H))
  return Math.max(logits, attention)
}

/** Host-side (CUDA_Host) compute buffer ≈ 4·B·(C + E) (vram.md §3, log 72.01 MiB vs 72). */
export function hostComputeBufferBytes(a: Architecture, s: ComputeSettings): number {
  const { B, C, E } = dims(a, s)
  return 4 * B * (C + E)
}

/**
 * Partial offload: ops of ≥ 32 tokens on CPU-resident weights still run on the GPU, which copies
 * those weights over PCIe into its compute buffer (GGML_OP_OFFLOAD_MIN_BATCH, vram.md §3), so the
 * buffer also holds the largest CPU-resident weight matrix (usually the output head).
 */
export function partialComputeBufferBytes(a: Architecture, s: ComputeSettings, largestHostMatrixBytes: number): number {
  return computeBufferBytes(a, s) + largestHostMatrixBytes
}

/** Logits output buffer, host memory: n_seq × V × 4 B (llama-context.cpp output_reserve). */
export function outputBufferBytes(a: Architecture, parallel: number): number {
  return parallel * a.vocabSize * 4
}
