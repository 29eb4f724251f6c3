import type { Catalog } from '../domain/catalog/catalog.ts'
import type { Architecture } from '../domain/lab/schemas.ts'

/** Bindings from wrangler.toml, and what the app puts on every request's context. */
export interface AppEnv {
  Bindings: {
    ASSETS?: { fetch: (request: Request) => Promise<Response> }
    EMBED_ALLOWED_ANCESTORS?: string
  }
  Variables: {
    catalog: Catalog
    /** The documented architecture (data/architecture/), what changes are applied to. */
    architecture: Architecture
  }
}
