/**
 * The two things the fuzzer needs from the JSON Schemas of an OpenAPI 3.1 document: a
 * validator for documented responses, and fast-check arbitraries for requests. Generic over
 * the document, so a new operation is covered the moment it is mounted.
 *
 * Validation uses zod's own `z.fromJSONSchema` (zod is already a dependency; no ajv needed):
 * the document's components become `$defs` of one draft 2020-12 root schema.
 */
import fc from 'fast-check'
import { z } from 'zod'

export type Schema = { [key: string]: unknown }
export type Defs = Record<string, Schema>

const REF_PREFIX = '#/components/schemas/'

/** A schema with its `$ref` followed (one level; recursion happens as we walk). */
export function deref(schema: Schema, defs: Defs): Schema {
  const ref = schema.$ref
  if (typeof ref === 'string' && ref.startsWith(REF_PREFIX)) return defs[ref.slice(REF_PREFIX.length)] ?? {}
  return schema
}

/**
 * Places where the document says `allOf: [{ $ref }, { type: [T, "null"] }]`: how
 * @hono/zod-openapi renders `.nullable()` of a registered schema. No null can satisfy the
 * `$ref` half, so the document rejects the nulls the API really sends. Reported as a known
 * deviation; validation reads them as the intended `anyOf: [{ $ref }, { type: "null" }]`.
 */
export function nullableRefPointers(doc: unknown, at = ''): string[] {
  if (Array.isArray(doc)) return doc.flatMap((item, i) => nullableRefPointers(item, `${at}/${i}`))
  if (doc === null || typeof doc !== 'object') return []
  const own = isNullableRef(doc as Schema) ? [at] : []
  return [
    ...own,
    ...Object.entries(doc).flatMap(([key, value]) =>
      nullableRefPointers(value, `${at}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`),
    ),
  ]
}

function isNullableRef(schema: Schema): boolean {
  const all = schema.allOf
  if (!Array.isArray(all) || all.length !== 2) return false
  const [ref, nullable] = all as Schema[]
  return (
    typeof ref?.$ref === 'string' &&
    Array.isArray(nullable?.type) &&
    (nullable.type as unknown[]).includes('null') &&
    Object.keys(nullable).length === 1
  )
}

function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise)
  if (value === null || typeof value !== 'object') return value
  const schema = value as Schema
  if (isNullableRef(schema)) return { anyOf: [normalise((schema.allOf as Schema[])[0]), { type: 'null' }] }
  return Object.fromEntries(
    Object.entries(schema).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' ? v.replace(REF_PREFIX, '#/$defs/') : normalise(v),
    ]),
  )
}

/** Compiles a response schema of the document into a zod validator (cached per schema object). */
export function validatorFor(schema: Schema, defs: Defs): z.ZodType {
  const cached = validators.get(schema)
  if (cached) return cached
  const root = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    ...(normalise(schema) as Schema),
    $defs: normalise(defs),
  }
  const validator = z.fromJSONSchema(root as Parameters<typeof z.fromJSONSchema>[0])
  validators.set(schema, validator)
  return validator
}
const validators = new WeakMap<Schema, z.ZodType>()

/** Values that break naive code: wrong types, non-finite numbers as strings, odd Unicode. */
export const NASTY_VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  -0.5,
  1.5,
  2 ** 53 + 1,
  1e308,
  -1e308,
  'NaN',
  'Infinity',
  '-Infinity',
  '1e999',
  '',
  ' ',
  '0x10',
  '__proto__',
  'constructor',
  '../../etc/passwd',
  '%00',
  '\u0000',
  '\uD800',
  '\u202Eevil',
  'é'.normalize('NFD'),
  '🦙'.repeat(200),
  'x'.repeat(10_000),
  [],
  [null],
  {},
  // Own `__proto__` keys, as JSON.parse makes them (an object literal would set the prototype instead).
  JSON.parse('{"__proto__":{"polluted":true}}'),
  { constructor: { prototype: { polluted: true } } },
]

/** Strings for path and query parameters (sent percent-encoded). */
export const NASTY_STRINGS: string[] = NASTY_VALUES.filter((v): v is string => typeof v === 'string').concat([
  '-1',
  '1.5',
  '9'.repeat(400),
  'MERAXES',
  'a b',
  '?',
  '#',
  '/',
  '..',
])

/** fast-check arbitrary of (mostly) valid instances of a schema; `example`s come first. */
export function arbitraryFor(schema: Schema, defs: Defs, depth = 0): fc.Arbitrary<unknown> {
  const s = deref(schema, defs)
  const example = s.example ?? schema.example
  const generated = generate(s, defs, depth)
  return example === undefined
    ? generated
    : fc.oneof({ weight: 2, arbitrary: fc.constant(example) }, { weight: 3, arbitrary: generated })
}

function generate(s: Schema, defs: Defs, depth: number): fc.Arbitrary<unknown> {
  if (depth > 6) return fc.constant(null)
  if (s.const !== undefined) return fc.constant(s.const)
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]))
  const union = (s.anyOf ?? s.oneOf) as Schema[] | undefined
  if (union) return fc.oneof(...union.map((u) => arbitraryFor(u, defs, depth + 1)))
  if (Array.isArray(s.allOf)) return arbitraryFor((s.allOf as Schema[])[0] ?? {}, defs, depth + 1)
  const types = Array.isArray(s.type)
    ? (s.type as string[])
    : [typeof s.type === 'string' ? s.type : 'object']
  return fc.oneof(...types.map((t) => byType(t, s, defs, depth)))
}

function byType(type: string, s: Schema, defs: Defs, depth: number): fc.Arbitrary<unknown> {
  const num = (key: string, fallback: number) => (typeof s[key] === 'number' ? s[key] : fallback)
  switch (type) {
    case 'null':
      return fc.constant(null)
    case 'boolean':
      return fc.boolean()
    case 'integer':
      return fc.integer({
        min: Math.max(num('minimum', -1000), -(2 ** 31)),
        max: Math.min(num('maximum', 100_000), 2 ** 31),
      })
    case 'number':
      return fc.double({
        min: num('minimum', -1e6),
        max: num('maximum', 1e6),
        noNaN: true,
        noDefaultInfinity: true,
      })
    case 'string':
      return stringFor(s)
    case 'array': {
      const items = (s.items as Schema | undefined) ?? {}
      return fc.array(arbitraryFor(items, defs, depth + 1), {
        minLength: num('minItems', 0),
        maxLength: Math.min(num('maxItems', 4), num('minItems', 0) + 4),
      })
    }
    default: {
      const props = (s.properties ?? {}) as Record<string, Schema>
      const required = new Set((s.required ?? []) as string[])
      const record = Object.fromEntries(
        Object.entries(props).map(([k, v]) => [k, arbitraryFor(v, defs, depth + 1)]),
      )
      return fc.record(record, { requiredKeys: Object.keys(props).filter((k) => required.has(k)) })
    }
  }
}

function stringFor(s: Schema): fc.Arbitrary<string> {
  const minLength = typeof s.minLength === 'number' ? s.minLength : 0
  const maxLength = typeof s.maxLength === 'number' ? Math.min(s.maxLength, 40) : 40
  if (typeof s.pattern === 'string') {
    try {
      return fc
        .stringMatching(new RegExp(s.pattern))
        .filter((x) => x.length >= minLength && x.length <= ((s.maxLength as number) ?? Infinity))
    } catch {
      // A pattern fast-check cannot invert: plain strings still exercise the validator.
    }
  }
  return fc.string({ minLength, maxLength: Math.max(minLength, maxLength), unit: 'grapheme' })
}
