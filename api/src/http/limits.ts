/**
 * Input limits no schema can express: how long the query string is and how deep a JSON body
 * nests. Both are checked before any parsing or validation runs, so a hostile request costs
 * one linear scan and never reaches JSON.parse's recursion or zod's per-level work.
 */
import type { MiddlewareHandler } from 'hono'
import { jsonDepth } from '../domain/json-depth.ts'
import type { AppEnv } from './env.ts'
import { problem } from './problem.ts'

/**
 * Longest query string accepted, in bytes (after `?`, percent-encoded as sent). The longest
 * legitimate one is a device filter of a few dozen bytes; 2 KiB is also the classic
 * lowest-common-denominator URL budget of browsers and proxies (RFC 9110 §4.1 recommends
 * senders support at least 8000 octets in a whole request line, so 2 KiB is well inside it).
 */
export const MAX_QUERY_BYTES = 2048

/**
 * Deepest JSON nesting accepted. Planner requests nest 3–4 levels (request → architecture →
 * layer list); 64 leaves room for any sane client while keeping zod and any recursive walk
 * (JSON.stringify overflows the stack near 10^5 levels; about 500,000 nested arrays fit in a
 * 1 MiB body) far from their stack limits.
 */
export const MAX_JSON_DEPTH = 64

/** 400 when the query string is longer than MAX_QUERY_BYTES. */
export function queryLengthLimit(maxBytes = MAX_QUERY_BYTES): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const url = c.req.url
    const at = url.indexOf('?')
    const length = at < 0 ? 0 : url.length - at - 1
    if (length > maxBytes) {
      return problem(
        c,
        'bad-request',
        `The query string is ${length} bytes; at most ${maxBytes} are accepted.`,
        [{ in: 'query', pointer: '', detail: `longer than ${maxBytes} bytes` }],
      )
    }
    return next()
  }
}

const JSON_TYPE = /^application\/json\s*(;|$)/i

/** 415 when a POST body is not declared as application/json: every operation takes JSON. */
export function jsonBodyOnly(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method !== 'POST') return next()
    const type = c.req.header('content-type') ?? ''
    if (JSON_TYPE.test(type)) return next()
    return problem(
      c,
      'unsupported-media-type',
      `Send the body as application/json (got "${type || 'no Content-Type'}").`,
      [{ in: 'header', pointer: '/content-type', detail: 'expected application/json' }],
    )
  }
}

/**
 * 422 when a JSON body nests deeper than maxDepth. Reads the body as text (Hono caches it, so
 * the validator's later `c.req.json()` parses the same text without reading the stream twice).
 * Mounted after bodyLimit, so the text is at most MAX_BODY_BYTES.
 */
export function jsonDepthLimit(maxDepth = MAX_JSON_DEPTH): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method !== 'POST' || !JSON_TYPE.test(c.req.header('content-type') ?? '')) return next()
    const depth = jsonDepth(await c.req.text(), maxDepth)
    if (depth > maxDepth) {
      return problem(c, 'invalid-request', `The request body nests deeper than ${maxDepth} levels.`, [
        { in: 'body', pointer: '', detail: `JSON nested more than ${maxDepth} levels deep` },
      ])
    }
    return next()
  }
}
