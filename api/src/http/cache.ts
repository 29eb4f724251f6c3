import type { MiddlewareHandler } from 'hono'
import { etag } from 'hono/etag'
import type { AppEnv } from './env.ts'

/**
 * GETs are pure functions of the deployed catalog: cacheable for five minutes and revalidated
 * by ETag (If-None-Match → 304). Planner POSTs are not cached.
 */
export function cacheableGets(): MiddlewareHandler<AppEnv> {
  const tag = etag()
  return async (c, next) => {
    if (c.req.method !== 'GET') return next()
    await tag(c, next)
    if (c.res.status === 200 || c.res.status === 304) c.header('Cache-Control', 'public, max-age=300')
  }
}
