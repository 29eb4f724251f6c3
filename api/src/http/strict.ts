/**
 * Strict inputs, made in one place: every object inside a request schema (body, query, path)
 * refuses keys it does not declare, at every depth, so a typo (`contextLenght`) is an error
 * instead of a silently planned default. Route schemas stay plain `z.object(...)`; the router
 * validates with the strict copy made here and documents the original (with
 * `additionalProperties: false`, see openapi-schemas.ts).
 */
import { z } from '@hono/zod-openapi'
import type { core } from 'zod'

/** The `params` an unknown key's issue carries, so the error hook can name the nearest known one. */
export interface UnknownKeyParams {
  unknownKey: true
  knownKeys: string[]
}

export function isUnknownKeyParams(params: unknown): params is UnknownKeyParams {
  return (
    typeof params === 'object' && params !== null && (params as Partial<UnknownKeyParams>).unknownKey === true
  )
}

/**
 * Fails for any value: set as an object's catchall it turns each undeclared key into one issue
 * at that key's own path (z.never() would report all of them once, at the object).
 */
function unknownKey(knownKeys: string[]) {
  const params: UnknownKeyParams = { unknownKey: true, knownKeys }
  return z.unknown().refine(() => false, { message: 'unknown field', params })
}

const copies = new WeakMap<z.ZodType, z.ZodType>()

/** The strict copy of `schema`: the same instance when nothing inside it is an object. */
export function strictSchema<T extends z.ZodType>(schema: T): T {
  return strictCopy(schema) as T
}

function strictCopy(schema: z.ZodType): z.ZodType {
  const done = copies.get(schema)
  if (done) return done
  const copy = copyOf(schema)
  copies.set(schema, copy)
  return copy
}

function copyOf(schema: z.ZodType): z.ZodType {
  const def = schema._zod.def as core.$ZodTypeDef & Record<string, unknown>
  const inner = (key: string) => strictCopy(def[key] as z.ZodType)
  switch (def.type) {
    case 'object': {
      const shape = def.shape as Record<string, z.ZodType>
      // A declared catchall (a map-like object) already says what extra keys may hold.
      if (def.catchall) return schema
      const strictShape = Object.fromEntries(
        Object.entries(shape).map(([key, field]) => [key, strictCopy(field)]),
      )
      return schema.clone(withChildren(def, { shape: strictShape, catchall: unknownKey(Object.keys(shape)) }))
    }
    case 'array':
      return rebuilt(schema, def, { element: inner('element') })
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return rebuilt(schema, def, { innerType: inner('innerType') })
    case 'pipe':
      return rebuilt(schema, def, { in: inner('in'), out: inner('out') })
    case 'union':
      return rebuilt(schema, def, { options: (def.options as z.ZodType[]).map(strictCopy) })
    case 'tuple':
      return rebuilt(schema, def, {
        items: (def.items as z.ZodType[]).map(strictCopy),
        rest: def.rest ? inner('rest') : def.rest,
      })
    case 'record':
      return rebuilt(schema, def, { valueType: inner('valueType') })
    case 'lazy': {
      const getter = def.getter as () => z.ZodType
      return schema.clone(withChildren(def, { getter: () => strictCopy(getter()) }))
    }
    default:
      // Leaves, and intersections: a strict side would refuse the other side's keys.
      return schema
  }
}

/** A copy with new children, or the schema itself when no child changed. */
function rebuilt(
  schema: z.ZodType,
  def: core.$ZodTypeDef & Record<string, unknown>,
  children: Record<string, unknown>,
) {
  const same = Object.entries(children).every(([key, value]) =>
    Array.isArray(value) ? value.every((v, i) => v === (def[key] as unknown[])[i]) : value === def[key],
  )
  return same ? schema : schema.clone(withChildren(def, children))
}

/**
 * The def with some children replaced. Copied by descriptor, not spread: zod defines some def
 * fields as getters (a default value is cloned on every read), which a spread would freeze.
 */
function withChildren<D extends core.$ZodTypeDef>(def: D, children: Record<string, unknown>): D {
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(def)) as D
  for (const [key, value] of Object.entries(children)) {
    // defineProperty, not assignment: the copied field may be a getter with no setter.
    Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true })
  }
  return copy
}
