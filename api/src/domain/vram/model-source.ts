/**
 * The model a request describes by its file or its config instead of a registry id: a GGUF
 * header (posted, or read by the worker from a URL) or a Hugging Face config.json.
 */
import { z } from 'zod'
import { GgufHeaderSchema } from './gguf-schemas.ts'
import { HfConfigSchema } from './model-from-hf-config.ts'

const SOURCES = ['gguf', 'url', 'config'] as const

export const ModelSourceSchema = z
  .object({
    gguf: GgufHeaderSchema.optional().meta({
      description: 'The GGUF header as JSON: weights exact to the byte from its tensor types',
    }),
    url: z
      .string()
      .min(1)
      .max(2048)
      .optional()
      .meta({
        description:
          'https URL of a .gguf file on an allowed host (Hugging Face ' +
          'by default); the worker reads its header with range requests',
        example: 'https://huggingface.co/unsloth/Qwen3-4B-GGUF/resolve/main/Qwen3-4B-Q4_K_M.gguf',
      }),
    config: HfConfigSchema.optional().meta({
      description:
        "A Hugging Face config.json, verbatim: weights emulated per tensor for the request's quantization",
    }),
    name: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .meta({ description: 'Display name; defaults to general.name or _name_or_path' }),
  })
  .superRefine((m, ctx) => {
    const given = SOURCES.filter((k) => m[k] !== undefined)
    if (given.length !== 1) {
      const got = given.length > 1 ? `, got ${given.join(' and ')}` : ''
      // continue: false makes the issue abort this branch, so a union tries the inline architecture too.
      ctx.addIssue({
        code: 'custom',
        continue: false,
        path: given.length > 1 ? [given[1]!] : [],
        message: `expected exactly one of ${SOURCES.join(', ')}${got}`,
      })
    }
  })
  .meta({
    id: 'ModelSource',
    description: 'A model given by its GGUF header, its GGUF URL or its config.json',
  })
export type ModelSource = z.infer<typeof ModelSourceSchema>
