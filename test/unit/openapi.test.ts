import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { validatorFor, type Defs } from '../../bench/fuzz/json-schema.ts'
import { openApiDocumentText } from '../../scripts/openapi-document.ts'

it('openapi/openapi.json is what the code generates (run `npm run openapi` after changing a route)', async () => {
  expect(readFileSync('openapi/openapi.json', 'utf8')).toBe(await openApiDocumentText())
})

it('documents a nullable reference as anyOf [$ref, null], never allOf (which would reject null)', async () => {
  const text = await openApiDocumentText()
  // zod's .nullable() on a named schema comes out as allOf: [$ref, {type: [..., null]}]:
  // write z.union([Schema, z.null()]) instead.
  expect(text).not.toMatch(/"allOf": \[\s*\{\s*"\$ref"/)
})

describe('every operation', () => {
  type Media = { schema: Record<string, unknown>; example?: unknown }
  type Operation = {
    description?: string
    requestBody?: { content: Record<string, Media> }
    responses: Record<string, { content?: Record<string, Media>; headers?: Record<string, unknown> }>
  }
  const doc = JSON.parse(readFileSync('openapi/openapi.json', 'utf8')) as {
    paths: Record<string, Record<string, Operation>>
    components: { schemas: Defs }
  }
  const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, method, op })),
  )
  const defs = doc.components.schemas

  it.each(operations)('$name has a description, and a 200 example its schema accepts', ({ op }) => {
    expect(op.description?.length).toBeGreaterThan(20)
    const media = op.responses['200']!.content!['application/json']!
    expect(media.example).toBeDefined()
    const result = validatorFor(media.schema, defs).safeParse(media.example)
    expect(result.error?.issues ?? []).toEqual([])
  })

  it.each(operations.filter((o) => o.op.requestBody))(
    '$name has a request example its schema accepts',
    ({ op }) => {
      const schema = op.requestBody!.content['application/json']!.schema
      const component = defs[String(schema.$ref).split('/').pop()!]!
      expect(component.example).toBeDefined()
      expect(validatorFor(schema, defs).safeParse(component.example).error?.issues ?? []).toEqual([])
    },
  )

  it.each(operations)(
    "$name documents 405 with Allow, 500, and (GET) 304 with the 200's headers",
    ({ method, op }) => {
      expect(op.responses['405']?.headers).toHaveProperty('Allow')
      expect(op.responses['500']).toBeDefined()
      if (method === 'get' && op.responses['200']!.headers?.ETag)
        expect(op.responses['304']?.headers).toEqual(op.responses['200']!.headers)
    },
  )
})
