/**
 * Builds the whole HTTP app from a catalog. No `cloudflare:*` import here, so tests, the
 * OpenAPI generator and benchmarks can build the same app the worker serves.
 */
import { bodyLimit } from 'hono/body-limit'
import { cors } from 'hono/cors'
import { etag } from 'hono/etag'
import { methodNotAllowed } from 'hono/method-not-allowed'
import type { Catalog } from './domain/catalog/catalog.ts'
import { createRouter } from './http/create-router.ts'
import { OPENAPI_PATH, documentConfig } from './http/openapi.ts'
import { onError, onNotFound, problem } from './http/problem.ts'
import { apiDocsPage } from './http/api-docs-page.ts'
import { catalogRouter } from './routes/catalog/index.ts'
import { healthRouter } from './routes/meta/health.ts'

/** Largest request body accepted, in bytes: planner requests are a few KiB. */
export const MAX_BODY_BYTES = 1024 * 1024

export function createApp(catalog: Catalog) {
  const app = createRouter()
  app.onError(onError)
  app.notFound(onNotFound)

  app.use('*', methodNotAllowed({ app, onMethodNotAllowed: (c, methods) =>
    problem(c, 'method-not-allowed', `${c.req.method} is not allowed here; use ${methods.join(', ')}.`, undefined, { Allow: methods.join(', ') }) }))
  // Widgets on other origins call the API; no credentials are ever needed or allowed.
  app.use('/api/*', cors({ origin: '*', allowMethods: ['GET', 'POST', 'OPTIONS'], allowHeaders: ['Content-Type', 'If-None-Match'], maxAge: 86400 }))
  app.use('/api/*', async (c, next) => {
    c.set('catalog', catalog)
    await next()
    c.header('X-Content-Type-Options', 'nosniff')
    c.header('Referrer-Policy', 'no-referrer')
  })
  app.use('/api/*', bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => problem(c, 'payload-too-large', `The body exceeds ${MAX_BODY_BYTES} bytes.`) }))
  app.on('POST', '/api/*', async (c, next) => {
    const type = c.req.header('content-type') ?? ''
    if (!/^application\/json\s*(;|$)/i.test(type)) {
      return problem(c, 'unsupported-media-type', `Send the body as application/json (got "${type || 'no Content-Type'}").`, [
        { in: 'header', pointer: '/content-type', detail: 'expected application/json' },
      ])
    }
    return next()
  })
  // GETs are pure functions of the deployed catalog: cacheable, revalidated by ETag.
  app.on('GET', '/api/*', etag(), async (c, next) => {
    await next()
    if (c.res.status === 200 || c.res.status === 304) c.header('Cache-Control', 'public, max-age=300')
  })

  app.route('/', healthRouter)
  app.route('/', catalogRouter)
  app.doc31(OPENAPI_PATH, documentConfig)
  app.get('/api/docs', (c) => c.html(apiDocsPage(OPENAPI_PATH)))
  return app
}

export type App = ReturnType<typeof createApp>
