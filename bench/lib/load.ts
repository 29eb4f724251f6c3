/** One autocannon run, reduced to the figures the report uses. */
import autocannon from 'autocannon'

export interface LoadTarget {
  method?: 'GET' | 'POST'
  path: string
  body?: string
}
export interface LoadResult {
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  requests: number
  errors: number
  timeouts: number
  non2xx: number
  seconds: number
  connections: number
}

/** Several targets are sent round-robin (autocannon's `requests` cycle per connection). */
export async function load(
  baseUrl: string,
  targets: LoadTarget[],
  seconds: number,
  connections: number,
): Promise<LoadResult> {
  const result = await autocannon({
    url: baseUrl,
    connections,
    duration: seconds,
    requests: targets.map((t) => ({
      method: t.method ?? 'GET',
      path: t.path,
      ...(t.body === undefined ? {} : { body: t.body, headers: { 'content-type': 'application/json' } }),
    })),
  })
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    seconds,
    connections,
  }
}
