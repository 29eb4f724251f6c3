/** Worker entry: the app over the catalog and architecture bundled by `npm run data:build`. */
import { createApp } from './app.ts'
import type { Catalog } from './domain/catalog/catalog.ts'
import type { Architecture } from './domain/lab/schemas.ts'
import architectureJson from './generated/architecture.json'
import catalogJson from './generated/catalog.json'

// Validated when it was built (api/scripts/build-data.ts); parsing it again per isolate would only cost start-up time.
export default createApp(catalogJson as unknown as Catalog, architectureJson as unknown as Architecture)
