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
  [key: string]: unknown
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
  requestBody?: { description?: string; content?: Record<string, { schema?: SchemaRef }> }
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: SchemaRef }> }>
}

export interface OpenApiDocument {
  info: { title: string; version: string; description?: string }
  tags?: { name: string; description?: string }[]
  paths: Record<string, Record<string, Operation>>
}

export interface OperationView {
  id: string
  method: string
  path: string
  summary: string
  description: string | null
  parameters: { name: string; in: string; required: boolean; type: string; description: string }[]
  requestBody: string | null
  responses: { status: string; description: string; mediaType: string | null; schema: string | null }[]
}

export interface TagView {
  name: string
  description: string
  operations: OperationView[]
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete']

/** A schema's name: the component it references, else its type. */
export function schemaName(schema: SchemaRef | undefined): string | null {
  if (!schema) return null
  if (schema.$ref) return schema.$ref.replace('#/components/schemas/', '')
  if (schema.type === 'array') return `${schemaName(schema.items) ?? 'any'}[]`
  if (Array.isArray(schema.type)) return schema.type.join(' | ')
  return schema.type ?? 'object'
}

function firstContent(content: Record<string, { schema?: SchemaRef }> | undefined) {
  const entry = content ? Object.entries(content)[0] : undefined
  return entry ? { mediaType: entry[0], schema: schemaName(entry[1].schema) } : { mediaType: null, schema: null }
}

function operationView(path: string, method: string, op: Operation): OperationView {
  return {
    id: op.operationId ?? `${method}-${path}`,
    method: method.toUpperCase(),
    path,
    summary: op.summary ?? '',
    description: op.description ?? null,
    parameters: (op.parameters ?? []).map((p) => ({
      name: p.name, in: p.in, required: p.required ?? false, type: schemaName(p.schema) ?? 'string',
      description: p.description ?? p.schema?.description ?? '',
    })),
    requestBody: firstContent(op.requestBody?.content).schema,
    responses: Object.entries(op.responses ?? {}).map(([status, r]) => ({ status, description: r.description ?? '', ...firstContent(r.content) })),
  }
}

/** Operations by tag, in the document's tag order; untagged ones last under "other". */
export function operationsByTag(doc: OpenApiDocument): TagView[] {
  const ops = Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((m) => ({ tag: item[m]!.tags?.[0] ?? 'other', view: operationView(path, m, item[m]!) }))
  )
  const tags = [...(doc.tags ?? []), { name: 'other', description: 'Untagged operations' }]
  return tags
    .map((t) => ({ name: t.name, description: t.description ?? '', operations: ops.filter((o) => o.tag === t.name).map((o) => o.view) }))
    .filter((t) => t.operations.length > 0)
}

/** "POST /api/v1/plan/vram-fit" for an operationId, so pages name routes as openapi.json does. */
export function operationRef(doc: OpenApiDocument, operationId: string): { method: string; path: string } | null {
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) if (item[method]?.operationId === operationId) return { method: method.toUpperCase(), path }
  }
  return null
}
