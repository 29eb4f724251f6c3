import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { openApiDocumentText } from '../../scripts/openapi-document.ts'

it('openapi/openapi.json is what the code generates (run `npm run openapi` after changing a route)', () => {
  expect(readFileSync('openapi/openapi.json', 'utf8')).toBe(openApiDocumentText())
})
