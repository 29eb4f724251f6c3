/**
 * `{"changes": [...]}`: an RFC 6902 JSON Patch against the documented architecture, applied
 * with fast-json-patch (validating every operation), then parsed by ArchitectureSchema. A patch
 * that does not apply, or a result that is no valid architecture, is a PlanInputError naming
 * the operation and the pointer. The caller hands in the schema the result must meet: the API
 * and the CLI give the strict copy (api/src/http/strict.ts), so a typo inside a patch `value`
 * is refused exactly as in a whole document (the `value` itself is any JSON until applied).
 */
import jsonpatch, { type Operation } from 'fast-json-patch'
import { z } from 'zod'
import { PlanInputError } from '../plan-input-error.ts'
import { ArchitectureSchema, type Architecture } from './schemas.ts'

const PathSchema = z
  .string()
  .max(500)
  .regex(/^(\/[^/]*)*$/, 'expected a JSON pointer such as "/services/0/models/-"')

export const PatchOperationSchema = z
  .discriminatedUnion('op', [
    z.object({ op: z.literal('add'), path: PathSchema, value: z.unknown() }),
    z.object({ op: z.literal('replace'), path: PathSchema, value: z.unknown() }),
    z.object({ op: z.literal('test'), path: PathSchema, value: z.unknown() }),
    z.object({ op: z.literal('remove'), path: PathSchema }),
    z.object({ op: z.literal('move'), from: PathSchema, path: PathSchema }),
    z.object({ op: z.literal('copy'), from: PathSchema, path: PathSchema }),
  ])
  .refine((op) => !('value' in op) || op.value !== undefined, {
    message: 'add, replace and test need a value',
    path: ['value'],
  })
  .meta({
    id: 'JsonPatchOperation',
    description: 'RFC 6902 operation',
    example: { op: 'add', path: '/services/0/models/-', value: { model: 'gemma3:27b', resident: true } },
  })
export type PatchOperation = z.infer<typeof PatchOperationSchema>

/** What the patched document is parsed with: ArchitectureSchema or its strict copy. */
export type ArchitectureParser = Pick<typeof ArchitectureSchema, 'safeParse'>

/** The patched architecture; pointers in later errors are into it. */
export function applyChanges(
  base: Architecture,
  changes: readonly PatchOperation[],
  schema: ArchitectureParser,
): Architecture {
  let patched: unknown
  try {
    patched = jsonpatch.applyPatch(jsonpatch.deepClone(base), changes as Operation[], true).newDocument
  } catch (err) {
    const index = err instanceof jsonpatch.JsonPatchError ? (err.index ?? 0) : 0
    const why = (err as Error).message.split('\n')[0]
    throw new PlanInputError(
      'invalid',
      `/changes/${index}`,
      `Operation ${index} (${changes[index]?.op} ${changes[index]?.path}) does not apply: ${why}.`,
    )
  }
  const parsed = schema.safeParse(patched)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]!
  const pointer = `/${issue.path.map(String).join('/')}`
  throw new PlanInputError(
    'invalid',
    changePointer(changes, pointer),
    `After the changes, ${pointer}: ${issue.message}`,
  )
}

/** The last operation that wrote at or above `pointer` (its `/changes/i`), else `/changes`. */
export function changePointer(changes: readonly PatchOperation[], pointer: string): string {
  for (let i = changes.length - 1; i >= 0; i--) {
    const path = changes[i]!.path.replace(/\/-$/, '')
    if (pointer === path || pointer.startsWith(`${path}/`) || path.startsWith(`${pointer}/`))
      return `/changes/${i}`
  }
  return '/changes'
}

export const LabPlanRequestSchema = z
  .object({
    architecture: ArchitectureSchema.optional().meta({ description: 'A whole architecture document' }),
    changes: z.array(PatchOperationSchema).min(1).max(256).optional().meta({
      description: 'RFC 6902 JSON Patch against the documented architecture (GET /api/v1/architecture)',
    }),
  })
  .refine((r) => (r.architecture === undefined) !== (r.changes === undefined), {
    message: 'give either architecture or changes, not both and not neither',
  })
  .meta({
    id: 'LabPlanRequest',
    example: {
      changes: [
        {
          op: 'add',
          path: '/services/2/models/-',
          value: { model: 'gemma3:27b', quantization: 'Q4_K_M', resident: true },
        },
      ],
    },
  })
export type LabPlanRequest = z.infer<typeof LabPlanRequestSchema>
