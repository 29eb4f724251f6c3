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
      const errors: FieldError[] = leafIssues(result.error.issues).map((issue) => ({
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

interface Issue {
  path: PropertyKey[]
  message: string
  code?: string
  errors?: Issue[][]
}

/**
 * zod reports a failed union as one "Invalid input" at the union's path. Name the real field
 * instead: follow the branch that got furthest into the value (the one whose issues sit
 * deepest), so `model: { kvHeads: 48 }` reports /model/kvHeads, not /model.
 */
function leafIssues(issues: readonly Issue[], prefix: PropertyKey[] = []): Issue[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path]
    if (issue.code !== 'invalid_union' || !issue.errors?.length) return [{ ...issue, path }]
    const depth = (branch: Issue[]) => Math.max(...branch.map((i) => i.path.length))
    const best = issue.errors.reduce((a, b) => (depth(b) > depth(a) ? b : a))
    if (depth(best) > 0) return leafIssues(best, path)
    const alternatives = issue.errors.map((branch) => branch[0]?.message.replace(/^Invalid input: /, '')).join('; or ')
    return [{ ...issue, path, message: `Invalid input: ${alternatives}` }]
  })
}

export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>
