/**
 * The site's public origin, for canonical links, og:url and the embed snippets wiki authors
 * copy: SITE_ORIGIN from the environment, else [vars] SITE_ORIGIN in wrangler.toml, else the
 * local `npm start` address. A deploy build (`npm run deploy` sets HP_DEPLOY=1) refuses a
 * loopback origin, so a deployed copy never hands out localhost snippets.
 */
export const LOCAL_ORIGIN = 'http://127.0.0.1:8787'

/** [vars] SITE_ORIGIN = "…" of wrangler.toml (a commented-out line does not count). */
function wranglerVar(toml: string, name: string): string | null {
  return new RegExp(`^\\s*${name}\\s*=\\s*"([^"]*)"`, 'm').exec(toml)?.[1] ?? null
}

const isLoopback = (origin: string) =>
  /^https?:\/\/(?:localhost|127(?:\.\d+){3}|\[::1\])(?::\d+)?$/.test(origin)

export function siteOrigin(env: Record<string, string | undefined>, wranglerToml: string): string {
  const configured = env.SITE_ORIGIN || wranglerVar(wranglerToml, 'SITE_ORIGIN')
  let origin = LOCAL_ORIGIN
  if (configured) {
    const url = URL.parse(configured)
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      throw new Error(
        `SITE_ORIGIN: expected an http(s) origin such as https://planner.example.org (got "${configured}")`,
      )
    }
    origin = url.origin
  }
  if (env.HP_DEPLOY && isLoopback(origin)) {
    throw new Error(
      `SITE_ORIGIN: a deploy build needs the public origin (got ${origin}); ` +
        `set it in wrangler.toml [vars] or the environment`,
    )
  }
  return origin
}
