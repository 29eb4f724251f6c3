/**
 * ggml-alloc's placement on graphs small enough to work out by hand (ggml/src/ggml-alloc.c:
 * inputs first, best fit among the holes, the open end otherwise, in place over a source read
 * by nobody else, free after the last reader; 32-byte alignment on the CPU). The model graphs
 * themselves are checked against llama.cpp in accuracy.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { GraphOrder, reservedBytes } from '../../../api/src/domain/vram/graph/allocator.ts'
import { GraphContext, type Tensor } from '../../../api/src/domain/vram/graph/ggml.ts'

function reserve(ctx: GraphContext, roots: Tensor[]): number {
  const order = new GraphOrder()
  for (const r of roots) order.expand(r)
  return reservedBytes(order, ctx.count)
}

describe('graph allocator (ggml-alloc)', () => {
  it('frees a tensor after its last reader and puts the next one in the open end when no hole fits', () => {
    const ctx = new GraphContext()
    const x = ctx.input('x', 'f32', [8]) // 32 B at 0
    const u = ctx.cont(x, [64]) // 256 B at 32 → end 288; x freed: hole [0, 32)
    const v = ctx.cont(u, [64]) // 256 B: the 32 B hole is too small → open end at 288 → 544
    expect(reserve(ctx, [v])).toBe(544)
  })

  it('computes an in-place op over its only reader instead of allocating', () => {
    const ctx = new GraphContext()
    const x = ctx.input('x', 'f32', [8])
    const u = ctx.cont(x, [64]) // 256 B at 32 → 288
    const v = ctx.like('SCALE', u) // same layout, u read only here → u's memory
    expect(reserve(ctx, [v])).toBe(288)
  })

  it('never writes over a graph output, so the next op needs memory of its own', () => {
    const ctx = new GraphContext()
    const x = ctx.input('x', 'f32', [8])
    const u = ctx.cont(x, [64])
    u.output = true
    const v = ctx.like('SCALE', u) // 256 B at 288 → 544
    expect(reserve(ctx, [v])).toBe(544)
  })

  it('puts the next tensor that fits into the hole a freed one left, and rounds sizes to 32 bytes', () => {
    const ctx = new GraphContext()
    const x = ctx.input('x', 'f32', [1]) // 4 B → [0, 32)
    const big = ctx.cont(x, [40]) // 160 B → [32, 192)
    const small = ctx.cont(big, [16]) // 64 B → [192, 256); big freed: hole [32, 192)
    const mid = ctx.cont(small, [20]) // 80 B → the hole, [32, 112); small freed
    const keep = ctx.cont(x, [8]) // 32 B → [112, 144); x freed
    const sum = ctx.like('ADD', mid, [mid, ctx.cont(keep, [20])]) // 80 B → [144, 224); sum in place over mid
    // Evaluation order (depth first from `sum`): big, small, mid, keep, cont(keep), sum; peak at small's end.
    expect(reserve(ctx, [sum])).toBe(256)
  })

  it('keeps a tensor alive until the last reader of a view of it ran', () => {
    const ctx = new GraphContext()
    const x = ctx.input('x', 'f32', [8]) // [0, 32)
    const u = ctx.cont(x, [64]) // [32, 288); x freed
    const half = ctx.view(u, [32], [], 0) // memory of u
    const a = ctx.cont(half, [32]) // 128 B: u is still live → [288, 416); then u is freed
    const b = ctx.cont(a, [64]) // 256 B → the hole [0, 288)
    // Were u freed when `half` was made, `a` would take u's place and the peak would stay at 288.
    expect(reserve(ctx, [b])).toBe(416)
  })
})
