/**
 * Response examples for the OpenAPI document, made by asking the app itself: each operation is
 * called with its documented parameter and body examples, and its real answer (arrays cut to
 * their first two items, to keep the document readable) becomes the 200's example. So an
 * example can never drift from what the API answers, and test/unit/openapi.test.ts checks each
 * one against its schema.
 */
import type { createApp } from '../api/src/app.ts'

type Json = Record<string, unknown>
interface Operation {
  parameters?: { name: string; in: string; schema?: Json }[]
  requestBody?: { content: Record<string, { schema: Json }> }
  responses: Record<string, { content?: Record<string, { example?: unknown }> }>
}
interface Document {
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, Json> }
}

const EXAMPLE_ITEMS = 2

export async function addResponseExamples(doc: Document, app: ReturnType<typeof createApp>): Promise<void> {
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const url = path.replaceAll(/\{(\w+)\}/g, (_, name: string) =>
        String(parameterExample(operation, name)),
      )
      const body = requestExample(doc, operation)
      const res = await app.request(url, {
        method: method.toUpperCase(),
        ...(body !== undefined && {
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        }),
      })
      if (res.status !== 200)
        throw new Error(
          `openapi: the example of ${method.toUpperCase()} ${url} answered ${res.status}: ${await res.text()}`,
        )
      const media = operation.responses['200']?.content?.['application/json']
      if (media) media.example = trimmed(await res.json())
    }
  }
}

function parameterExample(operation: Operation, name: string): unknown {
  const example = operation.parameters?.find((p) => p.in === 'path' && p.name === name)?.schema?.example
  if (example === undefined) throw new Error(`openapi: path parameter ${name} has no example`)
  return example
}

/** The example of the JSON request body's schema (a component's, through its `$ref`). */
export function requestExample(doc: Document, operation: Operation): unknown {
  const schema = operation.requestBody?.content['application/json']?.schema
  if (!schema) return undefined
  const ref = typeof schema.$ref === 'string' ? doc.components.schemas[schema.$ref.split('/').pop()!] : schema
  if (ref?.example === undefined) throw new Error('openapi: a request body schema has no example')
  return ref.example
}

function trimmed(value: unknown): unknown {
  if (Array.isArray(value)) return value.slice(0, EXAMPLE_ITEMS).map(trimmed)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, trimmed(v)]))
}
