import { describe, expect, it } from 'vitest'
import { kvCacheBytes, layerCells, type KvSettings } from '../../../api/src/domain/vram/kv-cache.ts'
import { GIB, MIB, model } from './helpers.ts'

const base: KvSettings = { contextLength: 8192, parallel: 1, ubatch: 512, kvCacheType: 'f16' }

describe('KV cache (llama.cpp src/llama-kv-cache.cpp, docs/research/vram-formulas.md#kv-cache)', () => {
  it('Llama-3.1-8B f16 at 8192 context is exactly 1024 MiB (32 layers × 8192 × 2 × 8·128 × 2 B)', () => {
    expect(kvCacheBytes(model('llama-3.1-8b'), base)).toBe(1024 * MIB)
  })

  it('q8_0 is 17/32 and q4_0 9/32 of f16 (34 and 18 bytes per 32-element block)', () => {
    const a = model('llama-3.1-8b')
    expect(kvCacheBytes(a, { ...base, kvCacheType: 'q8_0' })).toBe((1024 * MIB * 17) / 32)
    expect(kvCacheBytes(a, { ...base, kvCacheType: 'q4_0' })).toBe((1024 * MIB * 9) / 32)
  })

  it('pads the context to 256 cells', () => {
    const a = model('llama-3.1-8b')
    expect(kvCacheBytes(a, { ...base, contextLength: 8000 })).toBe(
      kvCacheBytes(a, { ...base, contextLength: 8192 }),
    )
    expect(kvCacheBytes(a, { ...base, contextLength: 8193 })).toBe(
      kvCacheBytes(a, { ...base, contextLength: 8448 }),
    )
  })

  it('multiplies by parallel sequences (each of np streams holds the context)', () => {
    const a = model('llama-3.1-8b')
    expect(kvCacheBytes(a, { ...base, parallel: 4 })).toBe(4 * 1024 * MIB)
  })

  // Gemma-2-9B by hand: 336 KiB per token up to 4608 cells; beyond, 168 KiB + 21 SWA layers × 4608 cells × 8 KiB
  // (756 MiB). llama.cpp logs the same caches at 8192 tokens: 8192 and 4608 cells (docs/accuracy/llama-cpp-cpu.json).
  it('Gemma-2-9B: SWA layers stop at pad256(4096 + 512) = 4608 cells', () => {
    const a = model('gemma-2-9b')
    expect(layerCells(a, 0, base)).toBe(4608)
    expect(layerCells(a, 1, base)).toBe(8192)
    expect(kvCacheBytes(a, { ...base, contextLength: 4608 })).toBe(4608 * 336 * 1024)
    expect(kvCacheBytes(a, base)).toBe(8192 * 168 * 1024 + 756 * MIB)
  })

  it('Gemma-3-12B: 40 SWA layers of 1536 cells ("creating SWA KV cache, size = 1536 cells"), 8 global', () => {
    const a = model('gemma-3-12b')
    const s = { ...base, contextLength: 131072 }
    expect(layerCells(a, 0, s)).toBe(1536)
    expect(layerCells(a, 5, s)).toBe(131072)
    expect(kvCacheBytes(a, s)).toBe(131072 * 64 * 1024 + 480 * MIB)
  })

  it('gpt-oss-20b: 24 KiB per token on 12 full layers + 12 × 768 cells × 2 KiB (18 MiB)', () => {
    const a = model('gpt-oss-20b')
    expect(kvCacheBytes(a, { ...base, contextLength: 32768 })).toBe(32768 * 24 * 1024 + 18 * MIB)
  })

  it('Llama-3.1-70B at 131072 is 40 GiB (320 KiB per token)', () => {
    expect(kvCacheBytes(model('llama-3.1-70b'), { ...base, contextLength: 131072 })).toBe(40 * GIB)
  })
})
