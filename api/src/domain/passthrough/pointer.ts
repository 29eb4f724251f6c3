/** A zod issue path as a JSON pointer (RFC 6901), the form every input error names. */
export function toPointer(path: readonly PropertyKey[]): string {
  return '/' + path.map((p) => String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')
}
