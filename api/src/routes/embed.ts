/**
 * GET /embed/<widget>: the static embed pages (site/dist/embed/<widget>/index.html, written by
 * scripts/build-widgets.ts), served by the worker so they can carry a frame-ancestors policy
 * that lets other sites frame them (every other page of the site must not be framed). Not an
 * OpenAPI operation: it answers HTML, not API data.
 */
import { Hono, type MiddlewareHandler } from 'hono'
import type { AppEnv } from '../http/env.ts'
import { embedCsp } from '../http/security-headers.ts'

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
  // The security-headers middleware sets the same CSP on every /embed/* answer; set here too
  // so the page is right even where that middleware is not mounted (tests of this router).
  const res = new Response(asset.body, asset)
  res.headers.set('Content-Security-Policy', embedCsp(c.env.EMBED_ALLOWED_ANCESTORS))
  res.headers.set('X-Content-Type-Options', 'nosniff')
  res.headers.set('Referrer-Policy', 'no-referrer')
  res.headers.delete('X-Frame-Options') // in case the assets' _headers rule for /* ever reaches here
  return res
}

embedRouter.get('/embed/:widget{[a-z-]+}', serveEmbed)
embedRouter.get('/embed/:widget{[a-z-]+}/', serveEmbed)
