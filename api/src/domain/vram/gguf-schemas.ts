/**
 * A GGUF header as JSON: what `gguf()` of @huggingface/gguf returns (metadata + tensorInfos),
 * with its bigints written as numbers or decimal strings. The tokenizer arrays may be left out
 * (they are most of a header's bytes and say nothing about memory).
 */
import { z } from 'zod'

/** A GGUF uint64 as JSON: a safe integer, or a decimal string (JSON.stringify cannot write a bigint). */
const GgufIntegerSchema = z.union([
  z.int().min(0),
  z.string().regex(/^\d{1,20}$/, 'expected a decimal integer'),
])

const MetadataValueSchema = z.union([
  z.string().max(1_000_000),
  z.number(),
  z.boolean(),
  z.array(z.union([z.string(), z.number(), z.boolean(), z.array(z.unknown())])).max(1_000_000),
])

const GgufTensorInfoSchema = z
  .object({
    name: z.string().min(1).max(256),
    shape: z
      .array(GgufIntegerSchema)
      .min(1)
      .max(4)
      .meta({ description: 'ggml order: ne[0] is the row length' }),
    dtype: z.union([z.int().min(0).max(255), z.string().min(1).max(16)]).meta({
      description: 'ggml type: its number (enum ggml_type, as gguf() returns it) or its name (Q4_K)',
    }),
    n_dims: z.int().min(1).max(4).optional(),
    offset: GgufIntegerSchema.optional(),
  })
  .meta({ id: 'GgufTensorInfo' })
export type GgufTensorInfo = z.infer<typeof GgufTensorInfoSchema>

export const GgufHeaderSchema = z
  .object({
    metadata: z.record(z.string().max(256), MetadataValueSchema).meta({
      description:
        'GGUF key/values: general.architecture, <arch>.block_count, <arch>.attention.head_count_kv, …',
    }),
    tensorInfos: z.array(GgufTensorInfoSchema).min(1).max(100_000),
    // Other fields gguf() returns; accepted so its output can be posted as it is, not used.
    tensorDataOffset: GgufIntegerSchema.optional(),
    littleEndian: z.boolean().optional(),
    tensorInfoByteRange: z.array(z.int()).length(2).optional(),
    parameterCount: z.int().min(0).optional(),
  })
  .meta({
    id: 'GgufHeader',
    description:
      'A GGUF header as @huggingface/gguf gguf() returns it (bigints as numbers or decimal strings)',
  })
export type GgufHeader = z.infer<typeof GgufHeaderSchema>
