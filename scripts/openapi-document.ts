import { loadArchitecture, loadCatalog } from '../api/scripts/load-catalog.ts'
import { createApp } from '../api/src/app.ts'
import { documentConfig } from '../api/src/http/openapi.ts'

/** The OpenAPI document the code generates, as committed (stable key order, final newline). */
export function openApiDocumentText(): string {
  const catalog = loadCatalog('data')
  const doc = createApp(catalog, loadArchitecture(catalog, 'data')).getOpenAPI31Document(documentConfig)
  return `${JSON.stringify(doc, null, 2)}\n`
}
