import { PlanInputError } from '../domain/plan-input-error.ts'
import { ProblemError, type FieldError, type ProblemType } from './problem.ts'

/**
 * Runs a planner and turns its PlanInputError into problem+json. An unknown name is a 404 only
 * where it names the resource (a path parameter); inside a body it is a 422 and in a query a
 * 400, like any other invalid value there: the resource is the planner, and it exists. The
 * planner's pointer names the field.
 */
export function answerOrProblem<T>(where: FieldError['in'], run: () => T): T {
  try {
    return run()
  } catch (err) {
    if (!(err instanceof PlanInputError)) throw err
    const errors = [{ in: where, pointer: err.pointer, detail: err.message }]
    throw new ProblemError(problemTypeOf(err, where), err.message, errors)
  }
}

function problemTypeOf(err: PlanInputError, where: FieldError['in']): ProblemType {
  if (err.kind === 'not-found' && where === 'path') return 'not-found'
  return where === 'body' ? 'invalid-request' : 'bad-request'
}
