/**
 * Compute (graph) buffer per device. llama.cpp reserves the worst-case graph once: one ubatch of
 * B = min(n_ctx, n_ubatch) tokens, every token an output, every KV cell visible
 * (src/llama-context.cpp sched_reserve / graph_reserve).
 *
 * For the architectures whose graph graph/models.ts builds, the buffer of a device that runs the
 * whole graph is computed exactly: the graph as llama.cpp builds it, placed by ggml-alloc's own
 * algorithm (graph/allocator.ts). Those builders match every case the validation suite recorded
 * to the byte (docs/accuracy/). What they do not cover (a GPU holding only some layers, a
 * weight streamed from the host, other architectures) uses the phase formulas below: ggml-alloc
 * reuses memory as soon as a tensor's last consumer ran, so a buffer holds about the peak live set
 * of one phase of the graph: attention, feed-forward or the output head (logits).
 * docs/research/vram-formulas.md#compute-buffer.
 */
import type { KvCacheType } from './ggml-types.ts'
import { KV_PAD_CELLS, layerCells, pad } from './kv-cache.ts'
import type { Architecture } from './tensors.ts'
import { graphComputeBytes } from './graph/models.ts'

/** Architectures graph/models.ts builds, each checked case by case against llama.cpp. */
const BUILT_GRAPHS = new Set(['llama', 'qwen2', 'qwen3', 'qwen3moe', 'gemma2', 'gemma3', 'phi3', 'gpt-oss'])

export const hasExactGraph = (a: Architecture) =>
  BUILT_GRAPHS.has(a.llamaCppArchitecture) &&
  !a.mla &&
  !a.recurrent &&
  !a.embeddingModel &&
  (a.moe?.sharedExperts ?? 0) === 0

export interface ComputeSettings {
  contextLength: number
  ubatch: number
  flashAttention: boolean
  /** A quantized cache (q8_0, q4_0) keeps one more [E, B] row live at the output; f16 when absent. */
  kvCacheType?: KvCacheType
  /** The V cache's own type (--cache-type-v); the K type when absent. */
  cacheTypeV?: KvCacheType
  /** KV streams, one per sequence (llama.cpp kv_unified = false); 1 when absent. */
  parallel?: number
  /** Sequences sharing one stream (a unified cache): widens the window cache. */
  sequencesPerStream?: number
}

/** Peak bytes of each graph phase on the device that runs it (weights not included). */
export interface ComputePhases {
  attentionBytes: number
  ffnBytes: number
  logitsBytes: number
  /** What one pipeline-parallel copy of a device's graph inputs costs: activations + mask. */
  inputCopyBytes: number
  /** The whole graph on one device, placed as ggml-alloc places it; null where no builder exists. */
  graphBytes: number | null
}

/** One graph per architecture and settings: a placement search asks for the same one many times. */
const graphs = new WeakMap<Architecture, Map<string, number>>()

function exactGraphBytes(a: Architecture, s: ComputeSettings): number | null {
  if (!hasExactGraph(a)) return null
  let bySettings = graphs.get(a)
  if (!bySettings) graphs.set(a, (bySettings = new Map<string, number>()))
  const { contextLength, ubatch, flashAttention, kvCacheType, cacheTypeV, parallel, sequencesPerStream } = s
  const key = JSON.stringify([
    contextLength,
    ubatch,
    flashAttention,
    kvCacheType,
    cacheTypeV,
    parallel,
    sequencesPerStream,
  ])
  let bytes = bySettings.get(key)
  if (bytes === undefined) bySettings.set(key, (bytes = graphComputeBytes(a, s)))
  return bytes
}

/** FFN width the graph materialises: the dense FFN, or the active experts of a MoE layer. */
function ffnWidth(a: Architecture): number {
  return a.moe ? a.moe.activeExperts * a.moe.expertFfnSize : a.ffnSize
}

/**
 * The KQ mask is a graph input, live until the last layer's attention ran: [n_kv, B] f32 without
 * flash attention, f16 with it (src/llama-graph.cpp build_attn_inp_kv). iSWA models have a second
 * mask over the window cells (build_attn_inp_kv_iswa).
 */
function maskBytes(a: Architecture, s: ComputeSettings, B: number, C: number): number {
  const perCell = s.flashAttention ? 2 : 4
  const swaCells = a.slidingWindow ? layerCells(a, 0, { ...s, parallel: 1, kvCacheType: 'f16' }) : 0
  return perCell * B * (C + (swaCells < C ? swaCells : 0))
}

export function computePhases(a: Architecture, s: ComputeSettings): ComputePhases {
  const C = pad(s.contextLength, KV_PAD_CELLS)
  const B = Math.min(C, s.ubatch)
  const E = a.hiddenSize
  const Q = a.heads * a.headDim
  const KV = a.kvHeads * a.headDim
  const mask = maskBytes(a, s, B, C)
  // Live per token in attention: residual, norm output and input (3E), Q before and after RoPE
  // and scaling (3Q), K and V rows on their way into the cache (2KV); f32. Without flash attention the
  // KQ scores [n_kv, B, H] f32 (build_attn_mha: kq = ggml_mul_mat(k, q); ggml_soft_max_ext).
  const scores = s.flashAttention ? 0 : 4 * B * C * a.heads
  // A fused QKV matrix (phi3) writes one [Q + 2KV, B] tensor and views it: 2E + Q + 2KV measured.
  const perToken = a.tensorFeatures.includes('fused-qkv') ? 2 * E + Q + 2 * KV : 3 * E + 3 * Q + 2 * KV
  const attentionBytes = mask + scores + 4 * B * perToken
  // FFN: gate, up, their product and the down input [F, B] f32 (4F), plus the residual (E);
  // a fused gate+up matrix (phi3) writes [2F, B] and splits it: 6F + 3E measured; MoE
  // (build_moe_ffn) gathers the active experts' rows: 3.5·k·F_exp + E measured.
  const F = ffnWidth(a)
  const ffnPerToken = a.tensorFeatures.includes('fused-gate-up')
    ? 6 * F + 3 * E
    : a.moe
      ? 3.5 * F + E
      : 4 * F + E
  const ffnBytes = mask + 4 * B * ffnPerToken
  // Output head: logits [V, B] f32 plus the final norm input and output [E, B] f32
  // (llm_graph_context::build_inp_out_ids keeps all B rows at reserve time). One more [E, B]
  // is live in some layouts with a quantized cache (at 32K in docs/accuracy/llama-cpp-cpu.json) and
  // without flash attention on tied-embedding models; counted always, so the buffer is never short.
  const quantized = [s.kvCacheType, s.cacheTypeV].some((t) => t !== undefined && t !== 'f16')
  const extraRow = quantized || (!s.flashAttention && a.tiedEmbeddings) ? 1 : 0
  const logitsBytes = 4 * B * (a.vocabSize + (2 + extraRow) * E)
  const graphBytes = exactGraphBytes(a, s)
  return { attentionBytes, ffnBytes, logitsBytes, inputCopyBytes: 4 * B * E + mask, graphBytes }
}

/** Full offload to one device (or llama.cpp on the CPU alone): the graph, or the largest phase. */
export function computeBufferBytes(a: Architecture, s: ComputeSettings): number {
  const p = computePhases(a, s)
  return p.graphBytes ?? Math.max(p.attentionBytes, p.ffnBytes, p.logitsBytes)
}

/** What one GPU runs, for its own compute buffer. */
export interface GpuGraphRole {
  /** It holds at least one repeating layer: attention and FFN phases run here. */
  holdsLayers: boolean
  /** The output head is on this GPU: the logits phase runs here. */
  holdsOutput: boolean
  /**
   * Weights left in host RAM whose ops this GPU still runs: ggml's scheduler offloads an op of
   * ≥ 32 tokens to the first GPU and copies the weight into that GPU's compute buffer for the
   * op (ggml/src/ggml-backend.cpp ggml_backend_sched_backend_id_from_cur, op_offload; ggml-cuda
   * ggml_backend_cuda_device_offload_op, GGML_OP_OFFLOAD_MIN_BATCH). 0 when nothing on the
   * host is offloaded here.
   */
  hostFfnMatrixBytes: number
  hostOutputMatrixBytes: number
  /** Copies of the graph inputs kept for pipeline parallelism (GGML_SCHED_MAX_COPIES = 4), 1 without. */
  pipelineCopies: number
}

/**
 * One GPU's compute buffer: the largest phase it runs. A weight streamed from the host only
 * joins the phase that uses it (an FFN matrix the FFN phase, the output matrix the logits
 * phase), which is why Llama 3.1 70B at 8K, FA off, partial offload needs ~1.1 GiB, not
 * the full-offload buffer plus the 822 MiB output matrix.
 */
export function gpuComputeBufferBytes(p: ComputePhases, role: GpuGraphRole): number {
  const copies = (role.pipelineCopies - 1) * p.inputCopyBytes
  if (p.graphBytes !== null && role.holdsLayers && role.holdsOutput) {
    // The whole graph runs here; a streamed weight joins the phase that uses it.
    const ffn = role.hostFfnMatrixBytes > 0 ? p.ffnBytes + role.hostFfnMatrixBytes : 0
    const logits = role.hostOutputMatrixBytes > 0 ? p.logitsBytes + role.hostOutputMatrixBytes : 0
    return Math.max(p.graphBytes, ffn, logits) + copies
  }
  // Only ops with a weight operand are offloaded: the KQ product of a host layer reads the host
  // KV cache and stays on the CPU, so a GPU without layers (-ngl 0) has no attention phase.
  const ffn = role.holdsLayers || role.hostFfnMatrixBytes > 0 ? p.ffnBytes + role.hostFfnMatrixBytes : 0
  const layerPhases = Math.max(role.holdsLayers ? p.attentionBytes : 0, ffn)
  const runsLogits = role.holdsOutput || role.hostOutputMatrixBytes > 0
  const logits = runsLogits ? p.logitsBytes + role.hostOutputMatrixBytes : 0
  const peak = Math.max(layerPhases, logits)
  return peak > 0 ? peak + copies : 0
}

/** Host-side (CUDA_Host) compute buffer ≈ 4·B·(C + E): the input embedding rows and the mask staging. */
export function hostComputeBufferBytes(a: Architecture, s: ComputeSettings): number {
  const C = pad(s.contextLength, KV_PAD_CELLS)
  const B = Math.min(C, s.ubatch)
  return 4 * B * (C + a.hiddenSize)
}

/** Logits output buffer, host memory: n_seq × V × 4 B (llama-context.cpp output_reserve). */
export function outputBufferBytes(a: Architecture, parallel: number): number {
  return parallel * a.vocabSize * 4
}
