/**
 * The API reference as page data, read from openapi/openapi.json (the document the worker
 * serves at /api/openapi.json): operations grouped by tag, with parameters, the request body's
 * schema and every response. Only the fields the page shows are typed.
 */

interface SchemaRef {
  $ref?: string
  type?: string | string[]
  items?: SchemaRef
  description?: string
  properties?: Record<string, SchemaRef>
  required?: string[]
  anyOf?: SchemaRef[]
  oneOf?: SchemaRef[]
  allOf?: SchemaRef[]
  enum?: unknown[]
  example?: unknown
  [key: string]: unknown
}

interface MediaType {
  schema?: SchemaRef
  example?: unknown
  examples?: Record<string, { summary?: string; value?: unknown }>
}

interface Parameter {
  name: string
  in: string
  required?: boolean
  description?: string
  schema?: SchemaRef
}

interface Operation {
  operationId?: string
  summary?: string
  description?: string
  tags?: string[]
  parameters?: Parameter[]
  requestBody?: { description?: string; content?: Record<string, MediaType> }
  responses?: Record<string, { description?: string; content?: Record<string, MediaType> }>
}

export interface OpenApiDocument {
  info: { title: string; version: string; description?: string }
  tags?: { name: string; description?: string }[]
  paths: Record<string, Record<string, Operation>>
  components?: { schemas?: Record<string, SchemaRef> }
}

export interface OperationView {
  id: string
  method: string
  path: string
  summary: string
  description: string | null
  parameters: {
    name: string
    in: string
    required: boolean
    type: TypeParts
    constraints: string[]
    description: string
  }[]
  requestBody: TypeParts | null
  /** The request body's example: the document's, else its schema's. */
  requestExample: string | null
  responses: {
    status: string
    description: string
    mediaType: string | null
    schema: TypeParts | null
    example: string | null
  }[]
}

/** A type as text with the component names in it, so a page can link each to its schema. */
export type TypeParts = { text: string; ref: string | null }[]

export interface FieldView {
  name: string
  type: TypeParts
  required: boolean
  constraints: string[]
  description: string
}

export interface SchemaView {
  name: string
  description: string
  /** Object fields, nested inline objects flattened as parent.child. */
  fields: FieldView[]
  /** For a schema that is not an object: its type (enum values, union). */
  type: TypeParts
  constraints: string[]
  example: string | null
}

export interface TagView {
  name: string
  description: string
  operations: OperationView[]
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete']

const refName = (ref: string) => ref.replace('#/components/schemas/', '')

/** A schema's type, naming components (linked on the page), arrays, unions and nullables. */
function typeParts(schema: SchemaRef | undefined): TypeParts {
  if (!schema) return [{ text: 'any', ref: null }]
  if (schema.$ref) return [{ text: refName(schema.$ref), ref: refName(schema.$ref) }]
  const union = schema.anyOf ?? schema.oneOf
  if (union) return union.flatMap((u, i) => [...(i > 0 ? [{ text: ' | ', ref: null }] : []), ...typeParts(u)])
  if (schema.enum) return [{ text: schema.enum.map((v) => JSON.stringify(v)).join(' | '), ref: null }]
  const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? 'object']
  return types.flatMap((t, i) => {
    const sep = i > 0 ? [{ text: ' | ', ref: null }] : []
    return t === 'array'
      ? [...sep, ...typeParts(schema.items), { text: '[]', ref: null }]
      : [...sep, { text: t, ref: null }]
  })
}

const CONSTRAINTS: [string, (v: unknown) => string][] = [
  ['minimum', (v) => `≥ ${String(v)}`],
  ['exclusiveMinimum', (v) => `> ${String(v)}`],
  ['maximum', (v) => `≤ ${String(v)}`],
  ['exclusiveMaximum', (v) => `< ${String(v)}`],
  ['minLength', (v) => `at least ${String(v)} characters`],
  ['maxLength', (v) => `at most ${String(v)} characters`],
  ['minItems', (v) => `at least ${String(v)} items`],
  ['maxItems', (v) => `at most ${String(v)} items`],
  ['pattern', (v) => `matches ${String(v)}`],
  ['format', (v) => `format ${String(v)}`],
  ['default', (v) => `default ${JSON.stringify(v)}`],
  ['const', (v) => `always ${JSON.stringify(v)}`],
]

export function constraintsOf(schema: SchemaRef): string[] {
  return CONSTRAINTS.filter(([key]) => schema[key] !== undefined).map(([key, say]) => say(schema[key]))
}

const isInlineObject = (s: SchemaRef | undefined) => !!s && !s.$ref && s.properties !== undefined

/** An object's fields; an inline object field (or array of them) also lists its own, as a.b / a[].b. */
function fieldsOf(schema: SchemaRef, prefix = '', depth = 0): FieldView[] {
  const required = new Set(schema.required ?? [])
  return Object.entries(schema.properties ?? {}).flatMap(([name, field]) => {
    const own: FieldView = {
      name: `${prefix}${name}`,
      type: typeParts(field),
      required: required.has(name),
      constraints: constraintsOf(field),
      description: field.description ?? '',
    }
    if (depth >= 3) return [own]
    if (isInlineObject(field)) return [own, ...fieldsOf(field, `${prefix}${name}.`, depth + 1)]
    if (isInlineObject(field.items)) return [own, ...fieldsOf(field.items!, `${prefix}${name}[].`, depth + 1)]
    return [own]
  })
}

const json = (v: unknown) => JSON.stringify(v, null, 2)

/** Every component schema of the document, by name, with its fields and example. */
export function schemaViews(doc: OpenApiDocument): SchemaView[] {
  return Object.entries(doc.components?.schemas ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, schema]) => ({
      name,
      description: schema.description ?? '',
      fields: fieldsOf(schema),
      type: schema.properties ? [{ text: 'object', ref: null }] : typeParts(schema),
      constraints: constraintsOf(schema),
      example: schema.example === undefined ? null : json(schema.example),
    }))
}

/** A media type's example: its own, its first named one, else the referenced schema's. */
function exampleOf(doc: OpenApiDocument, media: MediaType | undefined): string | null {
  if (!media) return null
  if (media.example !== undefined) return json(media.example)
  const named = Object.values(media.examples ?? {})[0]
  if (named?.value !== undefined) return json(named.value)
  const ref = media.schema?.$ref
  const example = ref ? doc.components?.schemas?.[refName(ref)]?.example : media.schema?.example
  return example === undefined ? null : json(example)
}

function firstContent(doc: OpenApiDocument, content: Record<string, MediaType> | undefined) {
  const entry = content ? Object.entries(content)[0] : undefined
  return entry
    ? {
        mediaType: entry[0],
        schema: entry[1].schema ? typeParts(entry[1].schema) : null,
        example: exampleOf(doc, entry[1]),
      }
    : { mediaType: null, schema: null, example: null }
}

function operationView(doc: OpenApiDocument, path: string, method: string, op: Operation): OperationView {
  const body = firstContent(doc, op.requestBody?.content)
  return {
    id: op.operationId ?? `${method}-${path}`,
    method: method.toUpperCase(),
    path,
    summary: op.summary ?? '',
    description: op.description ?? null,
    parameters: (op.parameters ?? []).map((p) => ({
      name: p.name,
      in: p.in,
      required: p.required ?? false,
      type: typeParts(p.schema),
      constraints: p.schema ? constraintsOf(p.schema) : [],
      description: p.description ?? p.schema?.description ?? '',
    })),
    requestBody: body.schema,
    requestExample: body.example,
    responses: Object.entries(op.responses ?? {}).map(([status, r]) => ({
      status,
      description: r.description ?? '',
      ...firstContent(doc, r.content),
    })),
  }
}

/** Operations by tag, in the document's tag order; untagged ones last under "other". */
export function operationsByTag(doc: OpenApiDocument): TagView[] {
  const ops = Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((m) => ({
      tag: item[m]!.tags?.[0] ?? 'other',
      view: operationView(doc, path, m, item[m]!),
    })),
  )
  const tags = [...(doc.tags ?? []), { name: 'other', description: 'Untagged operations' }]
  return tags
    .map((t) => ({
      name: t.name,
      description: t.description ?? '',
      operations: ops.filter((o) => o.tag === t.name).map((o) => o.view),
    }))
    .filter((t) => t.operations.length > 0)
}

/** "POST /api/v1/plan/vram-fit" for an operationId, so pages name routes as openapi.json does. */
export function operationRef(
  doc: OpenApiDocument,
  operationId: string,
): { method: string; path: string } | null {
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS)
      if (item[method]?.operationId === operationId) return { method: method.toUpperCase(), path }
  }
  return null
}
