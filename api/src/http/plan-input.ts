import { PlanInputError } from '../domain/plan-input-error.ts'
import { ProblemError, type FieldError } from './problem.ts'

/**
 * Runs a planner and turns its PlanInputError into problem+json: not-found → 404, invalid →
 * 422 for a body field, 400 for a path or query parameter; the planner's pointer names the field.
 */
export function answerOrProblem<T>(where: FieldError['in'], run: () => T): T {
  try {
    return run()
  } catch (err) {
    if (!(err instanceof PlanInputError)) throw err
    const type = err.kind === 'not-found' ? 'not-found' : where === 'body' ? 'invalid-request' : 'bad-request'
    throw new ProblemError(type, err.message, [{ in: where, pointer: err.pointer, detail: err.message }])
  }
}
