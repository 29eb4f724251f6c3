/**
 * Nesting depth of JSON text in one linear scan, before anything recursive (JSON.parse,
 * JSON.stringify, zod) touches it. Pure, so both the HTTP body limit (http/limits.ts) and the
 * importer's pvesh parser (a JSON document inside a request string) can bound depth with it.
 */

/**
 * Nesting depth of JSON text, counting `[` and `{` outside strings; stops counting once past
 * `stopAt`. Malformed text is left for JSON.parse to reject: this only bounds the depth.
 */
export function jsonDepth(text: string, stopAt = Number.POSITIVE_INFINITY): number {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (inString) {
      if (ch === 0x5c)
        i++ // backslash: skip the escaped character
      else if (ch === 0x22) inString = false
    } else if (ch === 0x22) inString = true
    else if (ch === 0x5b || ch === 0x7b) {
      depth++
      if (depth > deepest) {
        deepest = depth
        if (deepest > stopAt) return deepest
      }
    } else if (ch === 0x5d || ch === 0x7d) depth--
  }
  return deepest
}
