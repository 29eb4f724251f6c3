/**
 * Fine-tuning memory (docs/research/vram-formulas.md#training, after EleutherAI "Transformer Math 101"):
 * total = weights + gradients + optimizer states + activations + loss-head logits + overhead.
 * PyTorch/HF Trainer, bf16 (fp16 on GPUs without BF16), one GPU.
 */
import type { Architecture } from './tensors.ts'
import type { WeightLayout } from './weights.ts'
import { GPU_OVERHEAD_BYTES } from './placement.ts'

export interface TrainingSettings {
  mode: 'full' | 'lora' | 'qlora'
  sequenceLength: number
  microBatch: number
  gradientCheckpointing: boolean
  optimizer: 'adamw' | 'adamw-8bit'
  loraRank: number
  /** FlashAttention-2 / memory-efficient attention: without it eager attention stores s² scores. */
  flashAttention: boolean
}

export interface TrainingMemory {
  weightsBytes: number
  gradientsBytes: number
  optimizerBytes: number
  activationsBytes: number
  logitsBytes: number
  overheadBytes: number
  totalGpuBytes: number
  trainableParameters: number
}

/**
 * NF4 with double quantization: 4 + 8/64 + 32/(64·256) = 4.127 bits
 * (QLoRA paper; docs/research/vram-formulas.md#training).
 */
export const QLORA_BYTES_PER_PARAM = 4.127 / 8

/** The seven adapted projections of a layer: (d_in, d_out) for q, k, v, o, gate, up, down. */
function loraParameters(a: Architecture, rank: number): number {
  const E = a.hiddenSize
  const q = a.heads * a.headDim
  const kv = a.kvHeads * a.headDim
  const F = a.moe ? a.moe.expertFfnSize * a.moe.experts : a.ffnSize
  const perLayer = E + q + 2 * (E + kv) + (q + E) + 3 * (E + F)
  return rank * perLayer * a.layers
}

/**
 * Per token per layer ≈ 12E + 4·Hkv·Dh + 8F bytes
 * (derived Llama-style variant, docs/research/vram-formulas.md#training).
 */
function activationBytes(a: Architecture, s: TrainingSettings): number {
  const tokens = s.sequenceLength * s.microBatch
  const F = a.moe ? a.moe.activeExperts * a.moe.expertFfnSize : a.ffnSize
  const perLayer = 12 * a.hiddenSize + 4 * a.kvHeads * a.headDim + 8 * F
  // Eager attention (no FA2): + 5·a·s²·b bytes per layer (TM101).
  const eager = s.flashAttention ? 0 : 5 * a.heads * s.sequenceLength ** 2 * s.microBatch
  if (!s.gradientCheckpointing) return a.layers * (tokens * perLayer + eager)
  // Checkpointing: each layer keeps its input (2·E bytes/token), plus one layer recomputed at a time.
  return a.layers * tokens * 2 * a.hiddenSize + tokens * perLayer + eager
}

/** Bytes per trainable parameter for gradients and optimizer states. */
function optimizerBytesPerParam(s: TrainingSettings, full: boolean): { grad: number; opt: number } {
  // Full: bf16 grads + fp32 master + m + v (12 B), or 4 + 1 + 1 with 8-bit Adam. LoRA: fp32 adapters.
  if (full) return { grad: 2, opt: s.optimizer === 'adamw' ? 12 : 6 }
  return { grad: 4, opt: s.optimizer === 'adamw' ? 8 : 2 }
}

export function trainingMemory(a: Architecture, w: WeightLayout, s: TrainingSettings): TrainingMemory {
  const P = w.parameterCount
  const embeddingParams = a.hiddenSize * a.vocabSize * (a.tiedEmbeddings ? 1 : 2)
  const trainable = s.mode === 'full' ? P : loraParameters(a, s.loraRank)
  const { grad, opt } = optimizerBytesPerParam(s, s.mode === 'full')
  const frozen =
    s.mode === 'qlora'
      ? Math.round((P - embeddingParams) * QLORA_BYTES_PER_PARAM) + 2 * embeddingParams
      : 2 * P
  const adapters = s.mode === 'full' ? 0 : 4 * trainable
  const weightsBytes = frozen + adapters
  const gradientsBytes = grad * trainable
  const optimizerBytes = opt * trainable
  const activationsBytes = activationBytes(a, s)
  // HF computes fp32 logits: bf16 logits + fp32 upcast + fp32 grad ≈ 10·s·b·V bytes
  // (docs/research/vram-formulas.md#training).
  const logitsBytes = 10 * s.sequenceLength * s.microBatch * a.vocabSize
  const overheadBytes = GPU_OVERHEAD_BYTES
  const totalGpuBytes =
    weightsBytes + gradientsBytes + optimizerBytes + activationsBytes + logitsBytes + overheadBytes
  return {
    weightsBytes,
    gradientsBytes,
    optimizerBytes,
    activationsBytes,
    logitsBytes,
    overheadBytes,
    totalGpuBytes,
    trainableParameters: trainable,
  }
}
