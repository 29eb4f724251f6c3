import { OpenAPIHono, z, type RouteConfig, type RouteHandler } from '@hono/zod-openapi'
import { nearest } from '../domain/catalog/lookup.ts'
import type { AppEnv } from './env.ts'
import { problem, toPointer, type FieldError } from './problem.ts'
import { isUnknownKeyParams, strictSchema } from './strict.ts'

const TARGET_TO_IN: Record<string, FieldError['in']> = {
  json: 'body',
  query: 'query',
  param: 'path',
  header: 'header',
}

/**
 * Every router validates with the same hook: a bad body is a 422, a bad parameter a 400, each
 * naming the field (as a JSON pointer) and what was expected. Every route it registers is
 * strict (strict.ts): an unknown body field or query parameter is an error, not ignored.
 */
export function createRouter() {
  const router = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) return
      const where = TARGET_TO_IN[result.target] ?? 'body'
      const errors: FieldError[] = onePerField(leafIssues(result.error.issues)).map((issue) => ({
        in: where,
        pointer: toPointer(issue.path),
        detail: detailOf(issue, where),
      }))
      const names = errors.map((e) => (where === 'body' ? e.pointer : e.pointer.slice(1))).join(', ')
      return where === 'body'
        ? problem(c, 'invalid-request', `The request body is invalid at ${names}.`, errors)
        : problem(c, 'bad-request', `Invalid ${where} parameter ${names}.`, errors)
    },
  })
  const register = router.openapi
  // Validate with the strict copies; document the route as written (the generator adds
  // `additionalProperties: false`), so component ids and descriptions survive.
  router.openapi = (route, handler, hook) => {
    register({ ...route, hide: true, request: strictRequest(route.request) }, handler, hook)
    if (!route.hide) {
      const { middleware: _middleware, hide: _hide, ...documented } = route
      router.openAPIRegistry.registerPath(documented)
    }
    return router
  }
  return router
}

/** The query of a route that declares none: any parameter is unknown. */
const NO_QUERY = z.object({})

function strictRequest(request: RouteConfig['request'] = {}): RouteConfig['request'] {
  const body = request.body && {
    ...request.body,
    content: Object.fromEntries(
      Object.entries(request.body.content).map(([type, media]) => [type, strictMedia(media)]),
    ),
  }
  return {
    ...request,
    ...(body && { body }),
    query: strictSchema(request.query ?? NO_QUERY),
    ...(request.params && { params: strictSchema(request.params) }),
  }
}

type Media = NonNullable<RouteConfig['request']>['body'] extends infer B
  ? B extends { content: Record<string, infer M> }
    ? M
    : never
  : never

function strictMedia(media: Media): Media {
  if (!media || !('schema' in media) || !(media.schema instanceof z.ZodType)) return media
  return { ...media, schema: strictSchema(media.schema) }
}

interface Issue {
  path: PropertyKey[]
  message: string
  code?: string
  errors?: Issue[][]
  params?: unknown
  maximum?: number | bigint
  minimum?: number | bigint
}

function detailOf(issue: Issue, where: FieldError['in']): string {
  if (!isUnknownKeyParams(issue.params)) return issue.message
  const name = String(issue.path.at(-1))
  const what = where === 'body' ? 'field' : `${where} parameter`
  const { knownKeys } = issue.params
  if (knownKeys.length === 0) return `unknown ${what} "${name}": this takes none`
  const [hint] = nearest(name, knownKeys, 1)
  return `unknown ${what} "${name}" (did you mean "${hint}"?); known: ${knownKeys.join(', ')}`
}

/**
 * One error per field: zod reports every failed check, so `z.int().max(16777216)` given
 * 2^53 + 1 says both "≤ 2^53 − 1" and "≤ 16777216". Keep the tightest bound.
 */
function onePerField(issues: Issue[]): Issue[] {
  const byPointer = new Map<string, Issue>()
  for (const issue of issues) {
    const key = toPointer(issue.path)
    const kept = byPointer.get(key)
    if (!kept || tighter(issue, kept)) byPointer.set(key, issue)
  }
  return [...byPointer.values()]
}

function tighter(issue: Issue, kept: Issue): boolean {
  if (issue.code !== kept.code) return false
  if (issue.code === 'too_big') return Number(issue.maximum) < Number(kept.maximum)
  if (issue.code === 'too_small') return Number(issue.minimum) > Number(kept.minimum)
  return false
}

/**
 * zod reports a failed union as one "Invalid input" at the union's path. Name the real field
 * instead: follow the branch that got furthest into the value (the one whose issues sit
 * deepest), so `model: { kvHeads: 48 }` reports /model/kvHeads, not /model. Between branches as
 * deep, the one that calls fewer of the value's own keys unknown is the one meant
 * (`model: { layers: 32 }` is an incomplete architecture, not a model source with a stray key),
 * then the one with fewer issues (`{ "role": "hba" }` is a wrong role, not an address selector
 * missing its address).
 */
function leafIssues(issues: readonly Issue[], prefix: PropertyKey[] = []): Issue[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path]
    if (issue.code !== 'invalid_union' || !issue.errors?.length) return [{ ...issue, path }]
    const depth = (branch: Issue[]) => Math.max(...branch.map((i) => i.path.length))
    const strays = (branch: Issue[]) => branch.filter((i) => isUnknownKeyParams(i.params)).length
    const rank = (b: Issue[]) => [-depth(b), strays(b), b.length]
    const better = (a: Issue[], b: Issue[]) => {
      const [ra, rb] = [rank(a), rank(b)]
      const first = ra.findIndex((x, n) => x !== rb[n])
      return first >= 0 && rb[first]! < ra[first]!
    }
    const best = issue.errors.reduce((a, b) => (better(a, b) ? b : a))
    if (depth(best) > 0) return leafIssues(best, path)
    const alternatives = issue.errors
      .map((branch) => branch[0]?.message.replace(/^Invalid input: /, ''))
      .join('; or ')
    return [{ ...issue, path, message: `Invalid input: ${alternatives}` }]
  })
}

export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>
