/**
 * Security headers on every response the worker makes (API JSON, problem+json, /api/docs and
 * the /embed/* pages; the embed route sets none itself, so this is the one place their
 * framing policy is made). Static pages served straight from site/dist get theirs from
 * site/public/_headers: Workers static assets apply that file only to asset responses, never
 * to a response the worker builds, so the two sets must agree (docs/SECURITY.md).
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from './env.ts'

/** JSON, problem+json and anything not HTML: nothing may load from it or frame it. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'"

/**
 * HTML pages. Scripts and styles from our own origin only (Swagger UI and widgets are served
 * from site/dist, no CDN); inline styles because Swagger UI and Starlight set `style=""`;
 * data: images for Swagger UI's inline SVG icons.
 */
const PAGE_DIRECTIVES = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
]
export const PAGE_CSP = [...PAGE_DIRECTIVES, "frame-ancestors 'none'"].join('; ')

/** A CSP source expression: scheme, host (wildcards), port, path or a quoted keyword. */
const SOURCE_EXPRESSION =
  /^(?:'(?:self|none)'|\*|[a-z][a-z0-9+.-]*:|(?:[a-z][a-z0-9+.-]*:\/\/)?[a-z0-9*.-]+(?::(?:\d+|\*))?(?:\/[\w./-]*)?)$/i

/** A bare word ("script-src") would parse as a host; real hosts have a dot, scheme or port. */
const BARE_WORD = /^(?!localhost$)[a-z0-9-]+$/i

/**
 * `frame-ancestors` for /embed/*, from the EMBED_ALLOWED_ANCESTORS var (space-separated
 * sources, "*" = any site). Anything that is not a source expression is dropped, so a
 * mistyped var can never inject another directive or header; nothing valid = 'none'.
 */
export function frameAncestors(allowed: string | undefined): string {
  const sources = (allowed ?? '').split(/\s+/).filter((s) => SOURCE_EXPRESSION.test(s) && !BARE_WORD.test(s))
  return sources.length > 0 ? sources.join(' ') : "'none'"
}

/**
 * The CSP of an /embed/* answer: the policy the response already has (an asset from
 * env.ASSETS may carry the one of _headers, with its inline-script hashes; it is kept, not
 * replaced) or else PAGE_CSP, with frame-ancestors replaced by the allowed embedders.
 */
export function embedCsp(allowed: string | undefined, existing?: string | null): string {
  const directives = (existing ?? PAGE_CSP)
    .split(';')
    .map((d) => d.trim())
    .filter((d) => d !== '' && !/^frame-ancestors\b/i.test(d))
  return [...directives, `frame-ancestors ${frameAncestors(allowed)}`].join('; ')
}

function isEmbed(pathname: string): boolean {
  return pathname === '/embed' || pathname.startsWith('/embed/')
}

/** Sets the headers after the route answered, whatever it answered (errors and 404s too). */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next()
    const embed = isEmbed(c.req.path)
    const html = (c.res.headers.get('content-type') ?? '').startsWith('text/html')
    const headers: Record<string, string> = {
      'Content-Security-Policy': embed
        ? embedCsp(c.env?.EMBED_ALLOWED_ANCESTORS, c.res.headers.get('content-security-policy'))
        : html
          ? PAGE_CSP
          : API_CSP,
      'X-Content-Type-Options': 'nosniff',
      // Planner URLs can carry a lab's layout in the query; never leak them to other sites.
      'Referrer-Policy': 'no-referrer',
    }
    // Old browsers ignore frame-ancestors; embeds rely on CSP alone (X-Frame-Options has no allow-list).
    if (!embed) headers['X-Frame-Options'] = 'DENY'
    const apply = (res: Response) => {
      for (const [name, value] of Object.entries(headers)) res.headers.set(name, value)
      // An asset's _headers rule for /* may carry DENY; it would refuse every embedder.
      if (embed) res.headers.delete('X-Frame-Options')
    }
    try {
      apply(c.res)
    } catch {
      // A response from env.ASSETS.fetch has immutable headers: copy it once, then set.
      c.res = new Response(c.res.body, c.res)
      apply(c.res)
    }
  }
}
