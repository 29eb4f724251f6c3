/** `npm run openapi`: writes openapi/openapi.json from the routes' zod schemas. */
import { writeFileSync } from 'node:fs'
import { openApiDocumentText } from './openapi-document.ts'

writeFileSync('openapi/openapi.json', await openApiDocumentText())
console.log('openapi: wrote openapi/openapi.json')
