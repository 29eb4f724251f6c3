/**
 * GET /embed/<widget>: the static embed pages (site/dist/embed/<widget>/index.html, written by
 * scripts/build-widgets.ts), served by the worker (run_worker_first in wrangler.toml) so that
 * the security-headers middleware (api/src/http/security-headers.ts, mounted on '*' in app.ts)
 * can give them a frame-ancestors policy that lets other sites frame them; every other page of
 * the site must not be framed. This route only picks the asset: it sets no header itself, so
 * the middleware is the one place the embed policy is made. Not an OpenAPI operation: it
 * answers HTML, not API data.
 */
import { Hono, type MiddlewareHandler } from 'hono'
import type { AppEnv } from '../http/env.ts'

/** Widgets with an embed page; anything else is a 404, never a path handed to ASSETS. */
export const EMBED_WIDGETS = ['vram-fit', 'passthrough', 'storage-tier'] as const

export const embedRouter = new Hono<AppEnv>()

const serveEmbed: MiddlewareHandler<AppEnv> = async (c) => {
  const widget = c.req.param('widget') ?? ''
  const assets = c.env?.ASSETS
  if (!assets || !(EMBED_WIDGETS as readonly string[]).includes(widget)) return c.notFound()
  // Asset URLs end in "/" (auto-trailing-slash serves index.html there without a redirect).
  const url = new URL(`/embed/${widget}/`, c.req.url)
  const asset = await assets.fetch(new Request(url, { headers: c.req.raw.headers }))
  // Not built (npm run build writes the embed pages after astro): the API's 404, not a framable error page.
  if (!asset.ok && asset.status !== 304) return c.notFound()
  // As the asset answered (its own CSP, if it has one, is kept and adjusted by the middleware).
  return asset
}

embedRouter.get('/embed/:widget{[a-z-]+}', serveEmbed)
embedRouter.get('/embed/:widget{[a-z-]+}/', serveEmbed)
