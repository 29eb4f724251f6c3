/**
 * Input problems the request schema cannot see (unknown model or target, context past the
 * model's limit). Plain data, so the domain stays HTTP-free; the route turns them into
 * problem+json 404/422 with the same pointer.
 */
export type VramPlanErrorKind = 'not-found' | 'invalid'

export class VramPlanError extends Error {
  readonly kind: VramPlanErrorKind
  /** JSON pointer into the request body, e.g. `/model`. */
  readonly pointer: string
  constructor(kind: VramPlanErrorKind, pointer: string, detail: string) {
    super(detail)
    this.kind = kind
    this.pointer = pointer
  }
}
