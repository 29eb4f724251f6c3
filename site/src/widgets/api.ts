/** The widgets' only I/O: JSON to and from the planner API, problems turned into messages. */

export interface FieldProblem {
  in?: string
  pointer: string
  detail: string
}

/** An RFC 9457 answer of the API (or a network failure), shown to the user as is. */
export class ApiProblem extends Error {
  readonly status: number
  readonly errors: FieldProblem[]
  constructor(status: number, detail: string, errors: FieldProblem[] = []) {
    super(detail)
    this.status = status
    this.errors = errors
  }
}

/**
 * Where the API lives: the origin the widget script was loaded from (the worker serves both),
 * unless the page names another with the `api` attribute.
 */
export function apiBase(attribute: string | null, scriptUrl: string): string {
  if (attribute === null || attribute === '') return new URL(scriptUrl).origin
  const url = new URL(attribute, scriptUrl) // throws on garbage: caught by the widget's checks
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('api must be an http(s) URL')
  return url.origin + url.pathname.replace(/\/+$/, '')
}

export function isApiUrl(value: string): boolean {
  try {
    apiBase(value, 'http://localhost/')
    return true
  } catch {
    return false
  }
}

/** A list answer of the API (docs/API.md, "Lists"); the widgets ask for one page of the maximum size. */
export interface ListPage<T> {
  items: T[]
  count: number
}

/** The query of a widget's list calls: a lab's nodes, groups or models fit one page of 1000. */
export const WHOLE_LIST = '?limit=1000'

/** GET when `body` is undefined, else POST JSON. Never sends cookies: the API needs none. */
export async function callApi<T>(base: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const init: RequestInit = { credentials: 'omit', signal, headers: { Accept: 'application/json' } }
  if (body !== undefined) {
    init.method = 'POST'
    init.headers = { Accept: 'application/json', 'Content-Type': 'application/json' }
    init.body = JSON.stringify(body)
  }
  let res: Response
  try {
    res = await fetch(base + path, init)
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err
    throw new ApiProblem(0, `Cannot reach the planner API at ${base}.`)
  }
  const data: unknown = await res.json().catch(() => null)
  if (res.ok) return data as T
  const p = (data ?? {}) as { detail?: unknown; title?: unknown; errors?: unknown }
  const detail = typeof p.detail === 'string' ? p.detail : typeof p.title === 'string' ? p.title : `HTTP ${res.status}`
  const errors = Array.isArray(p.errors) ? (p.errors as FieldProblem[]).filter((e) => typeof e?.detail === 'string') : []
  throw new ApiProblem(res.status, detail, errors)
}
