/**
 * The one error shape of the API: RFC 9457 `application/problem+json`. Every 4xx is made
 * here (validation hook, thrown ProblemError, Hono's HTTPException, unknown paths), so no
 * route formats an error of its own and no stack trace ever reaches a client.
 */
import { z } from '@hono/zod-openapi'
import type { Context, ErrorHandler, NotFoundHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

/** Where each problem type is explained (the docs site's errors page). */
const TYPE_BASE = '/docs/errors/#'

export const PROBLEM_TYPES = {
  'bad-request': { status: 400, title: 'The request is malformed' },
  'not-found': { status: 404, title: 'No such resource' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'payload-too-large': { status: 413, title: 'The request body is too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported content type' },
  'invalid-request': { status: 422, title: 'The request does not match the schema' },
  'too-many-requests': { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Internal error' },
  'bad-gateway': { status: 502, title: 'A server the API fetches from failed' },
} as const
export type ProblemType = keyof typeof PROBLEM_TYPES

export const FieldErrorSchema = z
  .object({
    in: z.enum(['body', 'query', 'path', 'header']),
    /** JSON pointer (RFC 6901) to the bad value, inside the body or naming the parameter. */
    pointer: z.string(),
    detail: z.string(),
  })
  .meta({ id: 'FieldError' })
export type FieldError = z.infer<typeof FieldErrorSchema>

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    instance: z.string(),
    errors: z.array(FieldErrorSchema).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' })
export type Problem = z.infer<typeof ProblemSchema>

/** Thrown by routes for a problem the schema cannot see (unknown id, address not on node). */
export class ProblemError extends Error {
  readonly problemType: ProblemType
  readonly errors: FieldError[] | undefined
  constructor(problemType: ProblemType, detail: string, errors?: FieldError[]) {
    super(detail)
    this.problemType = problemType
    this.errors = errors
  }
}

export function problem(
  c: Context,
  type: ProblemType,
  detail: string,
  errors?: FieldError[],
  headers?: Record<string, string>,
) {
  const { status, title } = PROBLEM_TYPES[type]
  const body: Problem = {
    type: TYPE_BASE + type,
    title,
    status,
    detail,
    instance: new URL(c.req.url).pathname,
  }
  if (errors && errors.length > 0) body.errors = errors
  return c.json(body, status, { 'Content-Type': 'application/problem+json', ...headers })
}

const HTTP_STATUS_TYPES: Partial<Record<number, ProblemType>> = {
  400: 'bad-request',
  404: 'not-found',
  405: 'method-not-allowed',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
}

export const onError: ErrorHandler = (err, c) => {
  if (err instanceof ProblemError) return problem(c, err.problemType, err.message, err.errors)
  if (err instanceof HTTPException) {
    const type = HTTP_STATUS_TYPES[err.status] ?? 'bad-request'
    return problem(c, type, err.message || PROBLEM_TYPES[type].title)
  }
  // Unexpected: log it for the operator, tell the client nothing about internals.
  console.error(err)
  return problem(c, 'internal', 'The server failed to answer this request; it has been logged.')
}

export const onNotFound: NotFoundHandler = (c) =>
  problem(
    c,
    'not-found',
    `No route for ${c.req.method} ${new URL(c.req.url).pathname}. The API is described at /api/openapi.json.`,
  )

/** Turns a zod issue path into a JSON pointer (RFC 6901 escaping). */
export function toPointer(path: readonly PropertyKey[]): string {
  return '/' + path.map((p) => String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')
}

/** OpenAPI responses for the problems a route can answer, spread into each route. */
export function problemResponses(...statuses: ContentfulStatusCode[]) {
  const byStatus = Object.values(PROBLEM_TYPES).filter((p) => statuses.includes(p.status))
  return Object.fromEntries(
    byStatus.map((p) => [
      p.status,
      { description: p.title, content: { 'application/problem+json': { schema: ProblemSchema } } },
    ]),
  )
}
