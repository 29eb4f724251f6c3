/** Host RAM of a plan (api/src/domain/vram/host-memory.ts): stated in every answer, enforced where known. */
import { describe, expect, it } from 'vitest'
import type { Catalog } from '../../../api/src/domain/catalog/catalog.ts'
import { planVramFit } from '../../../api/src/domain/vram/plan-vram-fit.ts'
import { VramFitRequestSchema, type VramFitRequestInput } from '../../../api/src/domain/vram/schemas.ts'
import { weightLayout } from '../../../api/src/domain/vram/weights.ts'
import { catalog, GIB, model, plan } from './helpers.ts'

/** The lab with MERAXES's RAM recorded, as `free -b` would give it. */
function withRam(bytes: number): Catalog {
  return {
    ...catalog,
    nodes: catalog.nodes.map((n) =>
      n.id === 'meraxes' ? { ...n, platform: { ...n.platform, hostMemoryBytes: bytes } } : n,
    ),
  }
}
const planOn = (c: Catalog, input: VramFitRequestInput) =>
  planVramFit(VramFitRequestSchema.parse(input), c).results[0]!

describe('host memory', () => {
  it('every inference answer states it; unknown RAM says so and names free -b', () => {
    const r = plan({ model: 'llama-3.1-8b', contextLength: 8192, targets: ['meraxes'] }).results[0]!
    const h = r.hostMemory!
    expect(h.nodeMemoryBytes).toBeNull()
    expect(h.fits).toBeNull()
    expect(h.note).toContain('free -b')
    // Full offload: token_embd (Q4_K 128256 × 4096: 281.81 MiB) + CUDA_Host compute + logits stay on the host.
    expect(h.weightsBytes).toBe(weightLayout(model('llama-3.1-8b'), 'Q4_K_M').inputBytes)
    expect(h.totalBytes).toBe(h.weightsBytes + h.kvCacheBytes + h.computeBufferBytes + h.outputBufferBytes)
    expect(h.mmap).toBe(true)
    expect(r.notes.join(' ')).toContain('host memory')
  })

  it("a partial offload counts the CPU layers and their KV; beyond the node's RAM it does not fit", () => {
    const input: VramFitRequestInput = {
      model: 'llama-3.1-70b',
      runtime: 'llama.cpp',
      contextLength: 32768,
      targets: ['meraxes'],
    }
    const big = planOn(withRam(128 * GIB), input)
    expect(big.verdict).toBe('partial-offload')
    const h = big.hostMemory!
    expect(h.fits).toBe(true)
    expect(h.kvCacheBytes).toBe(big.breakdown!.kvCacheHostBytes)
    // Each CPU layer keeps its KV on the host: 32768 cells × (8 KV heads × 128) × 2 (K and V) × 2 B (f16).
    expect(h.kvCacheBytes).toBe((80 - big.gpuLayers!) * 32768 * 8 * 128 * 2 * 2)
    const small = planOn(withRam(16 * GIB), input)
    expect(small.verdict).toBe('does-not-fit')
    expect(small.hostMemory!.fits).toBe(false)
    expect(small.tokensPerSecond).toBeNull()
    expect(small.notes.join(' ')).toContain('more than MERAXES')
  })
})
