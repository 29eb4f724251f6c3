/**
 * An input problem the request schema cannot see: an unknown node, model or storage id, an
 * address not on the node, a context past the model's limit. Plain data, so the domain stays
 * HTTP-free; routes turn it into problem+json (404 for not-found, else 422/400) with the same
 * JSON pointer into the request.
 */
export type PlanInputErrorKind = 'not-found' | 'invalid'

export class PlanInputError extends Error {
  readonly kind: PlanInputErrorKind
  /** JSON pointer into the request (body, or the path/query parameter), e.g. `/items/0/readers/1`. */
  readonly pointer: string
  constructor(kind: PlanInputErrorKind, pointer: string, detail: string) {
    super(detail)
    this.kind = kind
    this.pointer = pointer
  }
}
