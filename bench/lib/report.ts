/** The console table of `npm run bench`. */
type Results = {
  machine: { nproc: number; cpuModel: string; ramGiB: number; node: string; loadAverage1m: number }
  sizes: { worker: { gzipBytes: number; bytes: number }; widgets: { file: string; gzipBytes: number }[] }
  http: {
    route: string
    requestsPerSecond: number
    p50Ms: number
    p99Ms: number
    errors: number
    non2xx: number
    ratioToBaseline: { requestsPerSecond: number; p50: number; p99: number }
  }[]
  soak: {
    seconds: number
    connections: number
    requests: number
    requestsPerSecond: number
    p99Ms: number
    errors: number
    timeouts: number
    non2xx: number
    passed: boolean
  }
  workerdRssKiB: { before: number; after: number; afterIdle: number }
  inProcess: Record<string, { callsPerSecond: number; microsPerCall: number }>
  scale: {
    series: {
      call: string
      points: { nodes: number; microsPerCall: number }[]
      perNodeCostRatio: number
      growthExponent: number
    }[]
    estimatedWorkerGzipBytesWithBigCatalog: number
  }
}

const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`

function table(rows: (string | number)[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)))
  return rows
    .map((r) =>
      r
        .map((c, i) =>
          typeof c === 'number' ? String(c).padStart(widths[i]!) : String(c).padEnd(widths[i]!),
        )
        .join('  '),
    )
    .join('\n')
}

export function printSummary(r: Results): void {
  const m = r.machine
  console.log(
    `\n== ${m.cpuModel}, ${m.nproc} cores, ${m.ramGiB} GiB, Node ${m.node}, load ${m.loadAverage1m}`,
  )
  console.log('\nHTTP (wrangler dev, autocannon)')
  console.log(
    table([
      ['route', 'req/s', '×base', 'p50 ms', '×base', 'p99 ms', '×base', 'errors', 'non-2xx'],
      ...r.http.map((h) => [
        h.route,
        h.requestsPerSecond,
        h.ratioToBaseline.requestsPerSecond,
        h.p50Ms,
        h.ratioToBaseline.p50,
        h.p99Ms,
        h.ratioToBaseline.p99,
        h.errors,
        h.non2xx,
      ]),
    ]),
  )
  const s = r.soak
  console.log(
    `\nsoak: ${s.seconds} s at ${s.connections} connections: ${s.requests} requests, ` +
      `${s.requestsPerSecond} req/s, p99 ${s.p99Ms} ms, errors ${s.errors}, timeouts ${s.timeouts}, ` +
      `non-2xx ${s.non2xx} → ${s.passed ? 'PASS' : 'FAIL'}`,
  )
  console.log(
    `workerd RSS: ${kib(r.workerdRssKiB.before * 1024)} before, ` +
      `${kib(r.workerdRssKiB.after * 1024)} after the soak, ` +
      `${kib(r.workerdRssKiB.afterIdle * 1024)} after 10 s idle`,
  )
  console.log(
    `\nworker bundle: ${kib(r.sizes.worker.bytes)} minified, ${kib(r.sizes.worker.gzipBytes)} gzip ` +
      '(budget 300 KiB, test/unit/budgets.test.ts); with the 200-node catalog ≈ ' +
      `${kib(r.scale.estimatedWorkerGzipBytesWithBigCatalog)} gzip`,
  )
  if (r.sizes.widgets.length > 0)
    console.log(`widgets (gzip): ${r.sizes.widgets.map((w) => `${w.file} ${w.gzipBytes} B`).join(', ')}`)
  console.log('\nin-process (app.request)')
  console.log(
    table([
      ['call', 'calls/s', 'µs/call'],
      ...Object.entries(r.inProcess).map(([k, v]) => [k, v.callsPerSecond, v.microsPerCall]),
    ]),
  )
  console.log('\nscale (µs per call at 10 / 50 / 200 nodes; per-node ratio ≤ 1 = at most linear)')
  console.log(
    table([
      ['call', ...r.scale.series[0]!.points.map((p) => `${p.nodes} nodes`), 'per-node ratio', 'exponent'],
      ...r.scale.series.map((x) => [
        x.call,
        ...x.points.map((p) => p.microsPerCall),
        x.perNodeCostRatio,
        x.growthExponent,
      ]),
    ]),
  )
}
