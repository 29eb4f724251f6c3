/**
 * `npm run plan -- <architecture.yaml|.json|dir>... [--changes patch.json] [--json] [--strict]`:
 * checks an architecture with the lab planner, as a CI step before `qm set` or
 * `terraform apply`. Exit 0 holds, 1 breaks (and needs-review with --strict), 2 bad input.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'
import { parse } from 'yaml'
import { z } from 'zod'
import { CatalogError, loadCatalog } from '../api/scripts/load-catalog.ts'
import type { Catalog } from '../api/src/domain/catalog/catalog.ts'
import type { LabPlanAnswer } from '../api/src/domain/lab/answer-schemas.ts'
import { PatchOperationSchema } from '../api/src/domain/lab/changes.ts'
import {
  locatePointer,
  mergeArchitectureFiles,
  type ArchitectureOrigin,
} from '../api/src/domain/lab/files.ts'
import { planLabRequest } from '../api/src/domain/lab/plan-request.ts'
import {
  ArchitectureFileSchema,
  ArchitectureSchema,
  type Architecture,
  type ArchitectureFile,
} from '../api/src/domain/lab/schemas.ts'
import { PlanInputError } from '../api/src/domain/plan-input-error.ts'
import { strictSchema } from '../api/src/http/strict.ts'
import { formatPlanReport } from './plan-report.ts'

export const USAGE = `Usage: npm run plan -- <architecture.yaml|.json|dir>... [--changes patch.json] [--json] [--strict]

Checks a lab architecture with the lab planner (the same code as POST /api/v1/plan/lab).
Each file is one node's file (data/architecture/<node>.yaml: "node" at the top) or a whole
document (the "architecture" of GET /api/v1/architecture); a folder reads its *.yaml files.
  --changes <file>  an RFC 6902 JSON Patch applied to the architecture; the report adds the diff
  --json            print the API's answer as JSON
  --strict          exit 1 on needs-review as well
  --data <dir>      the catalog (default data/)
Exit status: 0 holds, 1 breaks (or needs-review with --strict), 2 bad input.`

class InputError extends Error {}

// As strict as the API: a misspelt field is an error, never silently dropped.
const STRICT_ARCHITECTURE = strictSchema(ArchitectureSchema)
const STRICT_FILE = strictSchema(ArchitectureFileSchema)

interface Args {
  files: string[]
  changes: string | null
  json: boolean
  strict: boolean
  data: string
}

function parseArgs(argv: readonly string[]): Args | 'help' {
  const args: Args = { files: [], changes: null, json: false, strict: false, data: 'data' }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '--help' || a === '-h') return 'help'
    else if (a === '--json') args.json = true
    else if (a === '--strict') args.strict = true
    else if (a === '--changes' || a === '--data') {
      const value = argv[++i]
      if (!value) throw new InputError(`${a} needs a file`)
      if (a === '--changes') args.changes = value
      else args.data = value
    } else if (a.startsWith('-')) throw new InputError(`unknown option ${a}`)
    else args.files.push(a)
  }
  if (args.files.length === 0) throw new InputError('no architecture file given')
  return args
}

function readData(path: string): unknown {
  if (!existsSync(path)) throw new InputError(`${path}: no such file`)
  try {
    return parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new InputError(`${path}: not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}`)
  }
}

const issuePath = (path: readonly PropertyKey[]) =>
  path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '') || '(whole file)'

function checked<S extends z.ZodType>(schema: S, raw: unknown, file: string): z.infer<S> {
  const r = schema.safeParse(raw)
  if (r.success) return r.data
  throw new InputError(r.error.issues.map((i) => `${file}: ${issuePath(i.path)}: ${i.message}`).join('\n'))
}

/** Node files merge into one document (and keep their origin for messages); a whole document stands alone. */
function readArchitecture(paths: string[]): {
  architecture: Architecture
  origin: ArchitectureOrigin | null
} {
  const files = paths.flatMap((p) =>
    existsSync(p) && statSync(p).isDirectory()
      ? readdirSync(p)
          .filter((f) => f.endsWith('.yaml'))
          .sort()
          .map((f) => join(p, f))
      : [p],
  )
  const raws = files.map((file) => ({ file, raw: readData(file) }))
  const nodeFiles = raws.filter((r) => typeof (r.raw as { node?: unknown } | null)?.node === 'string')
  if (nodeFiles.length === 0 && raws.length === 1)
    return { architecture: checked(STRICT_ARCHITECTURE, raws[0]!.raw, raws[0]!.file), origin: null }
  if (nodeFiles.length !== raws.length)
    throw new InputError('give either node files (with "node" at the top) or one whole document, not a mix')
  const records: { file: string; record: ArchitectureFile }[] = nodeFiles.map(({ file, raw }) => ({
    file,
    record: checked(STRICT_FILE, raw, file),
  }))
  return mergeArchitectureFiles(records)
}

function located(err: PlanInputError, origin: ArchitectureOrigin | null, changes: string | null): string {
  if (changes && err.pointer.startsWith('/changes'))
    return `${changes}: ${err.pointer.replace('/changes', '') || '/'}: ${err.message}`
  const pointer = err.pointer.replace(/^\/architecture/, '')
  const at = origin && locatePointer(origin, pointer)
  return at ? `${at.file}: ${at.path}: ${err.message}` : `${pointer || '/'}: ${err.message}`
}

function plan(args: Args, catalog: Catalog): LabPlanAnswer {
  const { architecture, origin } = readArchitecture(args.files)
  const changes = args.changes
    ? checked(z.array(PatchOperationSchema).min(1), readData(args.changes), args.changes)
    : null
  try {
    return planLabRequest(
      changes ? { changes } : { architecture },
      architecture,
      catalog,
      STRICT_ARCHITECTURE,
    )
  } catch (err) {
    if (err instanceof PlanInputError) throw new InputError(located(err, origin, args.changes))
    throw err
  }
}

export function runPlan(
  argv: readonly string[],
  io: { out: (s: string) => void; err: (s: string) => void; color: boolean },
): number {
  try {
    const args = parseArgs(argv)
    if (args === 'help') {
      io.out(USAGE)
      return 0
    }
    const answer = plan(args, loadCatalog(args.data))
    io.out(
      args.json
        ? JSON.stringify(answer, null, 2)
        : formatPlanReport(answer, { color: io.color, title: args.files.map((f) => basename(f)).join(', ') }),
    )
    if (answer.verdict === 'breaks') return 1
    return answer.verdict === 'needs-review' && args.strict ? 1 : 0
  } catch (err) {
    if (!(err instanceof InputError || err instanceof CatalogError)) throw err
    io.err(`plan: ${err.message}`)
    io.err('Run npm run plan -- --help for usage.')
    return 2
  }
}

if (import.meta.main) {
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR
  process.exitCode = runPlan(process.argv.slice(2), {
    out: (s) => console.log(s),
    err: (s) => console.error(s),
    color,
  })
}
