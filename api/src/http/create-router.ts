import { OpenAPIHono, type RouteConfig, type RouteHandler } from '@hono/zod-openapi'
import type { AppEnv } from './env.ts'
import { problem, toPointer, type FieldError } from './problem.ts'

const TARGET_TO_IN: Record<string, FieldError['in']> = { json: 'body', query: 'query', param: 'path', header: 'header' }

/**
 * Every router validates with the same hook: a bad body is a 422, a bad parameter a 400, each
 * naming the field (as a JSON pointer) and what was expected.
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) return
      const where = TARGET_TO_IN[result.target] ?? 'body'
      const errors: FieldError[] = result.error.issues.map((issue) => ({
        in: where,
        pointer: toPointer(issue.path),
        detail: issue.message,
      }))
      const names = errors.map((e) => (where === 'body' ? e.pointer : e.pointer.slice(1))).join(', ')
      return where === 'body'
        ? problem(c, 'invalid-request', `The request body is invalid at ${names}.`, errors)
        : problem(c, 'bad-request', `Invalid ${where} parameter ${names}.`, errors)
    },
  })
}

export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>
