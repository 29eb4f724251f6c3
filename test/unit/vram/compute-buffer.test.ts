import { describe, expect, it } from 'vitest'
import { computeBufferBytes, hostComputeBufferBytes } from '../../../api/src/domain/vram/compute-buffer.ts'
import type { Architecture } from '../../../api/src/domain/vram/tensors.ts'
import { MIB, model } from './helpers.ts'

// Mistral-7B-class model inferred from its log (E=4096, H=32, V=32000): logs quoted in vram.md §3
// from fedora-copr/logdetective#106.
const mistral7b: Architecture = { ...model('mistral-7b-v0.3'), vocabSize: 32000 }

describe('compute buffer, flash attention off (Ollama GraphSize, vram.md §3)', () => {
  it('Llama-3-8B at C = 512: 258.50 MiB (llama.cpp log "CUDA0 compute buffer size = 258.50 MiB")', () => {
    expect(computeBufferBytes(model('llama-3.1-8b'), { contextLength: 512, ubatch: 512, flashAttention: false })).toBe(258.5 * MIB)
  })

  it('Mistral-7B class at C = 2048: 164.00 MiB (log 164.00)', () => {
    // The log prints MiB to 2 decimals: equal to within 0.005 MiB.
    expect(computeBufferBytes(mistral7b, { contextLength: 2048, ubatch: 512, flashAttention: false }) / MIB).toBeCloseTo(164, 2)
  })

  it('Mistral-7B class at C = 32768: 2144.00 MiB (log 2144.00) and host 72 MiB (log 72.01)', () => {
    const s = { contextLength: 32768, ubatch: 512, flashAttention: false }
    expect(computeBufferBytes(mistral7b, s) / MIB).toBeCloseTo(2144, 2)
    expect(hostComputeBufferBytes(mistral7b, s) / MIB).toBeCloseTo(72, 0)
  })
})

describe('compute buffer, flash attention on (derived, vram.md §3)', () => {
  it('is the logits tensor for large vocabularies: Llama-3 258.5 MiB, Gemma-2 ≈ 507 MiB at B = 512', () => {
    expect(computeBufferBytes(model('llama-3.1-8b'), { contextLength: 8192, ubatch: 512, flashAttention: true })).toBe(258.5 * MIB)
    const gemma = computeBufferBytes(model('gemma-2-9b'), { contextLength: 8192, ubatch: 512, flashAttention: true })
    expect(gemma / MIB).toBeCloseTo(507, 0)
  })

  it('halves with ubatch 256', () => {
    const a = model('llama-3.1-8b')
    expect(computeBufferBytes(a, { contextLength: 8192, ubatch: 256, flashAttention: true })).toBe((258.5 * MIB) / 2)
  })
})
