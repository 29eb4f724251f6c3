/**
 * The body schemas of the OpenAPI document, made by zod's own JSON Schema generator so each
 * says what really crosses the wire: requests in `input` mode (a field with a default is
 * optional), responses in `output` mode (a field the server always fills is required, with no
 * `default`). @asteasolutions/zod-to-openapi (behind @hono/zod-openapi) has one mode for both;
 * it still writes paths and parameters, and this replaces every body schema and the components.
 */
import { z } from '@hono/zod-openapi'
import type { core } from 'zod'

type Json = Record<string, unknown>
type Io = 'input' | 'output'

const COMPONENTS = '#/components/schemas/'
const INT32_MAX = 2 ** 31 - 1

/** Collects the components of both modes while route schemas are converted. */
export class BodySchemas {
  private readonly defs: Record<Io, Map<string, Json>> = { input: new Map(), output: new Map() }

  /** The JSON Schema of one body; its `$ref`s stay tagged with the mode until `resolve`. */
  convert(schema: z.ZodType, io: Io): Json {
    const json = z.toJSONSchema(schema, { io, override: (ctx) => closeRequestObject(ctx, io) }) as Json
    const { $defs, $schema: _dialect, ...root } = tagRefs(json, io) as Json
    const defs = ($defs ?? {}) as Record<string, Json>
    for (const each of [root, ...Object.values(defs)]) walkSchemas(each, (s) => annotate(s, io))
    for (const [id, def] of Object.entries(defs)) {
      const known = this.defs[io].get(id)
      if (known && JSON.stringify(known) !== JSON.stringify(def)) {
        throw new Error(`openapi: two schemas share the id "${id}"`)
      }
      this.defs[io].set(id, def)
    }
    return root
  }

  /**
   * The components, named by schema id, and `value` with every tagged `$ref` pointing at them.
   * A schema whose input and output differ (a default, a transform, or one inside it) gets
   * its input form as `<id>Input`, so a generated client has a request type in which
   * defaulted fields are optional and a response type in which they are not.
   */
  resolve<T>(value: T): { value: T; schemas: Record<string, Json> } {
    const differs = this.differingIds()
    const nameOf = (io: Io, id: string) => (io === 'input' && differs.has(id) ? `${id}Input` : id)
    const schemas: Record<string, Json> = {}
    for (const io of ['output', 'input'] as const) {
      for (const [id, def] of this.defs[io]) schemas[nameOf(io, id)] = resolveRefs(def, nameOf) as Json
    }
    return { value: resolveRefs(value, nameOf) as T, schemas }
  }

  /** Ids used in both modes whose JSON differs, directly or through a component they reference. */
  private differingIds(): Set<string> {
    const differs = new Set<string>()
    const both = [...this.defs.input].filter(([id]) => this.defs.output.has(id))
    for (const [id, def] of both) {
      // Compare with the tags removed: the same component says `input/` in one, `output/` in the other.
      const input = JSON.stringify(def).replaceAll(`${TAG}input/`, TAG)
      const output = JSON.stringify(this.defs.output.get(id)).replaceAll(`${TAG}output/`, TAG)
      if (input !== output) differs.add(id)
    }
    let grew = true
    while (grew) {
      grew = false
      for (const [id, def] of both) {
        if (differs.has(id) || !refsOf(def).some((ref) => differs.has(ref))) continue
        differs.add(id)
        grew = true
      }
    }
    return differs
  }
}

const TAG = '#/$defs/'

/** `#/$defs/<id>` → `#/$defs/<io>/<id>`: the same id may be a different schema in each mode. */
function tagRefs(value: unknown, io: Io): unknown {
  return mapRefs(value, (ref) => (ref.startsWith(TAG) ? `${TAG}${io}/${ref.slice(TAG.length)}` : ref))
}

function resolveRefs(value: unknown, nameOf: (io: Io, id: string) => string): unknown {
  return mapRefs(value, (ref) => {
    const tagged = ref.match(/^#\/\$defs\/(input|output)\/(.+)$/)
    return tagged ? COMPONENTS + nameOf(tagged[1] as Io, tagged[2]!) : ref
  })
}

function mapRefs(value: unknown, map: (ref: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => mapRefs(v, map))
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [
      key,
      key === '$ref' && typeof v === 'string' ? map(v) : mapRefs(v, map),
    ]),
  )
}

function refsOf(value: unknown): string[] {
  const refs: string[] = []
  mapRefs(value, (ref) => {
    const tagged = ref.match(/^#\/\$defs\/(?:input|output)\/(.+)$/)
    if (tagged) refs.push(tagged[1]!)
    return ref
  })
  return refs
}

/**
 * `additionalProperties: false` on every request object: the router validates with strict
 * copies (strict.ts), so an undeclared field is refused. (Output mode says it already.)
 */
function closeRequestObject(
  ctx: { zodSchema: core.$ZodType; jsonSchema: core.JSONSchema.BaseSchema },
  io: Io,
) {
  const def = ctx.zodSchema._zod.def as core.$ZodTypeDef & { catchall?: unknown }
  if (io === 'input' && def.type === 'object' && !def.catchall) ctx.jsonSchema.additionalProperties = false
}

/**
 * - No `default` keyword anywhere. In a response every such field is present (and required);
 *   in a request the default is said in the description instead, because openapi-typescript's
 *   default `defaultNonNullable` makes a component property with a `default` required, so a
 *   client could not omit it.
 * - `format: int64` on every integer that may pass 2^31 − 1 (byte counts, token counts), so
 *   Java and C# generators do not map it to a 32-bit type.
 */
function annotate(schema: Json, io: Io) {
  if ('default' in schema) {
    if (io === 'input') {
      const said = `Default: ${JSON.stringify(schema.default)}.`
      const own = typeof schema.description === 'string' ? schema.description.replace(/\.$/, '') : null
      schema.description = own ? `${own}. ${said}` : said
    }
    delete schema.default
  }
  const maximum = (schema.maximum as number | undefined) ?? Infinity
  if (schema.type === 'integer' && maximum > INT32_MAX) schema.format = 'int64'
}

const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'dependentSchemas'])
const SCHEMA_LISTS = new Set(['anyOf', 'oneOf', 'allOf', 'prefixItems'])
const SCHEMA_VALUES = new Set([
  'items',
  'additionalProperties',
  'not',
  'contains',
  'propertyNames',
  'if',
  'then',
  'else',
])

/** Calls `visit` on every subschema (not on `properties` maps, `enum` or `example` values). */
function walkSchemas(schema: Json, visit: (schema: Json) => void) {
  visit(schema)
  for (const [key, value] of Object.entries(schema)) {
    if (value === null || typeof value !== 'object') continue
    if (SCHEMA_MAPS.has(key))
      Object.values(value as Record<string, Json>).forEach((v) => walkSchemas(v, visit))
    else if (SCHEMA_LISTS.has(key)) (value as Json[]).forEach((v) => walkSchemas(v, visit))
    else if (SCHEMA_VALUES.has(key) && !Array.isArray(value)) walkSchemas(value as Json, visit)
  }
}
