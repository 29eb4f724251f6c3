/** Sends a request to the worker entry point, inside workerd, as a client would. */
import { exports } from 'cloudflare:workers'

// The worker's default export, as the runtime calls it for an incoming request.
const worker = (exports as unknown as { default: { fetch: (request: Request) => Promise<Response> } }).default

export function request(path: string, init?: RequestInit): Promise<Response> {
  return worker.fetch(new Request(`http://127.0.0.1:8787${path}`, init))
}

export function postJson(path: string, body: unknown, init?: RequestInit): Promise<Response> {
  return request(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    ...init,
  })
}

/** Asserts nothing; returns the parsed problem body after checking its content type. */
export async function problemOf(res: Response): Promise<{
  status: number
  detail: string
  type: string
  title: string
  errors?: { in: string; pointer: string; detail: string }[]
}> {
  const type = res.headers.get('content-type') ?? ''
  if (!type.startsWith('application/problem+json'))
    throw new Error(`expected problem+json, got ${type} (${res.status}): ${await res.text()}`)
  return res.json()
}

export async function jsonOf<T>(res: Response | Promise<Response>): Promise<T> {
  return (await res).json<T>()
}
