import { z } from '@hono/zod-openapi'
import { describe, expect, it } from 'vitest'
import { BodySchemas } from '../../../api/src/http/openapi-schemas.ts'

/** The value at a path of keys inside generated JSON. */
function at(json: unknown, ...keys: string[]): unknown {
  return keys.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], json)
}

describe('BodySchemas', () => {
  const Shared = z
    .object({ n: z.int().min(1).default(1), bytes: z.int(), small: z.int().max(100) })
    .meta({ id: 'TestShared' })
  const bodies = new BodySchemas()
  const request = bodies.convert(z.object({ shared: Shared }), 'input')
  const response = bodies.convert(Shared, 'output')
  const { value, schemas } = bodies.resolve({ request, response })

  it('publishes a schema used both ways twice when the forms differ: <id> answered, <id>Input sent', () => {
    expect(at(value, 'response', '$ref')).toBe('#/components/schemas/TestShared')
    expect(at(value, 'request', 'properties', 'shared', '$ref')).toBe('#/components/schemas/TestSharedInput')
  })

  it('makes a defaulted field required in the answer and optional (described, no default) in the request', () => {
    expect(at(schemas, 'TestShared', 'required')).toEqual(['n', 'bytes', 'small'])
    expect(at(schemas, 'TestSharedInput', 'required')).toEqual(['bytes', 'small'])
    expect(at(schemas, 'TestSharedInput', 'properties', 'n')).not.toHaveProperty('default')
    expect(at(schemas, 'TestSharedInput', 'properties', 'n', 'description')).toBe('Default: 1.')
    expect(at(schemas, 'TestShared', 'properties', 'n')).not.toHaveProperty('default')
  })

  it('closes request objects and gives integers that may pass 2^31 − 1 format int64, and only those', () => {
    expect(at(value, 'request', 'additionalProperties')).toBe(false)
    expect(at(schemas, 'TestSharedInput', 'additionalProperties')).toBe(false)
    expect(at(schemas, 'TestShared', 'properties', 'bytes', 'format')).toBe('int64')
    expect(at(schemas, 'TestShared', 'properties', 'small')).not.toHaveProperty('format')
  })
})
