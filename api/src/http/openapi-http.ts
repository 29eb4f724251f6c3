/**
 * The HTTP behaviour every operation shares, documented once for all of them (new routes get
 * it with no extra work): caching headers and 304 on GETs, Catalog-Revision on answers, 400
 * (unknown query parameters), 405 with Allow, 429 with Retry-After and 500 everywhere.
 */
import { CACHE_CONTROL, CATALOG_REVISION_HEADER } from './cache.ts'
import { PROBLEM_TYPES } from './problem.ts'

type Json = Record<string, unknown>
interface Operation {
  parameters?: Json[]
  responses: Record<string, Json & { headers?: Record<string, unknown> }>
}

const header = (name: string) => ({ $ref: `#/components/headers/${name}` })
const problemContent = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } }
const TITLES = Object.fromEntries(Object.values(PROBLEM_TYPES).map((p) => [p.status, p.title])) as Record<
  number,
  string
>
const problem = (status: number, extra: Json = {}) => ({
  description: TITLES[status],
  ...extra,
  content: problemContent,
})

export const HEADER_COMPONENTS = {
  ETag: {
    description: 'Strong validator of this answer (a digest of the body); send it back as If-None-Match.',
    schema: { type: 'string' as const, example: '"f3fca8861c074d403fcef6b05dcceee850960596"' },
  },
  'Cache-Control': {
    description: `\`${CACHE_CONTROL}\`: reads depend only on the deployed code and catalog.`,
    schema: { type: 'string' as const, example: CACHE_CONTROL },
  },
  [CATALOG_REVISION_HEADER]: {
    description: 'The catalog revision this answer was computed from: the ETag of GET /api/v1/catalog.',
    schema: { type: 'string' as const, example: '"47714d2c007b44111445a2c0845764ff2196a992"' },
  },
  Allow: {
    description: 'The methods this path takes.',
    schema: { type: 'string' as const, example: 'GET, HEAD' },
  },
  'Retry-After': {
    description: 'Seconds to wait before the next request.',
    schema: { type: 'string' as const, example: '60' },
  },
  RateLimit: {
    description: 'Quota left and seconds until it resets (IETF RateLimit header fields draft).',
    schema: { type: 'string' as const, example: '"per-ip";r=0;t=60' },
  },
  'RateLimit-Policy': {
    description:
      'The limit per client IP: q requests per w seconds. Sent on every answer while rate limiting is on.',
    schema: { type: 'string' as const, example: '"per-ip";q=300;w=60' },
  },
}

const IF_NONE_MATCH = {
  name: 'If-None-Match',
  in: 'header',
  required: false,
  description: 'An ETag of an earlier answer: a 304 with no body when it is still current.',
  schema: { type: 'string', example: '"f3fca8861c074d403fcef6b05dcceee850960596"' },
}

export function documentHttp(paths: Record<string, Record<string, Operation>>): void {
  for (const operations of Object.values(paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const ok = operation.responses['200']
      if (ok) ok.headers = { [CATALOG_REVISION_HEADER]: header(CATALOG_REVISION_HEADER), ...ok.headers }
      // A route that documents its own Cache-Control (health: no-store) is not cached.
      const cached = method === 'get' && ok !== undefined && !ok.headers?.['Cache-Control']
      if (cached) {
        ok.headers = { ...ok.headers, ETag: header('ETag'), 'Cache-Control': header('Cache-Control') }
        operation.parameters = [...(operation.parameters ?? []), IF_NONE_MATCH]
        operation.responses['304'] = {
          description: 'Not modified: the If-None-Match tag is current. No body; the headers of the 200.',
          headers: ok.headers,
        }
      }
      operation.responses['400'] ??= problem(400)
      operation.responses['405'] = problem(405, { headers: { Allow: header('Allow') } })
      operation.responses['429'] = problem(429, {
        headers: {
          'Retry-After': header('Retry-After'),
          RateLimit: header('RateLimit'),
          'RateLimit-Policy': header('RateLimit-Policy'),
        },
      })
      operation.responses['500'] = problem(500)
      operation.responses = sortedByStatus(operation.responses)
    }
  }
}

function sortedByStatus<T>(responses: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)))
}
