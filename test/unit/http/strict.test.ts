import { z } from '@hono/zod-openapi'
import { describe, expect, it } from 'vitest'
import { isUnknownKeyParams, strictSchema } from '../../../api/src/http/strict.ts'

const unknownAt = (result: { error?: { issues: { path: PropertyKey[]; params?: unknown }[] } }) =>
  (result.error?.issues ?? []).filter((i) => isUnknownKeyParams(i.params)).map((i) => i.path.join('/'))

describe('strictSchema', () => {
  const Inner = z.object({ name: z.string(), size: z.int().default(1) })
  const Request = z.object({
    items: z.array(z.union([z.string(), Inner])).default([]),
    options: z.object({ fast: z.boolean() }).optional(),
    text: z
      .string()
      .transform((s) => s.length)
      .optional(),
  })
  const strict = strictSchema(Request)

  it('refuses an undeclared key at any depth (inside arrays, unions, optionals), one issue per key at its path', () => {
    expect(
      unknownAt(strict.safeParse({ items: [{ name: 'a', sise: 2 }], options: { fast: true, fsat: 1 } })),
    ).toEqual(['items/0/sise', 'options/fsat'])
    expect(strict.safeParse({ extra: 1 }).error?.issues[0]).toMatchObject({
      path: ['extra'],
      params: { knownKeys: ['items', 'options', 'text'] },
    })
  })

  it('parses what the original parses, defaults and transforms included', () => {
    const input = { items: ['x', { name: 'a' }], text: 'abc' }
    expect(strict.parse(input)).toEqual(Request.parse(input))
    // A default stays fresh per parse (zod's getter is copied, not its value).
    const first = strict.parse({}) as { items: unknown[] }
    first.items.push('mutated')
    expect(strict.parse({})).toEqual({ items: [] })
  })

  it('leaves schemas with no object inside as they are, and leaves the original loose', () => {
    const leaf = z.string().min(1)
    expect(strictSchema(leaf)).toBe(leaf)
    expect(Request.safeParse({ extra: 1 }).success).toBe(true)
  })
})
