import { loadCatalog } from '../api/scripts/load-catalog.ts'
import { createApp } from '../api/src/app.ts'
import { openApiDocument } from '../api/src/http/openapi.ts'

/** The OpenAPI document the code generates, as committed (stable key order, final newline). */
export function openApiDocumentText(): string {
  const doc = openApiDocument(createApp(loadCatalog('data')))
  return `${JSON.stringify(doc, null, 2)}\n`
}
