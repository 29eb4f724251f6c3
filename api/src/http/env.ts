import type { Catalog } from '../domain/catalog/catalog.ts'
import type { Architecture } from '../domain/lab/schemas.ts'

/** Bindings from wrangler.toml, and what the app puts on every request's context. */
export interface AppEnv {
  Bindings: {
    ASSETS?: { fetch: (request: Request) => Promise<Response> }
    EMBED_ALLOWED_ANCESTORS?: string
    /** The rate-limiting binding and the policy it enforces ("300 per 60s", or "off"): rate-limit.ts. */
    API_RATE_LIMITER?: { limit: (options: { key: string }) => Promise<{ success: boolean }> }
    RATE_LIMIT?: string
    MODEL_FETCH_ALLOWED_HOSTS?: string
    MODEL_FETCH_MAX_BYTES?: string
    MODEL_FETCH_TIMEOUT_MS?: string
  }
  Variables: {
    catalog: Catalog
    /** The documented architecture (data/architecture/), what changes are applied to. */
    architecture: Architecture
  }
}
