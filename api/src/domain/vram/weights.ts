/**
 * Weight bytes per tensor, grouped the way llama.cpp places them
 * (docs/research/vram-formulas.md#weights-placement): the input
 * embedding on the host, repeating layers where -ngl puts them, the output head on the GPU only
 * when every layer is offloaded (and, for tied embeddings, as a duplicate of token_embd).
 */
import { ggmlBytes, type GgmlType, type QuantPreset } from './ggml-types.ts'
import { tensorType, type QuantOptions } from './quant-rules.ts'
import { elementsOf, tensorList, type Architecture } from './tensors.ts'

export interface TypedTensor {
  name: string
  layer: number
  shape: number[]
  type: GgmlType
  bytes: number
}

export interface WeightLayout {
  tensors: TypedTensor[]
  /** All tensor data as the GGUF file holds it (tied embeddings counted once). */
  fileBytes: number
  parameterCount: number
  /** token_embd: always host-resident in llama.cpp ("little benefit to offloading the input layer"). */
  inputBytes: number
  /** Bytes of each repeating layer, index = block. */
  layerBytes: number[]
  /** Expert-tensor bytes of each layer (MoE only): decode reads activeExperts/experts of them. */
  layerExpertBytes: number[]
  /** Largest single matrix of each layer: what a partial offload streams into the compute buffer. */
  layerLargestBytes: number[]
  /** output_norm + output (or the tied duplicate of token_embd): GPU-resident only at full offload. */
  outputBytes: number
  /** What the output head adds to host memory when it stays on the CPU (tied: only output_norm). */
  outputHostBytes: number
  /** Bytes by ggml type over the file, for display. */
  bytesByType: Partial<Record<GgmlType, number>>
}

export function typedTensors(
  a: Architecture,
  preset: QuantPreset,
  options: QuantOptions = {},
): TypedTensor[] {
  return tensorList(a).map((t) => {
    const type = tensorType(t, a, preset, options)
    return { ...t, type, bytes: ggmlBytes(type, elementsOf(t)) }
  })
}

/** `options`: an importance matrix, a recipe's own non-expert type (see quant-rules.ts). */
export function weightLayout(a: Architecture, preset: QuantPreset, options: QuantOptions = {}): WeightLayout {
  return layoutOfTensors(a, typedTensors(a, preset, options))
}

/** Groups typed tensors (emulated, or declared by a GGUF file) by where llama.cpp places them. */
export function layoutOfTensors(a: Architecture, tensors: TypedTensor[]): WeightLayout {
  const layerBytes = new Array<number>(a.layers).fill(0)
  const layerExpertBytes = new Array<number>(a.layers).fill(0)
  const layerLargestBytes = new Array<number>(a.layers).fill(0)
  const bytesByType: Partial<Record<GgmlType, number>> = {}
  let inputBytes = 0
  let outputBytes = 0
  for (const t of tensors) {
    bytesByType[t.type] = (bytesByType[t.type] ?? 0) + t.bytes
    if (t.layer < 0) inputBytes += t.bytes
    else if (t.layer >= a.layers) outputBytes += t.bytes
    else {
      layerBytes[t.layer]! += t.bytes
      if (t.name.includes('_exps.')) layerExpertBytes[t.layer]! += t.bytes
      layerLargestBytes[t.layer] = Math.max(layerLargestBytes[t.layer]!, t.bytes)
    }
  }
  const outputHostBytes = outputBytes
  // Tied: the output layer is a TENSOR_DUPLICATED copy of token_embd on the GPU (§1.3).
  if (a.tiedEmbeddings) outputBytes += inputBytes
  const fileBytes = tensors.reduce((s, t) => s + t.bytes, 0)
  const parameterCount = tensors.reduce((s, t) => s + elementsOf(t), 0)
  return {
    tensors,
    fileBytes,
    parameterCount,
    inputBytes,
    layerBytes,
    layerExpertBytes,
    layerLargestBytes,
    outputBytes,
    outputHostBytes,
    bytesByType,
  }
}

/** Sum of the layer bytes of blocks [from, to). */
export function layerRangeBytes(w: WeightLayout, from: number, to: number): number {
  let s = 0
  for (let i = from; i < to; i++) s += w.layerBytes[i]!
  return s
}
