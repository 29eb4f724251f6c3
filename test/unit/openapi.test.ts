import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { openApiDocumentText } from '../../scripts/openapi-document.ts'

it('openapi/openapi.json is what the code generates (run `npm run openapi` after changing a route)', () => {
  expect(readFileSync('openapi/openapi.json', 'utf8')).toBe(openApiDocumentText())
})

it('documents a nullable reference as anyOf [$ref, null], never allOf (which would reject null)', () => {
  const text = openApiDocumentText()
  // zod's .nullable() on a named schema comes out as allOf: [$ref, {type: [..., null]}]:
  // write z.union([Schema, z.null()]) instead.
  expect(text).not.toMatch(/"allOf": \[\s*\{\s*"\$ref"/)
})
