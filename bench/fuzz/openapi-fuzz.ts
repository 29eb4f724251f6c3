/**
 * Fuzzes every operation of an OpenAPI 3.1 document through any `send` (the worker inside
 * workerd for `npm test`, the app in Node for `npm run fuzz`): valid requests generated from
 * the schemas (documented examples first), broken ones (wrong types, missing and extra
 * fields, NaN/Infinity strings, odd Unicode, bad JSON), and fixed edge cases (deep JSON,
 * > 1 MiB bodies, wrong content types and methods, long query strings). Checks: no 5xx; every
 * error is problem+json matching the documented Problem; every 2xx matches its schema.
 */
import fc from 'fast-check'
import {
  arbitraryFor,
  NASTY_STRINGS,
  NASTY_VALUES,
  nullableRefPointers,
  validatorFor,
  type Defs,
  type Schema,
} from './json-schema.ts'

export interface FuzzRequest {
  method: string
  path: string
  headers: Record<string, string>
  body?: string
  label: string
}
export type Send = (request: FuzzRequest) => Promise<Response>
export interface Violation {
  operation: string
  label: string
  request: string
  status: number
  problem: string
}
export interface FuzzReport {
  requests: number
  statuses: Record<string, number>
  violations: Violation[]
  /** `operationId status` pairs answered but not documented (informational). */
  undocumented: string[]
  knownDeviations: string[]
}

interface Param {
  name: string
  in: string
  required: boolean
  schema: Schema
}
interface Operation {
  id: string
  method: string
  template: string
  params: Param[]
  body?: Schema
  responses: Record<string, Schema | undefined>
  pathMethods: string[]
}

type OpenApiDoc = { paths: Record<string, Record<string, Schema>>; components?: { schemas?: Defs } }

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch']

export function operationsOf(doc: OpenApiDoc): Operation[] {
  return Object.entries(doc.paths).flatMap(([template, item]) => {
    const pathMethods = Object.keys(item).filter((m) => HTTP_METHODS.includes(m))
    return pathMethods.map((method) => {
      const op = item[method] as Schema & {
        operationId?: string
        parameters?: Param[]
        requestBody?: { content?: Record<string, { schema?: Schema }> }
        responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>
      }
      const responses = Object.fromEntries(
        Object.entries(op.responses ?? {}).map(([status, r]) => [
          status,
          r.content?.['application/json']?.schema ?? r.content?.['application/problem+json']?.schema,
        ]),
      )
      const body = op.requestBody?.content?.['application/json']?.schema
      return {
        id: op.operationId ?? `${method} ${template}`,
        method: method.toUpperCase(),
        template,
        params: op.parameters ?? [],
        body,
        responses,
        pathMethods,
      }
    })
  })
}

/** Percent-encodes; a lone surrogate becomes the invalid UTF-8 `%ED%A0%80`, a nastier input still. */
function encode(value: unknown): string {
  return String(value)
    .split(/([\uD800-\uDFFF])/)
    .map((part, i) => (i % 2 === 1 ? '%ED%A0%80' : encodeURIComponent(part)))
    .join('')
}

function buildUrl(op: Operation, values: Record<string, unknown>, extraQuery = ''): string {
  let path = op.template
  const query: string[] = []
  for (const p of op.params) {
    const v = values[p.name]
    if (p.in === 'path') path = path.replace(`{${p.name}}`, encode(v))
    else if (p.in === 'query' && v !== undefined) query.push(`${encode(p.name)}=${encode(v)}`)
  }
  if (extraQuery) query.push(extraQuery)
  return query.length > 0 ? `${path}?${query.join('&')}` : path
}

const JSON_HEADERS = { 'Content-Type': 'application/json' }

function request(
  op: Operation,
  label: string,
  values: Record<string, unknown>,
  body?: unknown,
  extraQuery = '',
): FuzzRequest {
  const req: FuzzRequest = { method: op.method, path: buildUrl(op, values, extraQuery), headers: {}, label }
  if (op.method === 'POST') {
    req.headers = JSON_HEADERS
    req.body = typeof body === 'string' && label === 'invalid-json' ? body : JSON.stringify(body ?? {})
  }
  return req
}

function paramValues(op: Operation, defs: Defs): fc.Arbitrary<Record<string, unknown>> {
  const record = Object.fromEntries(op.params.map((p) => [p.name, arbitraryFor(p.schema, defs)]))
  return fc.record(record, {
    requiredKeys: op.params.filter((p) => p.required || p.in === 'path').map((p) => p.name),
  })
}

/** Requests a careful client could send (they may still name unknown ids: 404s are fine). */
function validRequests(op: Operation, defs: Defs): fc.Arbitrary<FuzzRequest> {
  const body = op.body ? arbitraryFor(op.body, defs) : fc.constant(undefined)
  return fc.tuple(paramValues(op, defs), body).map(([values, b]) => request(op, 'valid', values, b))
}

/** Requests with one thing wrong, or many. */
function brokenRequests(op: Operation, defs: Defs): fc.Arbitrary<FuzzRequest> {
  const nasty = fc.constantFrom(...NASTY_VALUES)
  const nastyString = fc.constantFrom(...NASTY_STRINGS)
  const base = fc.tuple(paramValues(op, defs), op.body ? arbitraryFor(op.body, defs) : fc.constant({}))
  const kinds: fc.Arbitrary<FuzzRequest>[] = [
    fc.tuple(base, nastyString, fc.nat()).map(([[values, b], bad, i]) => {
      const p = op.params[i % Math.max(1, op.params.length)]
      return request(op, `bad-param ${p?.name ?? '(none)'}`, p ? { ...values, [p.name]: bad } : values, b)
    }),
    fc
      .tuple(base, nastyString)
      .map(([[values, b], bad]) => request(op, 'unknown-query', values, b, `zz=${encode(bad)}&zz=2`)),
  ]
  if (op.body) {
    kinds.push(
      fc.tuple(base, nasty).map(([[values], bad]) => request(op, 'nasty-body', values, bad)),
      fc.tuple(base, nasty, fc.nat()).map(([[values, b], bad, i]) =>
        request(
          op,
          'wrong-type-field',
          values,
          mutate(b, i, (o, k) => {
            o[k] = bad
          }),
        ),
      ),
      fc.tuple(base, fc.nat()).map(([[values, b], i]) =>
        request(
          op,
          'missing-field',
          values,
          mutate(b, i, (o, k) => {
            delete o[k]
          }),
        ),
      ),
      fc
        .tuple(base, fc.string(), nasty)
        .map(([[values, b], key, bad]) =>
          request(op, 'extra-field', values, isObject(b) ? { ...b, [key || 'extra']: bad } : b),
        ),
      fc
        .tuple(base, fc.nat())
        .map(([[values, b], cut]) =>
          request(op, 'invalid-json', values, JSON.stringify(b).slice(0, 1 + (cut % 40)) + '\u0000'),
        ),
    )
  }
  return fc.oneof(...kinds)
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

/** Copies the body and applies `change` to its i-th top-level key (if it is an object). */
function mutate(
  body: unknown,
  i: number,
  change: (o: Record<string, unknown>, key: string) => void,
): unknown {
  if (!isObject(body)) return body
  const copy = { ...body }
  const keys = Object.keys(copy)
  if (keys.length > 0) change(copy, keys[i % keys.length]!)
  return copy
}

/** Edge cases every operation gets once, with the status each must produce. */
function fixedCases(op: Operation, defs: Defs): { req: FuzzRequest; expect: number[] }[] {
  const values = fc.sample(paramValues(op, defs), { numRuns: 1, seed: 1 })[0] ?? {}
  const cases: { req: FuzzRequest; expect: number[] }[] = []
  const other = ['PUT', 'DELETE', 'PATCH', 'POST', 'GET'].find(
    (m) => !op.pathMethods.includes(m.toLowerCase()),
  )!
  cases.push({
    req: {
      ...request(op, `wrong-method ${other}`, values),
      method: other,
      headers: JSON_HEADERS,
      body: other === 'GET' ? undefined : '{}',
    },
    expect: [405],
  })
  cases.push({ req: request(op, 'query > 2 KiB', values, undefined, `q=${'x'.repeat(2100)}`), expect: [400] })
  if (op.method === 'POST') {
    const post = (label: string, body: string, headers: Record<string, string> = JSON_HEADERS) => ({
      ...request(op, label, values),
      body,
      headers,
    })
    cases.push({ req: post('10,000 nested arrays', '['.repeat(10_000) + ']'.repeat(10_000)), expect: [422] })
    cases.push({ req: post('body > 1 MiB', JSON.stringify({ pad: 'x'.repeat(1024 * 1024) })), expect: [413] })
    cases.push({ req: post('text/plain', '{}', { 'Content-Type': 'text/plain' }), expect: [415] })
    cases.push({
      req: post('form', 'a=1', { 'Content-Type': 'application/x-www-form-urlencoded' }),
      expect: [415],
    })
    cases.push({ req: post('no content type', '{}', {}), expect: [415] })
    cases.push({ req: post('empty body', ''), expect: [400, 422] })
  }
  return cases
}

export interface FuzzOptions {
  doc: unknown
  send: Send
  runs: number
  seed: number
  timeLimitMs: number
}

export async function fuzzApi({ doc, send, runs, seed, timeLimitMs }: FuzzOptions): Promise<FuzzReport> {
  const api = doc as OpenApiDoc
  const defs = api.components?.schemas ?? {}
  const problemSchema = defs.Problem
  if (!problemSchema) throw new Error('the document has no Problem schema')
  const report: FuzzReport = {
    requests: 0,
    statuses: {},
    violations: [],
    undocumented: [],
    knownDeviations: nullableRefPointers(doc),
  }
  const undocumented = new Set<string>()
  const operations = operationsOf(api)
  const deadline = Date.now() + timeLimitMs

  const exchange = async (op: Operation, req: FuzzRequest, expect?: number[]) => {
    let res: Response
    try {
      res = await send(req)
    } catch (err) {
      report.violations.push(violation(op, req, 0, `send threw: ${(err as Error).message}`))
      return
    }
    report.requests++
    report.statuses[res.status] = (report.statuses[res.status] ?? 0) + 1
    if (op.responses[res.status] === undefined && res.status !== 304)
      undocumented.add(`${op.id} ${res.status}`)
    const problem = await checkResponse(op, res, defs, problemSchema, expect)
    if (problem) report.violations.push(violation(op, req, res.status, problem))
  }

  for (const [i, op] of operations.entries()) {
    for (const { req, expect } of fixedCases(op, defs)) await exchange(op, req, expect)
    const opDeadline = Date.now() + (deadline - Date.now()) / (operations.length - i)
    const samples = [
      ...fc.sample(validRequests(op, defs), { numRuns: runs, seed: seed + i }),
      ...fc.sample(brokenRequests(op, defs), { numRuns: runs, seed: seed + 1000 + i }),
    ]
    for (const req of samples) {
      if (Date.now() > opDeadline) break
      await exchange(op, req)
    }
  }
  report.undocumented = [...undocumented].sort()
  return report
}

function violation(op: Operation, req: FuzzRequest, status: number, problem: string): Violation {
  const shown = (text: string) =>
    text.length > 2000 ? `${text.slice(0, 300)}… (${text.length} chars)` : text
  const body =
    req.body === undefined ? '' : ` ${req.headers['Content-Type'] ?? '(no type)'} ${shown(req.body)}`
  const path = req.path.length > 300 ? `${req.path.slice(0, 300)}…` : req.path
  return { operation: op.id, label: req.label, request: `${req.method} ${path}${body}`, status, problem }
}

async function checkResponse(
  op: Operation,
  res: Response,
  defs: Defs,
  problemSchema: Schema,
  expect?: number[],
): Promise<string | undefined> {
  if (res.status >= 500) return `server error: ${(await res.text()).slice(0, 300)}`
  if (expect !== undefined && !expect.includes(res.status))
    return `expected ${expect.join(' or ')}, got ${res.status}: ${(await res.text()).slice(0, 300)}`
  if (res.status === 405 && !res.headers.get('allow')) return '405 without an Allow header'
  if (res.status === 304 || res.status === 204) return undefined
  const type = res.headers.get('content-type') ?? ''
  const text = await res.text()
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return `body is not JSON (${type}): ${text.slice(0, 200)}`
  }
  if (res.status >= 400) {
    if (!type.startsWith('application/problem+json'))
      return `error with content type ${type}, not application/problem+json`
    const parsed = validatorFor(problemSchema, defs).safeParse(body)
    if (!parsed.success)
      return `problem body does not match Problem: ${JSON.stringify(parsed.error.issues).slice(0, 300)}`
    if ((body as { status?: number }).status !== res.status)
      return `problem.status ${(body as { status?: number }).status} ≠ HTTP ${res.status}`
    return undefined
  }
  const schema = op.responses[res.status]
  if (!schema) return `status ${res.status} is not documented`
  if (!type.startsWith('application/json')) return `2xx with content type ${type}`
  const parsed = validatorFor(schema, defs).safeParse(body)
  if (!parsed.success)
    return `2xx body does not match its schema: ${JSON.stringify(parsed.error.issues.slice(0, 3)).slice(0, 400)}`
  return undefined
}
