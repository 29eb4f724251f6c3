/**
 * Per-client rate limit for a public deployment: Cloudflare's Workers rate-limiting binding
 * (wrangler.toml `[[ratelimits]]`), keyed by the client IP Cloudflare reports
 * (CF-Connecting-IP). Off when the binding is absent, RATE_LIMIT is "off" (npm start), or a
 * request carries no client IP (nothing in front of the worker to vouch for one). Headers
 * follow the IETF RateLimit header fields draft (draft-ietf-httpapi-ratelimit-headers).
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from './env.ts'
import { problem } from './problem.ts'

export interface RatePolicy {
  limit: number
  periodSeconds: number
}

/** `RATE_LIMIT` as wrangler.toml writes it, "300 per 60s"; null = off (or unreadable). */
export function ratePolicy(text: string | undefined): RatePolicy | null {
  const m = text?.match(/^\s*(\d+) per (10|60)s\s*$/)
  return m ? { limit: Number(m[1]), periodSeconds: Number(m[2]) } : null
}

export const policyHeader = (p: RatePolicy) => `"per-ip";q=${p.limit};w=${p.periodSeconds}`

export function rateLimit(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const limiter = c.env?.API_RATE_LIMITER
    const policy = ratePolicy(c.env?.RATE_LIMIT)
    const client = c.req.header('CF-Connecting-IP')
    if (!limiter || !policy || !client || c.req.method === 'OPTIONS') return next()
    const { success } = await limiter.limit({ key: client })
    if (success) {
      await next()
      c.header('RateLimit-Policy', policyHeader(policy))
      return
    }
    // The binding says only "over"; the window resets within one period, so that is the wait.
    const wait = String(policy.periodSeconds)
    return problem(
      c,
      'too-many-requests',
      `More than ${policy.limit} requests in ${policy.periodSeconds} s from this client; retry after ${wait} s.`,
      undefined,
      { 'Retry-After': wait, RateLimit: `"per-ip";r=0;t=${wait}`, 'RateLimit-Policy': policyHeader(policy) },
    )
  }
}
