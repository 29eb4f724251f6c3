/**
 * The pieces every llama.cpp model graph is built from (src/llama-graph.cpp llm_graph_context):
 * inputs, norms, Q/K/V, attention over the KV cache, the feed-forward network and the experts. Each
 * method makes the tensors of its llama.cpp namesake in the same order and calls
 * ggml_build_forward_expand where llama.cpp does, because the evaluation order decides where
 * ggml-alloc puts every tensor.
 */
import { isSwaLayer, layerCells, pad, KV_PAD_CELLS } from '../kv-cache.ts'
import type { Architecture } from '../tensors.ts'
import type { KvCacheType } from '../ggml-types.ts'
import { GraphContext, rowBytes, type Tensor, type TensorType } from './ggml.ts'
import { GraphOrder } from './allocator.ts'
import type { ComputeSettings } from '../compute-buffer.ts'

/** The settings the graph depends on: compute-buffer.ts's, one definition for both. */
export type GraphSettings = ComputeSettings

const cacheType = (t: KvCacheType | undefined): TensorType =>
  t === 'q8_0' || t === 'q4_0' ? t : t === 'f32' ? 'f32' : 'f16'

export interface AttentionInput {
  mask: Tensor
  kIdxs: Tensor
  vIdxs: Tensor
  /** Hadamard rotations applied around a quantized cache (llama_kv_cache attn_rot_k / attn_rot_v). */
  kRot: Tensor | null
  vRot: Tensor | null
}

const quantized = (t: TensorType) => t === 'q8_0' || t === 'q4_0'

export class LlmGraph {
  readonly ctx = new GraphContext()
  readonly order = new GraphOrder()
  /** Tokens of the reserved ubatch: min(context, n_ubatch), every one an output. */
  readonly tokens: number
  readonly streams: number
  readonly E: number
  /** Node count when each layer's first tensor is expanded: where a layer's allocation starts. */
  readonly layerStarts: number[] = []
  readonly a: Architecture
  readonly s: GraphSettings

  constructor(a: Architecture, s: GraphSettings) {
    this.a = a
    this.s = s
    this.streams = s.parallel ?? 1
    this.tokens = Math.min(pad(s.contextLength, KV_PAD_CELLS) * this.streams, s.ubatch)
    this.E = a.hiddenSize
  }

  weight(name: string, shape: number[]): Tensor {
    return this.ctx.external(name, 'f16', shape)
  }

  /** build_inp_embd: token rows, with the (unused) embedding input kept beside them. */
  inputEmbedding(): Tensor {
    const { ctx, tokens } = this
    const ids = ctx.input('inp_tokens', 'i32', [tokens])
    const embd = ctx.input('inp_embd', 'f32', [this.E, tokens])
    const rows = ctx.getRows(this.weight('token_embd.weight', [this.E, this.a.vocabSize]), ids)
    this.order.expand(rows)
    this.order.expand(embd)
    return rows
  }

  /** Cells the attention of layer `il` reads: the whole cache, or the window cache (iSWA). */
  cells(il: number): number {
    const window = isSwaLayer(this.a, il) ? 1 : 0
    return (this.cellsByKind[window] ??= layerCells(this.a, il, {
      ...this.s,
      parallel: 1,
      kvCacheType: 'f16',
    }))
  }

  private readonly cellsByKind: number[] = []

  /** build_attn_inp_kv (and the window half of build_attn_inp_kv_iswa): indices and the KQ mask. */
  attentionInput(cells: number): AttentionInput {
    const { ctx, tokens, streams } = this
    const kIdxs = ctx.input('attn_inp_k_idxs', 'i64', [tokens])
    // Without flash attention the V cache is transposed and every element is its own row
    // (build_input_v_idxs: n_tokens · n_embd_v_gqa_max).
    const hkvMax = Math.max(this.a.kvHeads, ...(this.a.kvHeadsByLayer ?? []))
    const vRows = this.s.flashAttention ? tokens : tokens * hkvMax * (this.a.valueHeadDim ?? this.a.headDim)
    const vIdxs = ctx.input('attn_inp_v_idxs', 'i64', [vRows])
    const mask = ctx.input('attn_inp_kq_mask', this.s.flashAttention ? 'f16' : 'f32', [
      cells,
      tokens / streams,
      1,
      streams,
    ])
    // A quantized K or V cache is stored rotated when the head size is a multiple of 64
    // (src/llama-kv-cache.cpp build_input_k_rot: the largest power-of-two block of the head for K,
    // 64 for V).
    const hd = this.a.headDim
    const hdv = this.a.valueHeadDim ?? hd
    let nK = 64
    while (hd % (nK * 2) === 0) nK *= 2
    const kRot =
      quantized(cacheType(this.s.kvCacheType)) && hd % 64 === 0
        ? ctx.input('attn_inp_k_rot', 'f32', [nK, nK])
        : null
    const vRot =
      quantized(cacheType(this.s.cacheTypeV ?? this.s.kvCacheType)) && hdv % 64 === 0
        ? ctx.input('attn_inp_v_rot', 'f32', [64, 64])
        : null
    return { mask, kIdxs, vIdxs, kRot, vRot }
  }

  /** llama_mul_mat_hadamard (src/llama-impl.h): rows of `rot`'s size through the rotation. */
  private rotate(x: Tensor, rot: Tensor | null): Tensor {
    if (!rot) return x
    const n = rot.ne[0]
    const elements = x.ne[0] * x.ne[1] * x.ne[2] * x.ne[3]
    const contiguous = x.viewSrc === null || x.op === 'RESHAPE'
    const flat = contiguous ? this.ctx.reshape(x, [n, elements / n]) : this.ctx.cont(x, [n, elements / n])
    return this.ctx.reshape(this.ctx.mulMat(rot, flat), x.ne)
  }

  rmsNorm(x: Tensor, weight: Tensor | null): Tensor {
    const n = this.ctx.like('RMS_NORM', x)
    return weight ? this.ctx.like('MUL', n, [n, weight]) : n
  }

  add(a: Tensor, b: Tensor): Tensor {
    return this.ctx.like('ADD', a, [a, b])
  }

  mul(a: Tensor, b: Tensor): Tensor {
    return this.ctx.like('MUL', a, [a, b])
  }

  /** build_lora_mm with a bias: ggml_mul_mat, then ggml_add. */
  linear(w: Tensor, x: Tensor, bias: Tensor | null = null): Tensor {
    const y = this.ctx.mulMat(w, x)
    return bias ? this.add(y, bias) : y
  }

  /**
   * build_attn: Q, V and K expanded in that order, stored into the cache, attention over it
   * (build_attn_mha), the output projection.
   */
  attention(
    il: number,
    inp: AttentionInput,
    q: Tensor,
    k: Tensor,
    v: Tensor,
    wo: Tensor,
    opts: { sinks?: Tensor; woBias?: Tensor; softcap?: boolean } = {},
  ): Tensor {
    const { ctx, order, a, s, streams, tokens } = this
    q = this.rotate(q, inp.kRot)
    k = this.rotate(k, inp.kRot)
    v = this.rotate(v, inp.vRot)
    order.expand(q)
    order.expand(v)
    order.expand(k)
    const cells = this.cells(il)
    const hd = a.headDim
    const hdv = a.valueHeadDim ?? a.headDim
    const hkv = a.kvHeadsByLayer?.[il] ?? a.kvHeads
    const kType = cacheType(s.kvCacheType)
    const vType = cacheType(s.cacheTypeV ?? s.kvCacheType)
    const kCache = ctx.external(`cache_k_l${il}`, kType, [hkv * hd, cells, streams])
    const vCache = ctx.external(`cache_v_l${il}`, vType, [hkv * hdv, cells, streams])
    // cpy_k / cpy_v (src/llama-kv-cache.cpp): set_rows into the cache, both streams as one 2-D cache.
    const kFlat = ctx.view(k, [hkv * hd, tokens], [k.nb[2]], 0)
    const kDst = streams > 1 ? ctx.reshape(kCache, [hkv * hd, cells * streams]) : kCache
    order.expand(ctx.setRows(kDst, kFlat, inp.kIdxs))
    if (s.flashAttention) {
      const vFlat = ctx.view(v, [hkv * hdv, tokens], [v.nb[2]], 0)
      const vDst = streams > 1 ? ctx.reshape(vCache, [hkv * hdv, cells * streams]) : vCache
      order.expand(ctx.setRows(vDst, vFlat, inp.vIdxs))
    } else {
      const v2 = ctx.reshape(v, [hkv * hdv, tokens])
      const vView = ctx.reshape(vCache, [1, hkv * hdv * cells * streams])
      order.expand(ctx.setRows(vView, ctx.reshape(v2, [1, hkv * hdv * tokens]), inp.vIdxs))
    }
    const kRow = rowBytes(kType, hkv * hd)
    const kView = ctx.view(kCache, [hd, hkv, cells, streams], [rowBytes(kType, hd), kRow, kRow * cells], 0)
    const vView = s.flashAttention
      ? ctx.view(
          vCache,
          [hdv, hkv, cells, streams],
          [rowBytes(vType, hdv), rowBytes(vType, hkv * hdv), rowBytes(vType, hkv * hdv * cells)],
          0,
        )
      : ctx.view(
          vCache,
          [cells, hkv, hdv, streams],
          [rowBytes(vType, cells * hdv), rowBytes(vType, cells), rowBytes(vType, cells * hkv * hdv)],
          0,
        )
    const cur = this.rotate(this.attentionCore(q, kView, vView, inp.mask, opts), inp.vRot)
    const out = this.linear(wo, cur, opts.woBias ?? null)
    return out
  }

  /** build_attn_mha: flash attention, or KQ → soft_max → KQV with the transposed V cache. */
  private attentionCore(
    q: Tensor,
    k: Tensor,
    v: Tensor,
    mask: Tensor,
    opts: { sinks?: Tensor; softcap?: boolean },
  ): Tensor {
    const { ctx, order, streams } = this
    const q4 = ctx.view(
      q,
      [q.ne[0], q.ne[1], q.ne[2] / streams, streams],
      [q.nb[1], q.nb[2], q.nb[3] / streams],
      0,
    )
    const qp = ctx.permute(q4, [0, 2, 1, 3])
    const kp = ctx.permute(k, [0, 2, 1, 3])
    const vp = ctx.permute(v, [0, 2, 1, 3])
    let cur: Tensor
    if (this.s.flashAttention) {
      const fa = ctx.flashAttnExt(qp, kp, vp, mask, opts.sinks)
      cur = ctx.reshape(fa, [fa.ne[0] * fa.ne[1], fa.ne[2] * fa.ne[3]])
    } else {
      let kq = ctx.mulMat(kp, qp)
      if (opts.softcap) kq = ctx.like('SCALE', ctx.like('UNARY', ctx.like('SCALE', kq)))
      kq = ctx.softMax(kq, mask, opts.sinks)
      const kqv = ctx.mulMat(vp, kq)
      const p = ctx.permute(kqv, [0, 2, 1, 3])
      cur = ctx.cont(p, [p.ne[0] * p.ne[1], p.ne[2] * p.ne[3]])
    }
    order.expand(cur)
    return cur
  }

  /** build_qkv without a fused matrix: three products (and biases), reshaped to heads. */
  qkv(il: number, x: Tensor, bias: boolean): [Tensor, Tensor, Tensor] {
    const { a, ctx, tokens } = this
    const hkv = a.kvHeadsByLayer?.[il] ?? a.kvHeads
    const hdv = a.valueHeadDim ?? a.headDim
    const proj = (name: string, rows: number) =>
      this.linear(
        this.weight(`${name}.weight`, [this.E, rows]),
        x,
        bias ? this.weight(`${name}.bias`, [rows]) : null,
      )
    const q = proj('attn_q', a.heads * a.headDim)
    const k = proj('attn_k', hkv * a.headDim)
    const v = proj('attn_v', hkv * hdv)
    return [
      ctx.reshape(q, [a.headDim, a.heads, tokens]),
      ctx.reshape(k, [a.headDim, hkv, tokens]),
      ctx.reshape(v, [hdv, hkv, tokens]),
    ]
  }

  /** build_qkv with one fused [Q + K + V] matrix: views into its output (phi3). */
  fusedQkv(x: Tensor): [Tensor, Tensor, Tensor] {
    const { a, ctx, tokens } = this
    const q = a.heads * a.headDim
    const kv = a.kvHeads * a.headDim
    const qkv = this.linear(this.weight('attn_qkv.weight', [this.E, q + 2 * kv]), x)
    const view = (heads: number, offset: number) =>
      ctx.view(
        qkv,
        [a.headDim, heads, tokens],
        [rowBytes('f32', a.headDim), qkv.nb[1]],
        rowBytes('f32', offset),
      )
    return [view(a.heads, 0), view(a.kvHeads, q), view(a.kvHeads, q + kv)]
  }

  rope(x: Tensor, pos: Tensor): Tensor {
    return this.ctx.like('ROPE', x, [x, pos])
  }

  /** build_ffn with a parallel gate: gate and up products, the GLU, the down product. */
  ffn(x: Tensor): Tensor {
    const F = this.a.ffnSize
    const up = this.ctx.mulMat(this.weight('ffn_up.weight', [this.E, F]), x)
    const gate = this.ctx.mulMat(this.weight('ffn_gate.weight', [this.E, F]), x)
    const act = this.ctx.gluSplit(gate, up)
    return this.ctx.mulMat(this.weight('ffn_down.weight', [F, this.E]), act)
  }

  /** build_ffn with a fused gate+up matrix split by ggml_swiglu (phi3). */
  fusedGateUpFfn(x: Tensor): Tensor {
    const F = this.a.ffnSize
    const gateUp = this.ctx.mulMat(this.weight('ffn_up.weight', [this.E, 2 * F]), x)
    const act = this.ctx.tensor('GLU', 'f32', [F, gateUp.ne[1]], [gateUp])
    return this.ctx.mulMat(this.weight('ffn_down.weight', [F, this.E]), act)
  }

  /**
   * build_moe_ffn: router logits, probabilities, top-k experts and their weights, the selected
   * experts' products [F, k, B], weighted and summed over the k experts.
   */
  moeFfn(
    x: Tensor,
    opts: { gating: 'softmax' | 'softmax-weight'; normalize: boolean; bias: boolean },
  ): Tensor {
    const { ctx, order, tokens, E } = this
    const moe = this.a.moe!
    const n = moe.experts
    const k = moe.activeExperts
    const F = moe.expertFfnSize
    const b = (name: string, shape: number[]) => (opts.bias ? this.weight(name, shape) : null)
    let logits = ctx.mulMat(this.weight('ffn_gate_inp.weight', [E, n]), x)
    const routerBias = b('ffn_gate_inp.bias', [n])
    if (routerBias) logits = this.add(logits, routerBias)
    const probs = opts.gating === 'softmax' ? ctx.softMax(logits) : logits
    const selected = ctx.view(ctx.argsort(probs), [k, tokens], [probs.ne[0] * 4], 0)
    let weights = ctx.getRows(ctx.reshape(probs, [1, n, tokens]), selected)
    if (opts.gating === 'softmax-weight') {
      weights = ctx.reshape(ctx.softMax(ctx.reshape(weights, [k, tokens])), [1, k, tokens])
    }
    if (opts.normalize) {
      const w2 = ctx.reshape(weights, [k, tokens])
      const sum = ctx.like('CLAMP', ctx.sumRows(w2))
      weights = ctx.reshape(ctx.like('DIV', w2, [w2, sum]), [1, k, tokens])
    }
    order.expand(weights)
    const x3 = ctx.reshape(x, [E, 1, tokens])
    const withBias = (t: Tensor, name: string, shape: number[]) => {
      const bias = b(name, shape)
      return bias ? ctx.like('ADD_ID', t, [t, bias, selected]) : t
    }
    const up = withBias(
      ctx.mulMatId(this.weight('ffn_up_exps.weight', [E, F, n]), x3, selected),
      'ffn_up_exps.bias',
      [F, n],
    )
    const gate = withBias(
      ctx.mulMatId(this.weight('ffn_gate_exps.weight', [E, F, n]), x3, selected),
      'ffn_gate_exps.bias',
      [F, n],
    )
    const act = ctx.gluSplit(gate, up)
    let experts = withBias(
      ctx.mulMatId(this.weight('ffn_down_exps.weight', [F, E, n]), act, selected),
      'ffn_down_exps.bias',
      [E, n],
    )
    experts = this.mul(experts, weights)
    order.expand(experts)
    const slices = Array.from({ length: k }, (_, i) => {
      const v = ctx.view(experts, [E, tokens], [experts.nb[2]], i * experts.nb[1])
      order.expand(v)
      return v
    })
    let out = slices[0]!
    for (const slice of slices.slice(1)) {
      out = this.add(out, slice)
      order.expand(out)
    }
    return k === 1 ? ctx.cont(out) : out
  }

  /** build_inp_out_ids: the rows that become logits, every token at reserve time. */
  outputIds(): Tensor {
    return this.ctx.input('out_ids', 'i32', [this.tokens])
  }

  /** The output head: final norm, then logits; both are graph outputs (set_outputs). */
  outputHead(x: Tensor, finalNorm: (x: Tensor) => Tensor, softcap = false): void {
    const norm = finalNorm(x)
    norm.output = true
    let logits = this.ctx.mulMat(this.weight('output.weight', [this.E, this.a.vocabSize]), norm)
    if (softcap) logits = this.ctx.like('SCALE', this.ctx.like('UNARY', this.ctx.like('SCALE', logits)))
    logits.output = true
    this.order.expand(logits)
  }
}
