/**
 * Reads data/ into one validated Catalog. Used by `npm run data:build` (which writes the
 * bundle the worker imports) and by the tests. A broken file fails with its file name, the
 * field path inside it and what was expected.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { join, relative } from 'node:path'
import { parse } from 'yaml'
import { z } from 'zod'
import {
  crossCheckIds,
  crossCheckLinks,
  crossCheckNode,
  type Catalog,
} from '../src/domain/catalog/catalog.ts'
import {
  DriveModelSchema,
  GpuModelSchema,
  NetworkLinkSchema,
  NicModelSchema,
  NodeSchema,
  SeedFindingSchema,
} from '../src/domain/catalog/schemas.ts'
import { LlmModelSchema } from '../src/domain/vram/model-schemas.ts'
import { planLab } from '../src/domain/lab/plan-lab.ts'
import { locatePointer, mergeArchitectureFiles } from '../src/domain/lab/files.ts'
import { ArchitectureFileSchema, type Architecture } from '../src/domain/lab/schemas.ts'
import { strictSchema } from '../src/http/strict.ts'
import { PlanInputError } from '../src/domain/plan-input-error.ts'

export class CatalogError extends Error {
  readonly problems: string[]
  constructor(problems: string[]) {
    super(`data/ is invalid:\n  ${problems.join('\n  ')}`)
    this.problems = problems
  }
}

interface Loaded<T> {
  file: string
  record: T
}

/** One YAML record per file, every `*.yaml` of a folder, sorted by name. */
function readFolder<S extends z.ZodType>(dataDir: string, folder: string, schema: S, problems: string[]) {
  const dir = join(dataDir, folder)
  if (!existsSync(dir)) return []
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
  return files.flatMap((f) => readRecord(dataDir, join(dir, f), schema, problems))
}

function readRecord<S extends z.ZodType>(
  dataDir: string,
  path: string,
  schema: S,
  problems: string[],
): Loaded<z.infer<S>>[] {
  const file = relative(dataDir, path)
  let raw: unknown
  try {
    raw = parse(readFileSync(path, 'utf8'))
  } catch (err) {
    problems.push(`data/${file}: not valid YAML: ${(err as Error).message.split('\n')[0]}`)
    return []
  }
  const result = schema.safeParse(raw)
  if (!result.success) {
    for (const issue of result.error.issues) {
      problems.push(`data/${file}: ${formatPath(issue.path)}: ${issue.message}`)
    }
    return []
  }
  return [{ file, record: result.data }]
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(whole file)'
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('')
}

/** A file holding a YAML list of records. */
function readList<S extends z.ZodType>(
  dataDir: string,
  name: string,
  item: S,
  problems: string[],
): z.infer<S>[] {
  const path = join(dataDir, name)
  if (!existsSync(path)) return []
  return readRecord(dataDir, path, z.array(item), problems)[0]?.record ?? []
}

/** Records named by a slug live in `<slug>.yaml`, so a file name always finds its record. */
function checkFileNames(loaded: Loaded<{ slug?: string; id?: string }>[], problems: string[]) {
  for (const { file, record } of loaded) {
    const expected = file.replace(/^.*\//, '').replace(/\.yaml$/, '')
    const key = record.slug !== undefined ? 'slug' : 'id'
    const actual = record.slug ?? record.id
    if (actual !== expected)
      problems.push(`data/${file}: ${key}: expected "${expected}" (the file name), got "${actual}"`)
  }
}

/** Loads and validates data/; throws CatalogError listing every problem found. */
export function loadCatalog(dataDir = 'data'): Catalog {
  const problems: string[] = []
  const nodes = readFolder(dataDir, 'nodes', NodeSchema, problems)
  const gpus = readFolder(dataDir, 'hardware/gpus', GpuModelSchema, problems)
  const drives = readFolder(dataDir, 'hardware/drives', DriveModelSchema, problems)
  const nics = readFolder(dataDir, 'hardware/nics', NicModelSchema, problems)
  const llmModels = readFolder(dataDir, 'models', LlmModelSchema, problems)
  for (const loaded of [nodes, gpus, drives, nics, llmModels]) checkFileNames(loaded, problems)
  const catalog: Catalog = {
    nodes: nodes.map((x) => x.record),
    gpuModels: gpus.map((x) => x.record),
    driveModels: drives.map((x) => x.record),
    nicModels: nics.map((x) => x.record),
    networkLinks: readList(dataDir, 'network-links.yaml', NetworkLinkSchema, problems),
    seedFindings: readList(dataDir, 'seed-findings.yaml', SeedFindingSchema, problems),
    llmModels: llmModels.map((x) => x.record),
  }
  for (const { file, record } of nodes) {
    for (const issue of crossCheckNode(record, catalog))
      problems.push(`data/${file}: ${formatPath(issue.path)}: ${issue.message}`)
  }
  for (const { file, issue } of crossCheckIds(catalog))
    problems.push(`data/${file}: ${formatPath(issue.path)}: ${issue.message}`)
  for (const issue of crossCheckLinks(catalog))
    problems.push(`data/network-links.yaml: ${formatPath(issue.path.slice(1))}: ${issue.message}`)
  if (problems.length > 0) throw new CatalogError(problems)
  return catalog
}

/**
 * Loads data/architecture/*.yaml (one file per node) into one architecture document, validated
 * by its schema and cross-checked against the catalog: an unknown node, device, drive, guest
 * or model fails with the file and the field path.
 */
export function loadArchitecture(catalog: Catalog, dataDir = 'data', folder = 'architecture'): Architecture {
  const problems: string[] = []
  // Strict, as the API and the CLI read an architecture: a misspelt field fails, naming it.
  const files = readFolder(dataDir, folder, strictSchema(ArchitectureFileSchema), problems)
  for (const { file, record } of files) {
    const expected = file.replace(/^.*\//, '').replace(/\.yaml$/, '')
    if (record.node !== expected)
      problems.push(`data/${file}: node: expected "${expected}" (the file name), got "${record.node}"`)
  }
  if (problems.length > 0) throw new CatalogError(problems)
  const { architecture, origin } = mergeArchitectureFiles(files)
  try {
    // The planner checks every reference (models and runtime settings included) before planning.
    planLab(architecture, catalog)
  } catch (err) {
    if (!(err instanceof PlanInputError)) throw err
    const at = locatePointer(origin, err.pointer)
    throw new CatalogError([
      at ? `data/${at.file}: ${at.path}: ${err.message}` : `data/${folder}: ${err.pointer}: ${err.message}`,
    ])
  }
  return architecture
}
