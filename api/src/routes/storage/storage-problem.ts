import { StoragePlanError } from '../../domain/storage/errors.ts'
import type { FieldError } from '../../http/problem.ts'
import { ProblemError } from '../../http/problem.ts'

/**
 * Runs a storage domain call; its StoragePlanError becomes problem+json: 404 for an unknown id,
 * 422 for a body the schema could not judge (400 when the field is a path or query parameter).
 */
export function answerOrProblem<T>(where: FieldError['in'], run: () => T): T {
  try {
    return run()
  } catch (err) {
    if (!(err instanceof StoragePlanError)) throw err
    const type = err.kind === 'not-found' ? 'not-found' : where === 'body' ? 'invalid-request' : 'bad-request'
    throw new ProblemError(type, err.message, [{ in: where, pointer: err.pointer, detail: err.message }])
  }
}
