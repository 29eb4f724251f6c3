/**
 * HTTP caching of the API, in one place. GET (and HEAD, which Hono answers by running the GET
 * route and dropping the body) is a pure function of the deployed code and catalog: cacheable
 * for five minutes and revalidated by a strong ETag (SHA-1 of the body; If-None-Match → 304).
 * A 304 and a HEAD carry exactly the headers the 200 carries — Content-Type included, so the
 * security headers pick the same CSP for a revalidated page as for the page itself. Planner
 * POSTs are not cached. A route that sets its own Cache-Control (health: no-store) keeps it.
 */
import type { MiddlewareHandler } from 'hono'
import type { Catalog } from '../domain/catalog/catalog.ts'
import type { AppEnv } from './env.ts'

export const CACHE_CONTROL = 'public, max-age=300'

/** The response header naming the catalog revision an answer was computed from. */
export const CATALOG_REVISION_HEADER = 'Catalog-Revision'

export function cacheableGets(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next()
    await next()
    if (c.res.status !== 200 || c.res.headers.has('Cache-Control')) return
    const body = new Uint8Array(await c.res.clone().arrayBuffer())
    const tag = await entityTag(body)
    const headers = new Headers(c.res.headers)
    headers.set('ETag', tag)
    headers.set('Cache-Control', CACHE_CONTROL)
    headers.set('Content-Length', String(body.byteLength))
    const fresh = matches(c.req.header('If-None-Match'), tag)
    // Assigning c.res merges the old response's headers into the new one; the same ones here.
    c.res = fresh
      ? new Response(null, { status: 304, headers })
      : new Response(body, { status: 200, headers })
  }
}

/** RFC 9110 §13.1.2: `*`, or any listed tag equal under weak comparison. */
function matches(ifNoneMatch: string | undefined, tag: string): boolean {
  if (ifNoneMatch === undefined) return false
  if (ifNoneMatch.trim() === '*') return true
  return (ifNoneMatch.match(/(?:W\/)?"[^"]*"/g) ?? []).some((t) => t.replace(/^W\//, '') === tag)
}

async function entityTag(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-1', bytes))
  return `"${[...digest].map((b) => b.toString(16).padStart(2, '0')).join('')}"`
}

const revisions = new WeakMap<Catalog, Promise<string>>()

/**
 * The catalog's revision: the ETag of GET /api/v1/catalog (the same digest of the same JSON),
 * so a client can tell which catalog a plan was computed from and whether its copy is current.
 */
export function catalogRevision(catalog: Catalog): Promise<string> {
  let revision = revisions.get(catalog)
  if (!revision) {
    revision = entityTag(new TextEncoder().encode(JSON.stringify(catalog)))
    revisions.set(catalog, revision)
  }
  return revision
}
