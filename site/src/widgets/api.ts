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

/** GET answers of this page, by URL: widgets on one page share them (each fetched once). */
const gets = new Map<string, Promise<unknown>>()

/**
 * GET when `body` is undefined (shared by every widget of the page, a failure retried on the
 * next call), else POST JSON.
 */
export function callApi<T>(base: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  if (body !== undefined) return request<T>(base, path, body, signal)
  const url = base + path
  let answer = gets.get(url)
  if (!answer) {
    answer = request<T>(base, path)
    answer.catch(() => gets.delete(url))
    gets.set(url, answer)
  }
  return answer as Promise<T>
}

/** The CSP directive a page broke by loading from the planner (securitypolicyviolation), if any. */
let blockedBy: string | null = null
if (typeof document !== 'undefined') {
  document.addEventListener('securitypolicyviolation', (e) => {
    blockedBy = e.effectiveDirective
  })
}

/** Why the API is out of reach, naming the CSP directive a wiki most often lacks. */
function unreachable(base: string): ApiProblem {
  const origin = new URL(base).origin
  const cause = blockedBy
    ? `This page's Content-Security-Policy blocked it (${blockedBy}): allow ${origin} there.`
    : `If this page sets a Content-Security-Policy, its connect-src must allow ${origin}; ` +
      'otherwise the API is down or offline.'
  return new ApiProblem(0, `Cannot reach the planner API at ${base}. ${cause}`)
}

/** Never sends cookies: the API needs none. */
async function request<T>(base: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
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
    // The violation event is queued with the failed fetch: let it land before naming the cause.
    await new Promise((resolve) => setTimeout(resolve, 0))
    throw unreachable(base)
  }
  const data: unknown = await res.json().catch(() => null)
  if (res.ok) return data as T
  const p = (data ?? {}) as { detail?: unknown; title?: unknown; errors?: unknown }
  const detail =
    typeof p.detail === 'string' ? p.detail : typeof p.title === 'string' ? p.title : `HTTP ${res.status}`
  const errors = Array.isArray(p.errors)
    ? (p.errors as FieldProblem[]).filter((e) => typeof e?.detail === 'string')
    : []
  throw new ApiProblem(res.status, detail, errors)
}
