/**
 * `npm run bench`: sizes, in-process planner rates, scale with catalog size, then `wrangler
 * dev` under autocannon load (each route against the /api/health baseline, and a soak at 50
 * connections that must end with zero errors and zero non-2xx). Writes bench/results.json.
 *
 * Env: BENCH_SOAK_SECONDS (default 60), BENCH_ROUTE_SECONDS (default 10), BENCH_CONNECTIONS
 * per route (default 10), BENCH_INPROCESS_MS per in-process measurement (default 1000).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { loadArchitecture, loadCatalog } from '../api/scripts/load-catalog.ts'
import { createApp } from '../api/src/app.ts'
import { openApiDocument } from '../api/src/http/openapi.ts'
import { deviceCount } from './generate-catalog.ts'
import { startDevServer } from './lib/dev-server.ts'
import { appCall, heapGrowth, rate } from './lib/in-process.ts'
import { LIGHTHOUSE_MIN_SCORE, lighthouseScores, type PageScores } from './lib/lighthouse.ts'
import { load, type LoadResult, type LoadTarget } from './lib/load.ts'
import { groupRss, machine } from './lib/machine.ts'
import { plannerCalls } from './lib/operations.ts'
import { scaleCatalogs, scaleSeries } from './lib/scale.ts'
import { gzipSize, widgetSizes, workerBundleSize } from './lib/sizes.ts'
import { printSummary } from './lib/report.ts'
import { domainRates } from './lib/domain.ts'
import { labRates } from './lib/lab.ts'
import { heaviestRates } from './lib/heaviest.ts'

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback)
const SOAK_SECONDS = env('BENCH_SOAK_SECONDS', 60)
const ROUTE_SECONDS = env('BENCH_ROUTE_SECONDS', 10)
const CONNECTIONS = env('BENCH_CONNECTIONS', 10)
const SOAK_CONNECTIONS = 50
const IN_PROCESS_MS = env('BENCH_INPROCESS_MS', 1000)

const started = Date.now()
const step = (line: string) =>
  console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`)

step(`machine: ${JSON.stringify(machine())}`)
if (!existsSync('site/dist/index.html')) {
  step('site/dist is missing: npm run -s build')
  execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' })
}

step('sizes: wrangler deploy --dry-run --minify, gzip in-process')
const worker = workerBundleSize()
const widgets = widgetSizes()
step(
  `  worker ${(worker.bytes / 1024).toFixed(1)} KiB, ` +
    `${(worker.gzipBytes / 1024).toFixed(1)} KiB gzip; ${widgets.length} widget files`,
)

const catalog = loadCatalog('data')
const architecture = loadArchitecture(catalog, 'data')
const app = createApp(catalog, architecture)
const doc = openApiDocument(app) as Parameters<typeof plannerCalls>[0]
const { calls: planners, skipped } = plannerCalls(doc)
for (const s of skipped) step(`  skip ${s.operationId} (${s.path}): ${s.reason}`)

step(`in-process: app.request over data/ (${IN_PROCESS_MS} ms each)`)
const inProcess: Record<string, Awaited<ReturnType<typeof rate>>> = {}
for (const [name, fn] of [
  ['GET /api/health', appCall(app, '/api/health')],
  ['GET /api/v1/catalog', appCall(app, '/api/v1/catalog')],
  ...planners.map((p) => [`POST ${p.path}`, appCall(app, p.path, p.body)] as const),
] as const) {
  inProcess[name] = await rate(fn, IN_PROCESS_MS)
  step(`  ${name}: ${inProcess[name].callsPerSecond} calls/s (${inProcess[name].microsPerCall} µs)`)
}
const domain = await domainRates(planners, catalog, IN_PROCESS_MS, step)
step('lab planner: the documented architecture and generated labs')
const lab = await labRates(catalog, architecture, IN_PROCESS_MS, step)
const catalogGet = inProcess['GET /api/v1/catalog']!.microsPerCall
const labRoute = inProcess['POST /api/v1/plan/lab']
const labRatios = {
  pureToCatalogGet: Math.round((lab.seed.microsPerCall / catalogGet) * 100) / 100,
  routeToCatalogGet: labRoute ? Math.round((labRoute.microsPerCall / catalogGet) * 100) / 100 : null,
}
step(
  `  planLab ${labRatios.pureToCatalogGet}× the catalog GET (pure), ` +
    `POST /api/v1/plan/lab ${labRatios.routeToCatalogGet}× (in-process route)`,
)
const heaviest = await heaviestRates(app, catalog, IN_PROCESS_MS, step)
const mixedCalls = [appCall(app, '/api/v1/catalog'), ...planners.map((p) => appCall(app, p.path, p.body))]
const heap = await heapGrowth(async () => {
  for (const call of mixedCalls) await call()
}, 1000)
step(
  heap
    ? `  Node heap after GC: ${heap.beforeKiB} KiB → ${heap.afterKiB} KiB ` +
        `over ${heap.rounds} rounds of every planner + catalog`
    : '  heap check skipped (run with node --expose-gc)',
)

step('scale: generated catalogs of 10, 50, 200 nodes (50 devices each)')
const catalogs = scaleCatalogs(catalog)
const big = catalogs[catalogs.length - 1]!
const catalogGzip = { current: gzipSize(JSON.stringify(catalog)), big: gzipSize(JSON.stringify(big)) }
const scale = {
  sizes: catalogs.map((c) => ({ nodes: c.nodes.length, devices: deviceCount(c) })),
  catalogJsonGzipBytes: catalogGzip,
  // The bundle embeds catalog.json; swapping in the big one changes it by the difference.
  estimatedWorkerGzipBytesWithBigCatalog: worker.gzipBytes - catalogGzip.current + catalogGzip.big,
  // A generated catalog has no documented architecture for the lab example's patch: the lab
  // planner's scale is measured over generated labs instead (results.lab).
  series: await scaleSeries(
    catalogs,
    ['/api/v1/nodes', '/api/v1/nodes/meraxes', '/api/v1/devices?class=0300', '/api/v1/catalog'],
    planners.filter((p) => p.operationId !== 'planLab'),
    IN_PROCESS_MS / 2,
    step,
  ),
  passthroughNote: planners.some((p) => /passthrough/.test(p.path))
    ? 'passthrough check measured through its route (series above)'
    : 'no passthrough operation in the OpenAPI document yet: not measured',
}

step('wrangler dev: starting on a free port')
const server = await startDevServer()
const rss = () => groupRss(server.pgid, 'workerd').reduce((sum, p) => sum + p.rssKiB, 0)
const processes = () => groupRss(server.pgid, 'workerd').map((p) => `${p.pid}: ${p.rssKiB} KiB`)
const http: { route: string; result: LoadResult }[] = []
let soak: LoadResult | undefined
const rssKiB = { before: 0, after: 0, afterIdle: 0, processes: [] as string[] }
let staticHeaders: Record<string, string | null> = {}
let pages: PageScores[] = []
try {
  // warm-up: JIT, isolate start
  await load(server.url, [{ path: '/api/health' }, { path: '/api/v1/catalog' }], 3, CONNECTIONS)
  rssKiB.before = rss()
  step(`  ${server.url}, workerd RSS ${(rssKiB.before / 1024).toFixed(1)} MiB`)
  const page = await fetch(`${server.url}/`)
  staticHeaders = Object.fromEntries(
    ['content-security-policy', 'x-content-type-options', 'referrer-policy', 'x-frame-options'].map((h) => [
      h,
      page.headers.get(h),
    ]),
  )
  const routes: [string, LoadTarget][] = [
    ['GET /api/health (baseline)', { path: '/api/health' }],
    ['GET /api/v1/catalog', { path: '/api/v1/catalog' }],
    ['GET /api/v1/nodes/meraxes', { path: '/api/v1/nodes/meraxes' }],
    ...planners.map(
      (p) => [`POST ${p.path}`, { method: 'POST', path: p.path, body: p.body }] as [string, LoadTarget],
    ),
    ['GET / (static page)', { path: '/' }],
  ]
  for (const [route, target] of routes) {
    step(`  load ${route}: ${ROUTE_SECONDS} s at ${CONNECTIONS} connections`)
    const result = await load(server.url, [target], ROUTE_SECONDS, CONNECTIONS)
    http.push({ route, result })
    step(
      `    ${result.requestsPerSecond} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ` +
        `errors ${result.errors}, non-2xx ${result.non2xx}`,
    )
  }
  const mixed: LoadTarget[] = [
    { path: '/api/v1/catalog' },
    { path: '/api/v1/nodes/meraxes' },
    { path: '/api/v1/devices?class=0300' },
    ...planners.map((p) => ({ method: 'POST' as const, path: p.path, body: p.body })),
  ]
  step(`  soak: ${SOAK_SECONDS} s at ${SOAK_CONNECTIONS} connections over ${mixed.length} mixed routes`)
  soak = await load(server.url, mixed, SOAK_SECONDS, SOAK_CONNECTIONS)
  step(
    `    ${soak.requests} requests, ${soak.requestsPerSecond} req/s, ` +
      `p99 ${soak.p99Ms} ms, errors ${soak.errors}, timeouts ${soak.timeouts}, non-2xx ${soak.non2xx}`,
  )
  rssKiB.after = rss()
  // Garbage the soak left behind is collected when idle: the figure that shows a real leak.
  await new Promise((r) => setTimeout(r, 10_000))
  rssKiB.afterIdle = rss()
  rssKiB.processes = processes()
  step(`  lighthouse (mobile, simulated throttling): every category at least ${LIGHTHOUSE_MIN_SCORE}`)
  pages = await lighthouseScores(server.url, step)
  step(
    `  workerd RSS ${(rssKiB.after / 1024).toFixed(1)} MiB after the soak, ` +
      `${(rssKiB.afterIdle / 1024).toFixed(1)} MiB after 10 s idle (${rssKiB.processes.join(', ')})`,
  )
} finally {
  await server.stop()
  step('wrangler dev stopped')
}

const baseline = http[0]!.result
const results = {
  machine: machine(),
  settings: {
    routeSeconds: ROUTE_SECONDS,
    connections: CONNECTIONS,
    soakSeconds: SOAK_SECONDS,
    soakConnections: SOAK_CONNECTIONS,
    inProcessMs: IN_PROCESS_MS,
  },
  sizes: { worker, widgets },
  http: http.map(({ route, result }) => ({
    route,
    ...result,
    ratioToBaseline: {
      requestsPerSecond: round(result.requestsPerSecond / baseline.requestsPerSecond),
      p50: round(result.p50Ms / Math.max(baseline.p50Ms, 1)),
      p99: round(result.p99Ms / Math.max(baseline.p99Ms, 1)),
    },
  })),
  soak: { ...soak, passed: soak.errors === 0 && soak.timeouts === 0 && soak.non2xx === 0 },
  workerdRssKiB: rssKiB,
  staticPageHeaders: staticHeaders,
  inProcess,
  domain,
  lab: { ...lab, ratios: labRatios },
  heaviest,
  heapAfterGcKiB: heap,
  lighthouse: { minScore: LIGHTHOUSE_MIN_SCORE, pages },
  skipped,
  scale,
}
writeFileSync('bench/results.json', `${JSON.stringify(results, null, 2)}\n`)
printSummary(results)
step(`wrote bench/results.json in ${((Date.now() - started) / 1000).toFixed(0)} s`)
const lowScores = pages.flatMap((p) =>
  Object.entries(p.scores)
    .filter(([, s]) => s < LIGHTHOUSE_MIN_SCORE)
    .map(([c, s]) => `${p.page} ${c} ${s}`),
)
if (lowScores.length > 0) {
  console.error(`bench: Lighthouse below ${LIGHTHOUSE_MIN_SCORE}: ${lowScores.join(', ')}`)
  process.exitCode = 1
}
if (!results.soak.passed) {
  console.error('bench: the soak run had errors, timeouts or non-2xx answers')
  process.exitCode = 1
}

function round(x: number): number {
  return Math.round(x * 100) / 100
}
