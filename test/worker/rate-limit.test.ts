/**
 * The per-IP rate limit of a public deployment, inside workerd with the wrangler.toml binding
 * (300 requests per 60 s). Requests with no CF-Connecting-IP (every other test) are not limited.
 */
import { describe, expect, it } from 'vitest'
import { problemOf, request } from './request.ts'

const LIMIT = 300

describe('rate limiting', () => {
  it('answers past the limit with a 429 problem, Retry-After and RateLimit headers; other clients go on', async () => {
    const from = (ip: string) => request('/api/health', { headers: { 'CF-Connecting-IP': ip } })
    // A client of its own per run (documentation prefix), whatever an earlier run counted.
    const client = `2001:db8::${(Date.now() % 0xffff).toString(16)}`
    const first = await from(client)
    expect(first.status).toBe(200)
    expect(first.headers.get('ratelimit-policy')).toBe(`"per-ip";q=${LIMIT};w=60`)
    // The binding counts in fixed windows of 60 s: if one ends during the loop the count starts
    // again, so the limit is met within the next LIMIT requests at the latest.
    let res = first
    for (let i = 1; i <= 2 * LIMIT + 1 && res.status === 200; i++) res = await from(client)
    expect(res.status).toBe(429)
    const problem = await problemOf(res)
    expect(problem.type).toContain('too-many-requests')
    expect(res.headers.get('retry-after')).toBe('60')
    expect(res.headers.get('ratelimit')).toBe('"per-ip";r=0;t=60')
    expect((await from('198.51.100.4')).status).toBe(200)
  })

  it('does not limit a request that carries no client IP', async () => {
    expect((await request('/api/health')).headers.get('ratelimit-policy')).toBeNull()
  })
})
