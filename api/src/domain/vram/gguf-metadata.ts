/**
 * Typed reads of GGUF metadata posted as JSON, each failure a PlanInputError whose pointer
 * names the key (`/model/gguf/metadata/llama.block_count`) and says what was expected.
 */
import { PlanInputError } from '../plan-input-error.ts'

type Value = string | number | boolean | unknown[]

/** JSON pointer escaping (RFC 6901) of one metadata key. */
const escapeKey = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1')

/** A GGUF integer as JSON: a number, or a decimal string for a uint64 beyond 2^53. */
function toInt(v: unknown): number | null {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : null
}

export class GgufMetadata {
  readonly values: Record<string, Value>
  /** Pointer of the metadata object in the request. */
  readonly at: string
  constructor(values: Record<string, Value>, at: string) {
    this.values = values
    this.at = at
  }

  fail(key: string, expected: string): never {
    const got =
      key in this.values ? `got ${JSON.stringify(this.values[key]).slice(0, 80)}` : 'the key is missing'
    throw new PlanInputError(
      'invalid',
      `${this.at}/${escapeKey(key)}`,
      `${key}: expected ${expected}; ${got}.`,
    )
  }

  has(key: string): boolean {
    return key in this.values
  }

  string(key: string): string {
    const v = this.values[key]
    return typeof v === 'string' && v.length > 0 ? v : this.fail(key, 'a string')
  }

  optionalString(key: string): string | undefined {
    return this.has(key) ? this.string(key) : undefined
  }

  /** An integer in [min, max]: the bounds keep absurd headers (block_count 10^9) from costing memory. */
  int(key: string, min = 0, max = 1 << 30): number {
    const n = toInt(this.values[key])
    return n !== null && n >= min && n <= max ? n : this.fail(key, `an integer from ${min} to ${max}`)
  }

  optionalInt(key: string): number | undefined {
    return this.has(key) ? this.int(key) : undefined
  }

  optionalNumber(key: string): number | undefined {
    if (!this.has(key)) return undefined
    const v = this.values[key]
    return typeof v === 'number' && Number.isFinite(v) ? v : this.fail(key, 'a number')
  }

  /** A per-layer value: one integer for every block, or an array of `layers` integers. */
  intOrArray(key: string, layers: number, fallback?: number): number[] {
    if (!this.has(key) && fallback !== undefined) return new Array<number>(layers).fill(fallback)
    const v = this.values[key]
    if (!Array.isArray(v)) return new Array<number>(layers).fill(this.int(key))
    const ints = v.map(toInt)
    if (ints.length !== layers || ints.some((x) => x === null || x > 1 << 30))
      this.fail(key, `an integer or an array of ${layers} integers (one per block)`)
    return ints as number[]
  }

  optionalBoolArray(key: string): boolean[] | undefined {
    if (!this.has(key)) return undefined
    const v = this.values[key]
    return Array.isArray(v) && v.every((x) => typeof x === 'boolean')
      ? v
      : this.fail(key, 'an array of booleans')
  }

  optionalArrayLength(key: string): number | undefined {
    const v = this.values[key]
    return Array.isArray(v) ? v.length : undefined
  }
}
