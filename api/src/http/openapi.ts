import { z, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from './env.ts'
import { HEADER_COMPONENTS, documentHttp } from './openapi-http.ts'
import { BodySchemas } from './openapi-schemas.ts'

/** The OpenAPI document's fixed parts. Served at /api/openapi.json and committed to openapi/. */
export const OPENAPI_PATH = '/api/openapi.json'

export const documentConfig = {
  openapi: '3.1.0',
  info: {
    title: 'homelab-planner API',
    version: '1.0.0',
    description:
      'Hardware catalog and planners for a Proxmox GPU homelab: fit a model into VRAM, check an ' +
      'IOMMU group for passthrough, place data on storage tiers. Errors are RFC 9457 problem+json.',
    license: { name: 'MIT', identifier: 'MIT' },
    contact: { name: 'homelab-planner maintainers' },
  },
  // A public, read-only planner: no operation needs credentials.
  security: [],
  // Relative: the interactive reference and clients call the server that served this document
  // (npm start serves http://127.0.0.1:8787).
  servers: [{ url: '/', description: 'the server that serves this document' }],
  tags: [
    { name: 'catalog', description: 'Nodes, PCI devices, IOMMU groups, drives and NICs, with provenance' },
    {
      name: 'lab',
      description:
        'The lab architecture (guests, services, resident models, datasets) and the planner that checks it as a whole',
    },
    { name: 'models', description: 'The LLM registry and quantization presets' },
    {
      name: 'gpus',
      description: 'The GPU reference library: specs, backends and passthrough quirks of cards to plan with',
    },
    { name: 'planners', description: 'VRAM fit, passthrough and storage planners' },
    { name: 'meta', description: 'Health and the API description itself' },
  ],
}

type Operation = {
  requestBody?: { content: Record<string, { schema?: unknown }> }
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>
}
type Document = ReturnType<OpenAPIHono['getOpenAPI31Document']>

/**
 * The document of an app: paths and parameters from @hono/zod-openapi, every body schema and
 * the components from zod's own generator in the right mode (openapi-schemas.ts).
 */
export function openApiDocument(app: OpenAPIHono<AppEnv>): Document {
  const doc = app.getOpenAPI31Document(documentConfig)
  const bodies = new BodySchemas()
  for (const definition of app.openAPIRegistry.definitions) {
    if (definition.type !== 'route') continue
    const { route } = definition
    const operation = (doc.paths?.[route.path] as Record<string, Operation> | undefined)?.[route.method]
    if (!operation) continue
    for (const [type, media] of Object.entries(route.request?.body?.content ?? {})) {
      const target = operation.requestBody?.content[type]
      const schema = zodOf(media)
      if (target && schema) target.schema = bodies.convert(schema, 'input')
    }
    for (const [status, response] of Object.entries(route.responses)) {
      for (const [type, media] of Object.entries(('content' in response && response.content) || {})) {
        const target = operation.responses[status]?.content?.[type]
        const schema = zodOf(media)
        if (target && schema) target.schema = bodies.convert(schema, 'output')
      }
    }
  }
  const { value: paths, schemas } = bodies.resolve(doc.paths)
  // Parameter schemas are still zod-to-openapi's: keep the components they name.
  const previous = (doc.components?.schemas ?? {}) as Record<string, unknown>
  for (const name of missingRefs(paths, schemas)) schemas[name] = previous[name] as Record<string, unknown>
  documentHttp(paths as Parameters<typeof documentHttp>[0])
  return {
    ...doc,
    paths,
    components: { ...doc.components, schemas: sortedKeys(schemas), headers: HEADER_COMPONENTS },
  }
}

function zodOf(media: unknown): z.ZodType | undefined {
  const schema = (media as { schema?: unknown } | undefined)?.schema
  return schema instanceof z.ZodType ? schema : undefined
}

function missingRefs(value: unknown, schemas: Record<string, unknown>): string[] {
  const text = JSON.stringify(value)
  const names = [...text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!)
  return [...new Set(names)].filter((name) => !(name in schemas))
}

function sortedKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)))
}
