/**
 * Builds the whole HTTP app from a catalog. No `cloudflare:*` import here, so tests, the
 * OpenAPI generator and benchmarks can build the same app the worker serves.
 */
import { bodyLimit } from 'hono/body-limit'
import { cors } from 'hono/cors'
import { methodNotAllowed } from 'hono/method-not-allowed'
import type { Catalog } from './domain/catalog/catalog.ts'
import type { Architecture } from './domain/lab/schemas.ts'
import { createRouter } from './http/create-router.ts'
import { OPENAPI_PATH, openApiDocument } from './http/openapi.ts'
import { onError, onNotFound, problem } from './http/problem.ts'
import { CATALOG_REVISION_HEADER, cacheableGets, catalogRevision } from './http/cache.ts'
import { jsonBodyOnly, jsonDepthLimit, queryLengthLimit } from './http/limits.ts'
import { rateLimit } from './http/rate-limit.ts'
import { securityHeaders } from './http/security-headers.ts'
import { apiDocsPage } from './http/api-docs-page.ts'
import { catalogRouter } from './routes/catalog/index.ts'
import { passthroughRouter } from './routes/passthrough/index.ts'
import { storageRouter } from './routes/storage/index.ts'
import { importRouter } from './routes/import/index.ts'
import { embedRouter } from './routes/embed.ts'
import { healthRouter } from './routes/meta/health.ts'
import { gpusRouter } from './routes/gpus/index.ts'
import { modelsRouter } from './routes/models/index.ts'
import { plannersRouter } from './routes/planners/index.ts'
import { labRouter } from './routes/lab/index.ts'

/** Response headers a cross-origin script may read. */
const EXPOSED_HEADERS = [
  'ETag',
  'Allow',
  CATALOG_REVISION_HEADER,
  'Retry-After',
  'RateLimit',
  'RateLimit-Policy',
]

/** Largest request body accepted, in bytes: planner requests are a few KiB. */
export const MAX_BODY_BYTES = 1024 * 1024

export function createApp(catalog: Catalog, architecture: Architecture) {
  const app = createRouter()
  app.onError(onError)
  app.notFound(onNotFound)

  // Outermost: every response, including 405s, 404s and errors, gets the security headers.
  app.use('*', securityHeaders())
  // Middleware below is registered with `use` (method ALL), which methodNotAllowed ignores: only
  // real routes say which methods a path allows.
  app.use(
    '*',
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) =>
        problem(
          c,
          'method-not-allowed',
          `${c.req.method} is not allowed here; use ${methods.join(', ')}.`,
          undefined,
          { Allow: methods.join(', ') },
        ),
    }),
  )
  // Widgets on other origins call the API; no credentials are ever needed or allowed. The
  // exposed headers are the ones a client acts on (revalidation, rate limits, catalog revision).
  app.use(
    '/api/*',
    cors({
      origin: '*',
      allowMethods: ['GET', 'HEAD', 'POST', 'OPTIONS'],
      allowHeaders: ['Content-Type', 'If-None-Match'],
      exposeHeaders: EXPOSED_HEADERS,
      maxAge: 86400,
    }),
  )
  // After CORS, so a 429 is readable cross-origin; before any parsing, so it costs nothing.
  app.use('/api/*', rateLimit())
  app.use('/api/*', async (c, next) => {
    c.set('catalog', catalog)
    c.set('architecture', architecture)
    await next()
    c.header(CATALOG_REVISION_HEADER, await catalogRevision(catalog))
  })
  app.use('/api/*', queryLengthLimit())
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => problem(c, 'payload-too-large', `The body exceeds ${MAX_BODY_BYTES} bytes.`),
    }),
  )
  app.use('/api/*', jsonBodyOnly())
  app.use('/api/*', jsonDepthLimit())
  app.use('/api/*', cacheableGets())

  app.route('/', healthRouter)
  app.route('/', catalogRouter)
  app.route('/', passthroughRouter)
  app.route('/', storageRouter)
  app.route('/', importRouter)
  app.route('/', modelsRouter)
  app.route('/', gpusRouter)
  app.route('/', plannersRouter)
  app.route('/', labRouter)
  app.route('/', embedRouter)
  // The committed document (with the response examples scripts/openapi-examples.ts makes) is a
  // static asset at this same path (copied at site build); without assets (tests, scripts) it
  // is generated on first request and kept.
  let document: ReturnType<typeof openApiDocument> | undefined
  app.get(OPENAPI_PATH, async (c) => {
    const asset = await c.env?.ASSETS?.fetch(new Request(new URL(OPENAPI_PATH, c.req.url)))
    if (asset?.ok) return c.body(await asset.text(), 200, { 'Content-Type': 'application/json' })
    return c.json((document ??= openApiDocument(app)))
  })
  app.get('/api/docs', (c) => c.html(apiDocsPage(OPENAPI_PATH)))
  return app
}
