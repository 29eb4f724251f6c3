/**
 * Writes a synthetic GGUF v3 file: the real metadata keys and tensor list of a registry model
 * (names, shapes and per-tensor types from the planner's own emulation of llama-quantize), and
 * no weights: the data section is a hole (a sparse file), so a 140 GB model costs a few MB of
 * disk. Format: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
 */
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs'
import type { GgmlType } from '../api/src/domain/vram/ggml-types.ts'
import type { Architecture } from '../api/src/domain/vram/tensors.ts'
import type { TypedTensor } from '../api/src/domain/vram/weights.ts'

/** ggml type ids: ggml/include/ggml.h enum ggml_type. */
const GGML_TYPE_ID: Record<GgmlType, number> = {
  F32: 0,
  F16: 1,
  Q4_0: 2,
  Q4_1: 3,
  Q5_0: 6,
  Q5_1: 7,
  Q8_0: 8,
  Q2_K: 10,
  Q3_K: 11,
  Q4_K: 12,
  Q5_K: 13,
  Q6_K: 14,
  IQ4_NL: 20,
  IQ4_XS: 23,
  BF16: 30,
  MXFP4: 39,
}

/** GGUF metadata value types (gguf.md, enum gguf_metadata_value_type). */
const UINT32 = 4
const FLOAT32 = 6
const STRING = 8
const ALIGNMENT = 32

type Value = { type: typeof UINT32 | typeof FLOAT32; value: number } | { type: typeof STRING; value: string }

class Writer {
  private chunks: Buffer[] = []
  size = 0
  private push(b: Buffer) {
    this.chunks.push(b)
    this.size += b.length
  }
  u32(n: number) {
    const b = Buffer.alloc(4)
    b.writeUInt32LE(n)
    this.push(b)
  }
  u64(n: number) {
    const b = Buffer.alloc(8)
    b.writeBigUInt64LE(BigInt(n))
    this.push(b)
  }
  f32(n: number) {
    const b = Buffer.alloc(4)
    b.writeFloatLE(n)
    this.push(b)
  }
  str(s: string) {
    const b = Buffer.from(s, 'utf8')
    this.u64(b.length)
    this.push(b)
  }
  zeros(n: number) {
    this.push(Buffer.alloc(n))
  }
  bytes() {
    return Buffer.concat(this.chunks)
  }
}

const u32 = (value: number): Value => ({ type: UINT32, value })

/**
 * The hyper-parameters llama.cpp reads for these architectures (src/llama-arch.cpp LLM_KV_NAMES,
 * src/models/<arch>.cpp load_arch_hparams). `tokenizer.ggml.model = none` plus `<arch>.vocab_size`
 * gives a vocabulary of dummy tokens (src/llama-vocab.cpp load), which is all a memory
 * measurement needs.
 */
export function metadataFor(a: Architecture): Record<string, Value> {
  const p = a.llamaCppArchitecture
  const kv: Record<string, Value> = {
    'general.architecture': { type: STRING, value: p },
    'general.name': { type: STRING, value: `synthetic ${p}` },
    [`${p}.context_length`]: u32(a.maxContextLength),
    [`${p}.embedding_length`]: u32(a.hiddenSize),
    [`${p}.block_count`]: u32(a.layers),
    [`${p}.feed_forward_length`]: u32(a.ffnSize),
    [`${p}.attention.head_count`]: u32(a.heads),
    [`${p}.attention.head_count_kv`]: u32(a.kvHeads),
    [`${p}.attention.key_length`]: u32(a.headDim),
    [`${p}.attention.value_length`]: u32(a.headDim),
    [`${p}.attention.layer_norm_rms_epsilon`]: { type: FLOAT32, value: 1e-6 },
    [`${p}.rope.dimension_count`]: u32(a.headDim),
    [`${p}.rope.freq_base`]: { type: FLOAT32, value: 10000 },
    [`${p}.vocab_size`]: u32(a.vocabSize),
    'tokenizer.ggml.model': { type: STRING, value: 'none' },
  }
  if (a.slidingWindow) kv[`${p}.attention.sliding_window`] = u32(a.slidingWindow.windowTokens)
  if (a.moe) {
    kv[`${p}.expert_count`] = u32(a.moe.experts)
    kv[`${p}.expert_used_count`] = u32(a.moe.activeExperts)
    kv[`${p}.expert_feed_forward_length`] = u32(a.moe.expertFfnSize)
  }
  return kv
}

const padTo = (n: number, to: number) => Math.ceil(n / to) * to

/** Writes the file; returns its size in bytes (header + data). */
export function writeSyntheticGguf(path: string, a: Architecture, tensors: TypedTensor[]): number {
  const kv = metadataFor(a)
  const w = new Writer()
  w.u32(0x46554747) // "GGUF"
  w.u32(3)
  w.u64(tensors.length)
  w.u64(Object.keys(kv).length)
  for (const [key, v] of Object.entries(kv)) {
    w.str(key)
    w.u32(v.type)
    if (v.type === STRING) w.str(v.value)
    else if (v.type === FLOAT32) w.f32(v.value)
    else w.u32(v.value)
  }
  let offset = 0
  for (const t of tensors) {
    w.str(t.name)
    w.u32(t.shape.length)
    for (const ne of t.shape) w.u64(ne)
    w.u32(GGML_TYPE_ID[t.type])
    w.u64(offset)
    offset = padTo(offset + t.bytes, ALIGNMENT)
  }
  w.zeros(padTo(w.size, ALIGNMENT) - w.size)
  const header = w.bytes()
  const fd = openSync(path, 'w')
  try {
    writeSync(fd, header)
    // The data section stays a hole: zero weights that take no disk.
    ftruncateSync(fd, header.length + offset)
  } finally {
    closeSync(fd)
  }
  return header.length + offset
}
