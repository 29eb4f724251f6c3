/**
 * Input problems the request schema cannot see (unknown node or group, an address not on the
 * node, an ambiguous role). Plain data, so the domain stays HTTP-free; routes turn them into
 * problem+json 404/422 with the same pointer.
 */
export type PassthroughInputErrorKind = 'not-found' | 'invalid'

export class PassthroughInputError extends Error {
  readonly kind: PassthroughInputErrorKind
  /** JSON pointer into the request (body, or `/node` / `/group` for path parameters). */
  readonly pointer: string
  constructor(kind: PassthroughInputErrorKind, pointer: string, detail: string) {
    super(detail)
    this.kind = kind
    this.pointer = pointer
  }
}
