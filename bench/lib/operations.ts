/**
 * What to measure, read from the OpenAPI document so new planners are benchmarked the day
 * they are mounted: every POST under /api/v1/plan or another planner path, with the `example`
 * its request schema documents (no example = skipped, with a note).
 */
type Schema = { [key: string]: unknown }
type PostOperation = Schema & {
  operationId?: string
  requestBody?: { content?: Record<string, { schema?: Schema; example?: unknown }> }
}
type Doc = {
  paths?: Record<string, { post?: PostOperation }>
  components?: { schemas?: Record<string, Schema> }
}

export interface PlannerCall {
  operationId: string
  path: string
  body: string
}
export interface Skipped {
  operationId: string
  path: string
  reason: string
}

function example(schema: Schema | undefined, doc: Doc): unknown {
  if (!schema) return undefined
  if (schema.example !== undefined) return schema.example
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0]
  const ref = schema.$ref
  if (typeof ref === 'string') return example(doc.components?.schemas?.[ref.split('/').pop()!], doc)
  return undefined
}

export function plannerCalls(doc: Doc): { calls: PlannerCall[]; skipped: Skipped[] } {
  const calls: PlannerCall[] = []
  const skipped: Skipped[] = []
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const op = item.post
    if (!op || path.includes('{')) continue
    const media = op.requestBody?.content?.['application/json']
    const body = media?.example ?? example(media?.schema, doc)
    const operationId = op.operationId ?? `POST ${path}`
    if (body === undefined)
      skipped.push({ operationId, path, reason: 'its request schema documents no example' })
    else calls.push({ operationId, path, body: JSON.stringify(body) })
  }
  return { calls, skipped }
}
