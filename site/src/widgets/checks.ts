/**
 * Hand-written mirrors of the API's zod rules for the values a widget takes from attributes
 * and query parameters (importing the schemas would cost kilobytes). The API checks again and
 * its problem+json answer is shown as is, so these only catch mistakes early and name them.
 */
import type { Check } from './base.ts'

/** SlugSchema of api/src/domain/catalog/schemas.ts. */
export const slug: Check = (v) =>
  /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(v) ? null : 'expected a lowercase id such as "meraxes"'

/** z.int().min(min).max(max) */
export const int =
  (min: number, max: number): Check =>
  (v) =>
    /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max
      ? null
      : `expected a whole number from ${min} to ${max}`

/** z.number().positive() (with an upper bound against absurd input) */
export const positive =
  (max: number): Check =>
  (v) =>
    /^\d+(\.\d+)?$/.test(v) && Number(v) > 0 && Number(v) <= max
      ? null
      : `expected a number above 0, at most ${max}`

/** z.string().min(min).max(max), printable characters only */
export const text =
  (min: number, max: number): Check =>
  (v) =>
    v.length >= min && v.length <= max && !/[\u0000-\u001f]/.test(v)
      ? null
      : `expected ${min} to ${max} characters`

/** z.enum([...]) */
export const oneOf =
  (values: readonly string[]): Check =>
  (v) =>
    values.includes(v) ? null : `expected one of ${values.join(', ')}`
