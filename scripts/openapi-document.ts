import { loadArchitecture, loadCatalog } from '../api/scripts/load-catalog.ts'
import { createApp } from '../api/src/app.ts'
import { openApiDocument } from '../api/src/http/openapi.ts'
import { addResponseExamples } from './openapi-examples.ts'

/** The OpenAPI document the code generates, as committed (stable key order, final newline). */
export async function openApiDocumentText(): Promise<string> {
  const catalog = loadCatalog('data')
  const app = createApp(catalog, loadArchitecture(catalog, 'data'))
  const doc = openApiDocument(app)
  await addResponseExamples(doc as unknown as Parameters<typeof addResponseExamples>[0], app)
  return `${JSON.stringify(doc, null, 2)}\n`
}
