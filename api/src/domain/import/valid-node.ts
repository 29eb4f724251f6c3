/**
 * NodeSchema on documents built from request input (the imported node, a stored document the
 * CLI read): a failure is the input's fault, so it becomes a PlanInputError (a 422 naming
 * `/inputs`), never a thrown ZodError (a 500).
 */
import { NodeSchema, type NodeRecord } from '../catalog/schemas.ts'
import { PlanInputError } from '../plan-input-error.ts'

export function validNode(value: unknown, what = 'the imported node'): NodeRecord {
  const result = NodeSchema.safeParse(value)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const where = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)'
  throw new PlanInputError(
    'invalid',
    '/inputs',
    `${what} does not validate: ${where}: ${issue?.message ?? 'invalid'}`,
  )
}
