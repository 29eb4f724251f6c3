/**
 * ggml tensor types and their block sizes: bytes(tensor) = n_elements / blockElements × blockBytes.
 * Values from ggml-org/ggml `src/ggml-common.h` (static_asserts on each block struct) and
 * `include/ggml.h`, tabulated in docs/research/vram-formulas.md#weights.
 */

export const GGML_TYPES = {
  F32: { blockElements: 1, blockBytes: 4 },
  F16: { blockElements: 1, blockBytes: 2 },
  BF16: { blockElements: 1, blockBytes: 2 },
  Q4_0: { blockElements: 32, blockBytes: 18 },
  Q4_1: { blockElements: 32, blockBytes: 20 },
  Q5_0: { blockElements: 32, blockBytes: 22 },
  Q5_1: { blockElements: 32, blockBytes: 24 },
  Q8_0: { blockElements: 32, blockBytes: 34 },
  Q2_K: { blockElements: 256, blockBytes: 84 },
  Q3_K: { blockElements: 256, blockBytes: 110 },
  Q4_K: { blockElements: 256, blockBytes: 144 },
  Q5_K: { blockElements: 256, blockBytes: 176 },
  Q6_K: { blockElements: 256, blockBytes: 210 },
  IQ1_S: { blockElements: 256, blockBytes: 50 },
  IQ1_M: { blockElements: 256, blockBytes: 56 },
  IQ2_XXS: { blockElements: 256, blockBytes: 66 },
  IQ2_XS: { blockElements: 256, blockBytes: 74 },
  IQ2_S: { blockElements: 256, blockBytes: 82 },
  IQ3_XXS: { blockElements: 256, blockBytes: 98 },
  IQ3_S: { blockElements: 256, blockBytes: 110 },
  IQ4_NL: { blockElements: 32, blockBytes: 18 },
  IQ4_XS: { blockElements: 256, blockBytes: 136 },
  MXFP4: { blockElements: 32, blockBytes: 17 },
  // Types a GGUF file may declare but no emulated preset produces (GGUF inputs, model-from-gguf.ts).
  Q8_1: { blockElements: 32, blockBytes: 36 },
  Q8_K: { blockElements: 256, blockBytes: 292 },
  TQ1_0: { blockElements: 256, blockBytes: 54 },
  TQ2_0: { blockElements: 256, blockBytes: 66 },
  I8: { blockElements: 1, blockBytes: 1 },
  I16: { blockElements: 1, blockBytes: 2 },
  I32: { blockElements: 1, blockBytes: 4 },
  I64: { blockElements: 1, blockBytes: 8 },
  F64: { blockElements: 1, blockBytes: 8 },
} as const

export type GgmlType = keyof typeof GGML_TYPES

/**
 * `enum ggml_type` of ggml `include/ggml.h`: the number a GGUF tensor info stores as its type
 * (ids 4, 5, 31-33, 36-38 are removed or repacked types no current file holds).
 */
export const GGML_TYPE_IDS: Readonly<Record<number, GgmlType>> = {
  0: 'F32',
  1: 'F16',
  2: 'Q4_0',
  3: 'Q4_1',
  6: 'Q5_0',
  7: 'Q5_1',
  8: 'Q8_0',
  9: 'Q8_1',
  10: 'Q2_K',
  11: 'Q3_K',
  12: 'Q4_K',
  13: 'Q5_K',
  14: 'Q6_K',
  15: 'Q8_K',
  16: 'IQ2_XXS',
  17: 'IQ2_XS',
  18: 'IQ3_XXS',
  19: 'IQ1_S',
  20: 'IQ4_NL',
  21: 'IQ3_S',
  22: 'IQ2_S',
  23: 'IQ4_XS',
  24: 'I8',
  25: 'I16',
  26: 'I32',
  27: 'I64',
  28: 'F64',
  29: 'IQ1_M',
  30: 'BF16',
  34: 'TQ1_0',
  35: 'TQ2_0',
  39: 'MXFP4',
}

/** Bytes of `elements` values of `type`; the row length must be a multiple of the block. */
export function ggmlBytes(type: GgmlType, elements: number): number {
  const { blockElements, blockBytes } = GGML_TYPES[type]
  return Math.ceil(elements / blockElements) * blockBytes
}

/** True when a row of `rowElements` values can be stored as `type` (ggml needs whole blocks per row). */
export function fitsBlocks(type: GgmlType, rowElements: number): boolean {
  return rowElements % GGML_TYPES[type].blockElements === 0
}

/** Quantization presets ("ftypes") the planner emulates, as llama-quantize names them. */
export const QUANT_PRESETS = [
  'F16',
  'BF16',
  'Q8_0',
  'Q6_K',
  'Q5_K_M',
  'Q5_K_S',
  'Q5_1',
  'Q5_0',
  'Q4_K_M',
  'Q4_K_S',
  'Q4_1',
  'Q4_0',
  'Q3_K_L',
  'Q3_K_M',
  'Q3_K_S',
  'Q2_K',
  'Q2_K_S',
  'IQ4_XS',
  'IQ4_NL',
  'IQ3_M',
  'IQ3_S',
  'IQ3_XS',
  'IQ3_XXS',
  'IQ2_M',
  'IQ2_S',
  'IQ2_XS',
  'IQ2_XXS',
  'IQ1_M',
  'IQ1_S',
  'MXFP4',
] as const
export type QuantPreset = (typeof QUANT_PRESETS)[number]

/**
 * Default tensor type per preset: llama.cpp `src/llama-quant.cpp` llama_ftype_get_default_type.
 * MXFP4 is the MXFP4_MOE ftype (gpt-oss): experts MXFP4, the rest Q8_0
 * (docs/research/vram-formulas.md#quantization-presets).
 */
export const PRESET_DEFAULT_TYPE: Record<QuantPreset, GgmlType> = {
  F16: 'F16',
  BF16: 'BF16',
  Q8_0: 'Q8_0',
  Q6_K: 'Q6_K',
  Q5_K_M: 'Q5_K',
  Q5_K_S: 'Q5_K',
  Q4_K_M: 'Q4_K',
  Q4_K_S: 'Q4_K',
  Q5_1: 'Q5_1',
  Q5_0: 'Q5_0',
  Q4_1: 'Q4_1',
  Q4_0: 'Q4_0',
  Q3_K_L: 'Q3_K',
  Q3_K_M: 'Q3_K',
  Q3_K_S: 'Q3_K',
  Q2_K: 'Q2_K',
  Q2_K_S: 'Q2_K',
  IQ4_XS: 'IQ4_XS',
  IQ4_NL: 'IQ4_NL',
  IQ3_M: 'IQ3_S',
  IQ3_S: 'IQ3_S',
  IQ3_XS: 'IQ3_S',
  IQ3_XXS: 'IQ3_XXS',
  IQ2_M: 'IQ2_S',
  IQ2_S: 'IQ2_XS',
  IQ2_XS: 'IQ2_XS',
  IQ2_XXS: 'IQ2_XXS',
  IQ1_M: 'IQ1_M',
  IQ1_S: 'IQ1_S',
  MXFP4: 'MXFP4',
}

/**
 * KV-cache element types llama.cpp accepts for --cache-type-k/-v (common/arg.cpp kv_cache_types);
 * Ollama's OLLAMA_KV_CACHE_TYPE documents f16, q8_0 and q4_0 (docs/faq.md), see runtimes.ts.
 */
export const KV_CACHE_TYPES = {
  f32: 'F32',
  f16: 'F16',
  bf16: 'BF16',
  q8_0: 'Q8_0',
  q4_0: 'Q4_0',
  q4_1: 'Q4_1',
  iq4_nl: 'IQ4_NL',
  q5_0: 'Q5_0',
  q5_1: 'Q5_1',
} as const satisfies Record<string, GgmlType>
export type KvCacheType = keyof typeof KV_CACHE_TYPES

/**
 * Shape fallback (`tensor_type_fallback` in llama-quant.cpp,
 * docs/research/vram-formulas.md#quantization-presets): a K-/IQ-quant needs
 * rows that are whole 256-blocks; otherwise the nearest 32-block type is used, and F16 when
 * even that does not divide the row.
 */
const FALLBACK: Partial<Record<GgmlType, GgmlType>> = {
  Q4_K: 'Q5_0',
  Q5_K: 'Q5_1',
  Q6_K: 'Q8_0',
  Q2_K: 'Q4_0',
  Q3_K: 'Q4_0',
  IQ1_S: 'IQ4_NL',
  IQ1_M: 'IQ4_NL',
  IQ2_XXS: 'IQ4_NL',
  IQ2_XS: 'IQ4_NL',
  IQ2_S: 'IQ4_NL',
  IQ3_XXS: 'IQ4_NL',
  IQ3_S: 'IQ4_NL',
  IQ4_XS: 'IQ4_NL',
}

export function withShapeFallback(type: GgmlType, rowElements: number): GgmlType {
  if (fitsBlocks(type, rowElements)) return type
  const next = FALLBACK[type] ?? 'F16'
  return fitsBlocks(next, rowElements) ? next : 'F16'
}

export const MIB = 1024 * 1024
export const GIB = 1024 * MIB
