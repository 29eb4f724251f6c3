/**
 * Input problems the request schema cannot see (unknown node or storage id, disks declared for
 * a drive that is not behind an HBA). Plain data, so the domain stays HTTP-free; the route turns
 * them into problem+json 404/422 with the same pointer.
 */
export type StoragePlanErrorKind = 'not-found' | 'invalid'

export class StoragePlanError extends Error {
  readonly kind: StoragePlanErrorKind
  /** JSON pointer into the request body (or the query parameter), e.g. `/items/0/readers/1`. */
  readonly pointer: string
  constructor(kind: StoragePlanErrorKind, pointer: string, detail: string) {
    super(detail)
    this.kind = kind
    this.pointer = pointer
  }
}
