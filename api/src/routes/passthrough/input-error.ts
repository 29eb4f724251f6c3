import { PassthroughInputError } from '../../domain/passthrough/errors.ts'
import type { FieldError } from '../../http/problem.ts'
import { ProblemError } from '../../http/problem.ts'

/**
 * Runs a passthrough planner and turns its input errors into problem+json: not-found → 404,
 * invalid → 422 (body) / 400 (path), with the planner's JSON pointer.
 */
export function answerOrProblem<T>(where: FieldError['in'], run: () => T): T {
  try {
    return run()
  } catch (err) {
    if (!(err instanceof PassthroughInputError)) throw err
    const type = err.kind === 'not-found' ? 'not-found' : where === 'body' ? 'invalid-request' : 'bad-request'
    throw new ProblemError(type, err.message, [{ in: where, pointer: err.pointer, detail: err.message }])
  }
}
