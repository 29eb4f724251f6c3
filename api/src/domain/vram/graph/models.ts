/**
 * One graph builder per llama.cpp architecture the planner knows, each following its source file
 * in src/models/ (llama.cpp, qwen2.cpp, qwen3.cpp, qwen3moe.cpp, gemma2.cpp, gemma3.cpp, phi3.cpp,
 * openai-moe.cpp): the order of norms, products, residual adds and the last layer's output-row
 * selection, which is all ggml-alloc needs.
 */
import type { Architecture } from '../tensors.ts'
import { LlmGraph, type AttentionInput, type GraphSettings } from './llm-graph.ts'
import type { Tensor } from './ggml.ts'
import { isSwaLayer } from '../kv-cache.ts'
import { reserve, reservedBytes } from './allocator.ts'

interface LayerStyle {
  /** Q/K/V biases (qwen2). */
  qkvBias: boolean
  /** Per-head RMS norm of Q and K before RoPE (qwen3). */
  qkNorm: boolean
  /** Norms after attention and after the FFN as well as before (gemma2, gemma3). */
  postNorms: boolean
  /** Embeddings scaled by sqrt(E) (gemma). */
  scaleEmbeddings: boolean
  /** tanh soft-capping of attention scores and logits (gemma2). */
  softcap: boolean
  /** Q scaled after RoPE, the attention's own scale then 1 (gemma2, gemma3, phi3). */
  scaleQAfterRope: boolean
  /** The block's last residual add reads the residual first, so it reuses the residual's memory (phi3). */
  residualFirst: boolean
  /**
   * The last layer's output is a graph output kept for multi-token prediction (t_h_nextn), and
   * the output rows are picked after the loop, not inside the last layer (openai-moe.cpp).
   */
  hiddenOutput: boolean
}

const has = (a: Architecture, f: Architecture['tensorFeatures'][number]) => a.tensorFeatures.includes(f)

function styleOf(a: Architecture): LayerStyle {
  const arch = a.llamaCppArchitecture
  const gemma = arch === 'gemma2' || arch === 'gemma3'
  return {
    qkvBias: has(a, 'qkv-bias'),
    qkNorm: has(a, 'qk-norm'),
    postNorms: gemma,
    scaleEmbeddings: gemma,
    softcap: arch === 'gemma2',
    scaleQAfterRope: gemma || arch === 'phi3',
    residualFirst: arch === 'phi3',
    hiddenOutput: arch === 'gpt-oss',
  }
}

function attentionBlock(
  g: LlmGraph,
  il: number,
  x: Tensor,
  pos: Tensor,
  inp: AttentionInput,
  st: LayerStyle,
): Tensor {
  const { a, ctx } = g
  const [q0, k0, v] = has(a, 'fused-qkv') ? g.fusedQkv(x) : g.qkv(il, x, st.qkvBias)
  let q = q0
  let k = k0
  if (st.qkNorm) {
    q = g.rmsNorm(q, g.weight('attn_q_norm.weight', [a.headDim]))
    k = g.rmsNorm(k, g.weight('attn_k_norm.weight', [a.headDim]))
  }
  q = g.rope(q, pos)
  k = g.rope(k, pos)
  if (st.scaleQAfterRope) q = ctx.like('SCALE', q)
  const wo = g.weight('attn_output.weight', [a.heads * a.headDim, g.E])
  const sinks = has(a, 'attn-sinks') ? g.weight('attn_sinks.weight', [a.heads]) : undefined
  const woBias = has(a, 'attn-output-bias') ? g.weight('attn_output.bias', [g.E]) : undefined
  return g.attention(il, inp, q, k, v, wo, { sinks, woBias, softcap: st.softcap })
}

/** SwiGLU, GeGLU and gpt-oss's clamped SwiGLU are one GGML_OP_GLU each: the same tensors. */
function ffnBlock(g: LlmGraph, il: number, x: Tensor): Tensor {
  const { a } = g
  if (a.moe && il >= a.moe.leadingDenseLayers) {
    const gptOss = a.llamaCppArchitecture === 'gpt-oss'
    return g.moeFfn(x, {
      gating: gptOss ? 'softmax-weight' : 'softmax',
      normalize: !gptOss,
      bias: has(a, 'expert-bias'),
    })
  }
  if (has(a, 'fused-gate-up')) return g.fusedGateUpFfn(x)
  return g.ffn(x)
}

/**
 * The decoder every supported architecture shares: norm → attention → residual → norm → FFN →
 * residual per layer, the last layer keeping only the output rows, then the output head.
 */
export function buildDecoderGraph(a: Architecture, s: GraphSettings): LlmGraph {
  const g = new LlmGraph(a, s)
  const { ctx } = g
  const st = styleOf(a)
  let inpL = g.inputEmbedding()
  if (st.scaleEmbeddings) inpL = ctx.like('SCALE', inpL)
  const pos = ctx.input('inp_pos', 'i32', [g.tokens])
  const full = g.attentionInput(g.cells(firstLayer(a, false)))
  const window = a.slidingWindow ? g.attentionInput(g.cells(firstLayer(a, true))) : null
  const outIds = g.outputIds()
  const norm = (x: Tensor, name: string) => g.rmsNorm(x, g.weight(name, [g.E]))
  for (let il = 0; il < a.layers; il++) {
    g.layerStarts.push(g.order.nodes.length)
    const inp = window && isSwaLayer(a, il) ? window : full
    let cur = norm(inpL, `blk.${il}.attn_norm.weight`)
    cur = attentionBlock(g, il, cur, pos, inp, st)
    if (st.postNorms) cur = norm(cur, `blk.${il}.post_attention_norm.weight`)
    let residual = inpL
    if (il === a.layers - 1 && !st.hiddenOutput) {
      cur = ctx.getRows(cur, outIds)
      residual = ctx.getRows(residual, outIds)
    }
    const ffnInp = g.add(cur, residual)
    cur = norm(ffnInp, `blk.${il}.ffn_norm.weight`)
    cur = ffnBlock(g, il, cur)
    if (st.postNorms) cur = norm(cur, `blk.${il}.post_ffw_norm.weight`)
    inpL = st.residualFirst ? g.add(ffnInp, cur) : g.add(cur, ffnInp)
  }
  if (st.hiddenOutput) {
    inpL.output = true
    inpL = ctx.getRows(inpL, outIds)
  }
  g.outputHead(inpL, (x) => norm(x, 'output_norm.weight'), st.softcap)
  return g
}

function firstLayer(a: Architecture, window: boolean): number {
  for (let il = 0; il < a.layers; il++) if (isSwaLayer(a, il) === window) return il
  return 0
}

/** The compute buffer llama.cpp reserves for this model's graph on one device. */
export function graphComputeBytes(a: Architecture, s: GraphSettings): number {
  return periodicGraphBytes(a, s) ?? fullGraphBytes(a, s)
}

export function fullGraphBytes(a: Architecture, s: GraphSettings): number {
  const g = buildDecoderGraph(a, s)
  return reservedBytes(g.order, g.ctx.count)
}

/**
 * The same number from a shorter graph. Every layer of a period (1, or the sliding-window
 * pattern) has the same tensors, and ggml-alloc is deterministic: once the free list and the
 * placement of every live tensor at the start of a layer equal those one period earlier, each
 * further period repeats them exactly and never raises the high-water mark. So a graph with whole
 * periods cut from its middle reaches the last layers, where the inputs are freed and the output
 * head runs, in the same state and reserves the same bytes; the cut is only taken when the
 * shorter graph shows that repetition before its last two periods. test/unit/vram/graph-periodic.test.ts
 * compares both over every registry model.
 */
export function periodicGraphBytes(a: Architecture, s: GraphSettings): number | null {
  const period = a.slidingWindow?.pattern ?? 1
  const dense = a.moe?.leadingDenseLayers ?? 0
  const short = dense + 6 * period + 2
  if (a.kvHeadsByLayer || a.layers <= short + period) return null
  const layers = short + ((a.layers - short) % period)
  const g = buildDecoderGraph({ ...a, layers }, s)
  const r = reserve(g.order, g.ctx.count, g.layerStarts)
  for (let il = dense + period; il <= layers - 2 * period; il++) {
    if (r.states[il] === r.states[il - period]) return r.bytes
  }
  return null
}
