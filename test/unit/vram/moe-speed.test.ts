/**
 * MoE decode speed (throughput.ts MOE_LAYER_SECONDS, CPU_EXPERT_EFFICIENCY) against published runs, on the
 * published hardware: the planner's formula with the GPU's and host's bandwidth, not the lab's.
 */
import { describe, expect, it } from 'vitest'
import { fitModel } from '../../../api/src/domain/vram/fit-inference.ts'
import type { QuantPreset } from '../../../api/src/domain/vram/ggml-types.ts'
import { place } from '../../../api/src/domain/vram/placement.ts'
import { decodeTokensPerSecond } from '../../../api/src/domain/vram/throughput.ts'
import { weightLayout } from '../../../api/src/domain/vram/weights.ts'
import { model, settings4k } from './helpers.ts'

const GB = 1e9

/** Decode t/s of `id` at an empty context with the experts of layers 0 … k−1 on a host of `hostGBps`. */
function speed(id: string, q: QuantPreset, gpuGBps: number, hostGBps: number, k: number): number {
  const a = model(id)
  const s = settings4k
  const fm = fitModel(a, weightLayout(a, q), s)
  const gpus = [{ vramBytes: 48 * GB, bandwidthGBps: gpuGBps, node: 'bench' }]
  const placement = place(fm, gpus, a.layers + 1, k)
  return decodeTokensPerSecond({
    arch: a,
    fm,
    placement,
    gpus,
    hostBandwidthGBps: hostGBps,
    kv: s,
    position: 0,
    linkMbps: null,
  }).tokensPerSecond!
}

const within = (value: number, published: number) => Math.abs(value - published) / published

describe('MoE decode speed', () => {
  // Calibration: llama-bench tg128 on an RTX 4090 (1008 GB/s), https://github.com/ggml-org/llama.cpp/pull/16834.
  it('all on an RTX 4090: gpt-oss 20B MXFP4 186.1 t/s and Qwen3-30B-A3B Q4_0 161.6 t/s, within 3 %', () => {
    expect(within(speed('gpt-oss-20b', 'MXFP4', 1008, 60, 0), 186.1)).toBeLessThan(0.03)
    expect(within(speed('qwen3-30b-a3b', 'Q4_0', 1008, 60, 0), 161.55)).toBeLessThan(0.03)
  })

  // Check: RTX 2080 (448 GB/s) + i9-10900X (102 GB/s measured), llama.cpp server, 4096 context.
  // Published runs: Qwen3-30B-A3B 36.7 t/s (llmfit#755), gpt-oss-20B 36.4 t/s (llmfit#775).
  it('experts on the CPU: Qwen3-30B-A3B --n-cpu-moe 36 and gpt-oss-20B --n-cpu-moe 12, within 12 %', () => {
    expect(within(speed('qwen3-30b-a3b', 'Q4_K_M', 448, 102, 36), 36.7)).toBeLessThan(0.12)
    expect(within(speed('gpt-oss-20b', 'MXFP4', 448, 102, 12), 36.4)).toBeLessThan(0.12)
  })

  it('a dense model gets no MoE term: Llama 3.1 8B Q4_K_M on an RTX 2080 stays at 71.9 t/s ± 3 % (llmfit#773)', () => {
    const a = model('llama-3.1-8b')
    const s = settings4k
    const fm = fitModel(a, weightLayout(a, 'Q4_K_M'), s)
    const gpus = [{ vramBytes: 48 * GB, bandwidthGBps: 448, node: 'bench' }]
    const t = decodeTokensPerSecond({
      arch: a,
      fm,
      placement: place(fm, gpus, a.layers + 1),
      gpus,
      hostBandwidthGBps: 60,
      kv: s,
      position: 0,
      linkMbps: null,
    })
    expect(within(t.tokensPerSecond!, 71.9)).toBeLessThan(0.03)
  })
})
