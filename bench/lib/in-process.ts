/**
 * Calls measured inside Node, no network: the app's own `app.request` (routing, validation,
 * serialisation) and pure domain functions. Each runs repeatedly for a fixed time after a
 * warm-up; the result is calls per second and the mean cost of one call.
 */
export interface Rate {
  callsPerSecond: number
  microsPerCall: number
  calls: number
}

export async function rate(fn: () => unknown, millis = 1000): Promise<Rate> {
  for (let i = 0; i < 5; i++) await fn()
  let calls = 0
  const started = performance.now()
  let elapsed = 0
  while (elapsed < millis) {
    await fn()
    calls++
    elapsed = performance.now() - started
  }
  return {
    callsPerSecond: Math.round((calls * 1000) / elapsed),
    microsPerCall: Math.round((elapsed * 1000) / calls),
    calls,
  }
}

type RequestApp = { request: (path: string, init?: RequestInit) => Response | Promise<Response> }

/** One app call, read to the end (a route's cost includes serialising its answer). */
export function appCall(app: RequestApp, path: string, body?: string): () => Promise<void> {
  const init: RequestInit | undefined =
    body === undefined ? undefined : { method: 'POST', headers: { 'content-type': 'application/json' }, body }
  return async () => {
    const res = await app.request(path, init)
    await res.arrayBuffer()
    if (res.status !== 200) throw new Error(`${init?.method ?? 'GET'} ${path} answered ${res.status}`)
  }
}

/**
 * Node heap after a full GC, before and after `rounds` of `fn`: flat = the app retains
 * nothing per request (workerd's RSS cannot tell, V8 rarely hands memory back to the OS).
 * Needs `node --expose-gc` (the `bench` script passes it); null without it.
 */
export async function heapGrowth(
  fn: () => Promise<unknown>,
  rounds: number,
): Promise<{ rounds: number; beforeKiB: number; afterKiB: number } | null> {
  const gc = (globalThis as { gc?: () => void }).gc
  if (!gc) return null
  const heap = () => {
    gc()
    gc()
    return Math.round(process.memoryUsage().heapUsed / 1024)
  }
  for (let i = 0; i < 50; i++) await fn()
  const beforeKiB = heap()
  for (let i = 0; i < rounds; i++) await fn()
  return { rounds, beforeKiB, afterKiB: heap() }
}
