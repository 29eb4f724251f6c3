/**
 * Just enough of ggml to know the size of every tensor llama.cpp's compute graph creates: shapes,
 * element types, strides, views and sources, no data. Each constructor mirrors the ggml function
 * of the same name (ggml/src/ggml.c): which ops make a fresh tensor, which return a view of their
 * input (reshape, view, permute, set_rows) and which ggml-alloc may compute in place.
 */

export type TensorType = 'f32' | 'f16' | 'i32' | 'i64' | 'q8_0' | 'q4_0'

/** Bytes per block and elements per block (ggml/src/ggml.c type_traits). */
const TYPE_TRAITS: Record<TensorType, { blockBytes: number; blockSize: number }> = {
  f32: { blockBytes: 4, blockSize: 1 },
  f16: { blockBytes: 2, blockSize: 1 },
  i32: { blockBytes: 4, blockSize: 1 },
  i64: { blockBytes: 8, blockSize: 1 },
  q8_0: { blockBytes: 34, blockSize: 32 },
  q4_0: { blockBytes: 18, blockSize: 32 },
}

/** Ops ggml-alloc may write over their first fitting source (ggml-alloc.c ggml_op_can_inplace). */
const INPLACE_OPS = new Set([
  'SCALE',
  'ADD',
  'ADD_ID',
  'MUL',
  'DIV',
  'SQR',
  'SQRT',
  'UNARY',
  'ROPE',
  'RMS_NORM',
  'CLAMP',
  'SOFT_MAX',
])

export interface Tensor {
  readonly id: number
  name: string
  readonly op: string
  readonly type: TensorType
  readonly ne: readonly [number, number, number, number]
  readonly nb: readonly [number, number, number, number]
  readonly src: readonly Tensor[]
  /** The tensor whose memory this one views; null for a tensor with memory of its own. */
  readonly viewSrc: Tensor | null
  readonly viewOffsetBytes: number
  /** Weights and the KV cache: memory outside the compute buffer. */
  readonly external: boolean
  input: boolean
  output: boolean
}

type Shape = readonly number[]

export const canInplace = (t: Tensor) => INPLACE_OPS.has(t.op)

export function rowBytes(type: TensorType, elements: number): number {
  const { blockBytes, blockSize } = TYPE_TRAITS[type]
  return (blockBytes * elements) / blockSize
}

/** ggml_nbytes: the span a tensor's strides cover. */
export function tensorBytes(t: Tensor): number {
  if (t.ne.some((n) => n === 0)) return 0
  const { blockSize } = TYPE_TRAITS[t.type]
  let bytes = (t.ne[0] * t.nb[0]) / blockSize
  for (let i = 1; i < 4; i++) bytes += (t.ne[i]! - 1) * t.nb[i]!
  return bytes
}

export const sameLayout = (a: Tensor, b: Tensor) =>
  a.type === b.type && a.ne.every((n, i) => n === b.ne[i]) && a.nb.every((n, i) => n === b.nb[i])

const pad4 = (shape: Shape): [number, number, number, number] => [
  shape[0] ?? 1,
  shape[1] ?? 1,
  shape[2] ?? 1,
  shape[3] ?? 1,
]

function contiguousStrides(type: TensorType, ne: readonly number[]): [number, number, number, number] {
  const { blockBytes, blockSize } = TYPE_TRAITS[type]
  const nb0 = blockBytes
  const nb1 = (nb0 * ne[0]!) / blockSize
  return [nb0, nb1, nb1 * ne[1]!, nb1 * ne[1]! * ne[2]!]
}

/** One graph under construction: hands out tensor ids in creation order. */
export class GraphContext {
  private nextId = 0

  /** Tensors made so far; ids run 0..count-1, so per-tensor state can live in flat arrays. */
  get count(): number {
    return this.nextId
  }

  private make(
    op: string,
    type: TensorType,
    ne: Tensor['ne'],
    nb: Tensor['nb'],
    src: Tensor[],
    viewSrc: Tensor | null,
    viewOffsetBytes: number,
    external: boolean,
  ): Tensor {
    const id = this.nextId++
    return {
      id,
      name: '',
      op,
      type,
      ne,
      nb,
      src,
      viewSrc,
      viewOffsetBytes,
      external,
      input: false,
      output: false,
    }
  }

  /** A tensor with memory outside the compute buffer (a weight, a cache). */
  external(name: string, type: TensorType, shape: Shape): Tensor {
    const ne = pad4(shape)
    const t = this.make('NONE', type, ne, contiguousStrides(type, ne), [], null, 0, true)
    t.name = name
    return t
  }

  /** ggml_new_tensor: fresh memory the allocator places. */
  tensor(op: string, type: TensorType, shape: Shape, src: Tensor[] = []): Tensor {
    const ne = pad4(shape)
    return this.make(op, type, ne, contiguousStrides(type, ne), src, null, 0, false)
  }

  /** A graph input llama.cpp fills before each run (ggml_set_input). */
  input(name: string, type: TensorType, shape: Shape): Tensor {
    const t = this.tensor('NONE', type, shape)
    t.name = name
    t.input = true
    return t
  }

  private viewOf(
    op: string,
    a: Tensor,
    ne: Tensor['ne'],
    nb: Tensor['nb'],
    offsetBytes: number,
    src: Tensor[],
  ): Tensor {
    // A view of a view points at the memory owner (ggml_view_impl / ggml_new_tensor_impl).
    const owner = a.viewSrc ?? a
    return this.make(op, a.type, ne, nb, src, owner, a.viewOffsetBytes + offsetBytes, false)
  }

  /** ggml_reshape_*d: same memory, new shape (the source must be contiguous). */
  reshape(a: Tensor, shape: Shape): Tensor {
    const ne = pad4(shape)
    return this.viewOf('RESHAPE', a, ne, contiguousStrides(a.type, ne), 0, [a])
  }

  /** ggml_view_*d: strides in bytes for dimensions 1..3, an offset in bytes. */
  view(a: Tensor, shape: Shape, strides: readonly number[], offsetBytes: number): Tensor {
    const ne = pad4(shape)
    const nb0 = TYPE_TRAITS[a.type].blockBytes
    const nb1 = strides[0] ?? rowBytes(a.type, ne[0])
    const nb2 = strides[1] ?? nb1 * ne[1]
    const nb3 = strides[2] ?? nb2 * ne[2]
    return this.viewOf('VIEW', a, ne, [nb0, nb1, nb2, nb3], offsetBytes, [a])
  }

  /** ggml_view_tensor: the whole tensor, as the result of an op that writes into it. */
  viewTensor(op: string, a: Tensor, src: Tensor[]): Tensor {
    return this.viewOf(op, a, a.ne, a.nb, 0, src)
  }

  permute(a: Tensor, axes: readonly [number, number, number, number]): Tensor {
    const ne: [number, number, number, number] = [1, 1, 1, 1]
    const nb: [number, number, number, number] = [0, 0, 0, 0]
    axes.forEach((to, from) => {
      ne[to] = a.ne[from]!
      nb[to] = a.nb[from]!
    })
    return this.viewOf('PERMUTE', a, ne, nb, 0, [a])
  }

  /** An op whose result has its input's shape and type (ggml_dup_tensor). */
  like(op: string, a: Tensor, src: Tensor[] = [a]): Tensor {
    return this.tensor(op, a.type, a.ne, src)
  }

  mulMat(w: Tensor, x: Tensor): Tensor {
    return this.tensor('MUL_MAT', 'f32', [w.ne[1], x.ne[1], x.ne[2], x.ne[3]], [w, x])
  }

  /** ggml_mul_mat_id: the experts `ids` picks, [rows, n_used, tokens]. */
  mulMatId(w: Tensor, x: Tensor, ids: Tensor): Tensor {
    return this.tensor('MUL_MAT_ID', 'f32', [w.ne[1], ids.ne[0], x.ne[2], 1], [w, x, ids])
  }

  getRows(a: Tensor, rows: Tensor): Tensor {
    const type = a.type === 'i32' ? 'i32' : 'f32'
    return this.tensor('GET_ROWS', type, [a.ne[0], rows.ne[0], rows.ne[1], rows.ne[2]], [a, rows])
  }

  /** ggml_set_rows: writes rows of `b` into `a` (a cache) and returns a view of `a`. */
  setRows(a: Tensor, b: Tensor, rows: Tensor): Tensor {
    return this.viewTensor('SET_ROWS', a, [b, rows, a])
  }

  cont(a: Tensor, shape: Shape = a.ne): Tensor {
    return this.tensor('CONT', a.type, shape, [a])
  }

  /** ggml_glu_split (swiglu, geglu, swiglu_oai): [ne0 of a, …]. */
  gluSplit(a: Tensor, b: Tensor): Tensor {
    return this.tensor('GLU', a.type, a.ne, [a, b])
  }

  softMax(a: Tensor, mask?: Tensor, sinks?: Tensor): Tensor {
    return this.like('SOFT_MAX', a, [a, ...(mask ? [mask] : []), ...(sinks ? [sinks] : [])])
  }

  /** ggml_flash_attn_ext: [head_dim_v, heads, tokens, streams], f32. */
  flashAttnExt(q: Tensor, k: Tensor, v: Tensor, mask: Tensor, sinks?: Tensor): Tensor {
    const ne = [v.ne[0], q.ne[2], q.ne[1], q.ne[3]]
    return this.tensor('FLASH_ATTN_EXT', 'f32', ne, [q, k, v, mask, ...(sinks ? [sinks] : [])])
  }

  /** ggml_argsort: i32 indices, [ne0, …]. */
  argsort(a: Tensor): Tensor {
    return this.tensor('ARGSORT', 'i32', a.ne, [a])
  }

  sumRows(a: Tensor): Tensor {
    return this.tensor('SUM_ROWS', a.type, [1, a.ne[1], a.ne[2], a.ne[3]], [a])
  }
}
