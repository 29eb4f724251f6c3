/**
 * The one list convention of the API (docs/API.md, "Lists"): a list answers
 * `{ items, count, offset, limit }`, where `count` is how many match before paging, and takes
 * `limit` (1–1000, default 100) and `offset` (default 0). A filter may be repeated or given as
 * a comma list (`?class=0300&class=0108`, `?class=0300,0108`) and matches any of its values.
 */
import { z } from '@hono/zod-openapi'

export const DEFAULT_LIMIT = 100
export const MAX_LIMIT = 1000
/** Values one filter takes at most: more is a mistake, not a query. */
const MAX_FILTER_VALUES = 64

/**
 * A non-negative integer query parameter from `min` to `max`, documented with the default the
 * handler applies when it is absent. The digit bound only keeps absurd strings from Number();
 * the range check is the pipe's.
 */
export function integerParam(min: number, max: number, fallback: number, description: string) {
  const digits = Math.max(7, String(max).length)
  return z
    .string()
    .regex(new RegExp(`^\\d{1,${digits}}$`), `expected an integer from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.int().min(min).max(max))
    .optional()
    .meta({ type: 'integer', minimum: min, maximum: max, default: fallback, description })
}

/** Paging parameters of every list operation. */
export const PAGE_PARAMS = {
  limit: integerParam(1, MAX_LIMIT, DEFAULT_LIMIT, `Items per page, at most ${MAX_LIMIT}`),
  offset: integerParam(0, 9_999_999, 0, 'Items to skip: page n (from 0) starts at n × limit'),
}

/**
 * A filter that takes one value or several (repeated, or comma-separated) and answers the list
 * of values, each checked by `one`; an error points at the bad value (`/class/1`).
 */
export function filterValues<T extends z.ZodType<unknown, string>>(one: T, description: string) {
  const values = z.array(one).min(1).max(MAX_FILTER_VALUES)
  return (
    z
      // Only strings are split: anything else (never sent by a query) fails the array check.
      .preprocess(
        (v) => (typeof v === 'string' ? v.split(',') : Array.isArray(v) ? v.flatMap(splitString) : v),
        values,
      )
      .optional()
      .meta({
        description: `${description}. Several values (repeated, or comma-separated) match any of them.`,
      })
  )
}

function splitString(v: unknown): unknown[] {
  return typeof v === 'string' ? v.split(',') : [v]
}

/** The response schema of a list of `item`. */
export function listOf<T extends z.ZodType>(item: T, id: string, description: string) {
  return z
    .object({
      items: z.array(item).meta({ description: "This page, in the list's order" }),
      count: z.int().min(0).meta({ description: 'How many items match, before paging' }),
      offset: z.int().min(0),
      limit: z.int().min(1),
    })
    .meta({ id, description })
}

export interface Page<T> {
  items: T[]
  count: number
  offset: number
  limit: number
}

/** One page of `all`, as a list operation answers it. */
export function page<T>(
  all: readonly T[],
  query: { limit?: number | undefined; offset?: number | undefined },
): Page<T> {
  const limit = query.limit ?? DEFAULT_LIMIT
  const offset = query.offset ?? 0
  return { items: all.slice(offset, offset + limit), count: all.length, offset, limit }
}

/** Whether `value` passes a multi-value filter (absent = no constraint). */
export function matchesAny<T>(values: readonly T[] | undefined, value: T): boolean {
  return values === undefined || values.includes(value)
}
