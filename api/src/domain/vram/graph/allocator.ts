/**
 * The compute buffer is what ggml's graph allocator reserves for one graph, so it is computed here
 * the way ggml does it, not estimated: the graph's nodes in ggml's evaluation order
 * (ggml/src/ggml.c ggml_visit_parents_graph: sources depth-first, left to right), then
 * ggml-alloc's walk over them (ggml/src/ggml-alloc.c ggml_gallocr_alloc_graph_impl): graph inputs
 * first, each node placed by the dynamic allocator's best fit among the free blocks, or computed in
 * place over a source nobody else reads, and each tensor freed once its last reader ran. The
 * buffer is the highest offset ever used, holes included, which is why no sum of live tensors
 * matches it exactly (docs/research/vram-formulas.md#compute-buffer).
 */
import { canInplace, sameLayout, tensorBytes, type Tensor } from './ggml.ts'

/** ggml-cpu's buffer alignment (ggml/src/ggml-impl.h TENSOR_ALIGNMENT); CUDA's is 128. */
const BUFFER_ALIGNMENT_BYTES = 32

interface Graph {
  nodes: Tensor[]
  leafs: Tensor[]
}

/** ggml_build_forward_expand, called once per root in the order the graph builder calls it. */
export class GraphOrder implements Graph {
  readonly nodes: Tensor[] = []
  readonly leafs: Tensor[] = []
  private readonly seen: boolean[] = []

  expand(root: Tensor): void {
    // Iterative depth-first post-order: a 100-layer graph nests far deeper than a safe recursion.
    const tensors: Tensor[] = []
    const next: number[] = []
    const enter = (t: Tensor) => {
      if (this.seen[t.id]) return
      this.seen[t.id] = true
      tensors.push(t)
      next.push(0)
    }
    enter(root)
    while (tensors.length > 0) {
      const top = tensors.length - 1
      const t = tensors[top]!
      if (next[top]! < t.src.length) {
        enter(t.src[next[top]!++]!)
        continue
      }
      tensors.pop()
      next.pop()
      if (t.op === 'NONE') this.leafs.push(t)
      else this.nodes.push(t)
    }
  }
}

interface FreeBlock {
  offset: number
  size: number
}

const align = (n: number) => Math.ceil(n / BUFFER_ALIGNMENT_BYTES) * BUFFER_ALIGNMENT_BYTES

/** ggml_dyn_tallocr with one chunk (a CPU or CUDA buffer has no size limit that splits it). */
class DynamicAllocator {
  private readonly blocks: FreeBlock[] = [{ offset: 0, size: Number.MAX_SAFE_INTEGER }]
  maxBytes = 0

  alloc(bytes: number): number {
    const size = align(bytes)
    // Best fit among every free block but the last (the open end); ties go to the later block.
    let best = -1
    for (let i = 0; i < this.blocks.length - 1; i++) {
      const b = this.blocks[i]!
      if (b.size >= size && (best === -1 || b.size <= this.blocks[best]!.size)) best = i
    }
    if (best === -1) best = this.blocks.length - 1
    const block = this.blocks[best]!
    const offset = block.offset
    block.offset += size
    block.size -= size
    if (block.size === 0) this.blocks.splice(best, 1)
    this.maxBytes = Math.max(this.maxBytes, offset + size)
    return offset
  }

  /** The free list as text: two runs with the same free list and live set continue identically. */
  signature(): string {
    return this.blocks.map((b) => `${b.offset}+${b.size}`).join(',')
  }

  free(offset: number, bytes: number): void {
    const size = align(bytes)
    for (let i = 0; i < this.blocks.length; i++) {
      const b = this.blocks[i]!
      if (b.offset + b.size === offset) {
        b.size += size
        const next = this.blocks[i + 1]
        if (next && b.offset + b.size === next.offset) {
          b.size += next.size
          this.blocks.splice(i + 1, 1)
        }
        return
      }
      if (offset + size === b.offset) {
        b.offset = offset
        b.size += size
        const prev = this.blocks[i - 1]
        if (prev && prev.offset + prev.size === b.offset) {
          prev.size += b.size
          this.blocks.splice(i, 1)
        }
        return
      }
    }
    let at = 0
    while (at < this.blocks.length && this.blocks[at]!.offset < offset) at++
    this.blocks.splice(at, 0, { offset, size })
  }
}

export interface Reservation {
  bytes: number
  /**
   * Allocator state (free list and the placement of every live tensor) at each node index of
   * `checkpoints`, for the caller to find where the placement starts repeating.
   */
  states: string[]
}

/**
 * Bytes ggml-alloc reserves for the graph: the allocator's high-water mark. `tensorCount` bounds
 * the tensor ids, so the per-tensor bookkeeping (children, views, placement) is flat arrays.
 */
export function reservedBytes(graph: Graph, tensorCount: number): number {
  return reserve(graph, tensorCount, []).bytes
}

export function reserve(graph: Graph, tensorCount: number, checkpoints: readonly number[]): Reservation {
  const children = new Int32Array(tensorCount)
  const views = new Int32Array(tensorCount)
  const allocated = new Uint8Array(tensorCount)
  const offsets = new Float64Array(tensorCount)
  const heap = new DynamicAllocator()

  const allocate = (node: Tensor) => {
    const id = node.id
    if (node.external || allocated[id] || node.viewSrc) return
    allocated[id] = 1
    if (canInplace(node)) {
      for (const parent of node.src) {
        const p = parent.id
        // A view parent is never "own" here: its memory belongs to its view source.
        if (!allocated[p] || parent.output || !sameLayout(node, parent)) continue
        if (children[p] === 1 && views[p] === 0) {
          offsets[id] = offsets[p]!
          allocated[p] = 0
          return
        }
      }
    }
    offsets[id] = heap.alloc(tensorBytes(node))
  }
  const free = (t: Tensor) => {
    if (t.output) return
    heap.free(offsets[t.id]!, tensorBytes(t))
    allocated[t.id] = 0
  }

  for (const leaf of graph.leafs) allocate(leaf)
  for (const node of graph.nodes) {
    if (node.viewSrc) views[node.viewSrc.id]!++
    if (node.input) allocate(node)
    for (const src of node.src) {
      children[src.id]!++
      if (src.input) allocate(src)
    }
  }
  const states: string[] = []
  const live = new Set<Tensor>()
  let next = 0
  for (const [i, node] of graph.nodes.entries()) {
    if (i === checkpoints[next]) {
      next++
      const placed = [...live].filter((t) => allocated[t.id]).map((t) => `${offsets[t.id]}:${tensorBytes(t)}`)
      states.push(`${heap.signature()}|${placed.sort().join(',')}`)
    }
    if (checkpoints.length > 0 && !node.viewSrc) live.add(node)
    allocate(node)
    for (const parent of node.src) {
      const p = parent.id
      if (--children[p]! !== 0 || views[p] !== 0) continue
      const owner = parent.viewSrc
      if (owner) {
        const o = owner.id
        if (--views[o]! === 0 && children[o] === 0 && allocated[o]) free(owner)
      } else if (allocated[p]) free(parent)
    }
  }
  return { bytes: heap.maxBytes, states }
}
