/**
 * `npm run fuzz`: the longer fuzz run, against the app in Node (same code as the worker,
 * built over data/). FUZZ_RUNS requests per operation and kind (default 500), FUZZ_SEED,
 * FUZZ_SECONDS (default 300). Exits 1 on any violation, printing each request and response.
 */
import { loadArchitecture, loadCatalog } from '../../api/scripts/load-catalog.ts'
import { createApp } from '../../api/src/app.ts'
import { openApiDocument } from '../../api/src/http/openapi.ts'
import { fuzzApi } from './openapi-fuzz.ts'

const runs = Number(process.env.FUZZ_RUNS ?? 500)
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 100_000)
const seconds = Number(process.env.FUZZ_SECONDS ?? 300)
const catalog = loadCatalog('data')
const app = createApp(catalog, loadArchitecture(catalog, 'data'))
const doc = openApiDocument(app)
console.log(
  `fuzz: ${Object.keys(doc.paths ?? {}).length} paths, ${runs} ` +
    `runs per operation and kind, seed ${seed}, at most ${seconds} s`,
)
const started = performance.now()
const report = await fuzzApi({
  doc,
  runs,
  seed,
  timeLimitMs: seconds * 1000,
  send: (req) =>
    Promise.resolve(
      app.request(
        req.path,
        { method: req.method, headers: req.headers, body: req.body },
        { EMBED_ALLOWED_ANCESTORS: '*' },
      ),
    ),
})
const seconds_ = ((performance.now() - started) / 1000).toFixed(1)
console.log(`fuzz: ${report.requests} requests in ${seconds_} s; statuses ${JSON.stringify(report.statuses)}`)
if (report.undocumented.length > 0)
  console.log(`fuzz: answered but not documented: ${report.undocumented.join(', ')}`)
if (report.knownDeviations.length > 0)
  console.log(
    `fuzz: known document deviations (nullable $ref rendered as allOf): ${report.knownDeviations.length}`,
  )
for (const v of report.violations)
  console.log(`VIOLATION ${v.operation} [${v.label}] ${v.request}\n  → ${v.status}: ${v.problem}`)
console.log(
  report.violations.length === 0
    ? 'fuzz: no violations'
    : `fuzz: ${report.violations.length} violations (seed ${seed})`,
)
process.exitCode = report.violations.length === 0 ? 0 : 1
