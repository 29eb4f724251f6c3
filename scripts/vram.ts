/**
 * `npm run vram -- <file.gguf> [--ctx N] [--target <node|gpu>]…`: plans a local GGUF file from
 * its header (read with @huggingface/gguf, a few MB whatever the file size; every shard of a
 * `-00001-of-0000N.gguf` file) with the same planner the API runs. `--json` prints the answer,
 * `--header` the header as JSON, ready to post as `model.gguf`.
 */
import { ggufAllShards } from '@huggingface/gguf'
import { loadCatalog } from '../api/scripts/load-catalog.ts'
import { PlanInputError } from '../api/src/domain/plan-input-error.ts'
import { planVramFit } from '../api/src/domain/vram/plan-vram-fit.ts'
import { VramFitRequestSchema, type VramFitAnswer } from '../api/src/domain/vram/schemas.ts'
import { headerToJson } from '../api/src/fetch/gguf-header.ts'
import { formatBytes, formatNumber, formatTokens } from '../site/src/lib/format.ts'

const USAGE = `Usage: npm run vram -- <file.gguf> [options]

Plans a local GGUF file on the lab's GPUs from its header alone (the tensor data is not read).
For a split model give the first shard (…-00001-of-0000N.gguf); the others are read too.

Options:
  --ctx N          context length per sequence (default 8192)
  --target T       a node (caraxes) or GPU slug; repeat for a split; default: every GPU and combination
  --parallel N     parallel sequences (default 1)
  --kv TYPE        KV cache type: f16, q8_0 or q4_0 (default f16)
  --json           print the planner's whole answer as JSON
  --header         print the GGUF header as JSON (post it as model.gguf to POST /api/v1/plan/vram-fit)
  --help           print this`

interface Args {
  file: string
  contextLength?: number
  targets: string[]
  parallel?: number
  kvCacheType?: string
  json: boolean
  header: boolean
}

function intArg(flag: string, value: string | undefined): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 1)
    throw new UsageError(`${flag} expects a positive integer, got ${value ?? 'nothing'}`)
  return n
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Args {
  const args: Args = { file: '', targets: [], json: false, header: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    const next = () => argv[++i]
    if (a === '--ctx') args.contextLength = intArg(a, next())
    else if (a === '--parallel') args.parallel = intArg(a, next())
    else if (a === '--target') args.targets.push(next() ?? '')
    else if (a === '--kv') args.kvCacheType = next()
    else if (a === '--json') args.json = true
    else if (a === '--header') args.header = true
    else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`)
    else if (args.file) throw new UsageError(`one file at a time (got ${args.file} and ${a})`)
    else args.file = a
  }
  if (!args.file) throw new UsageError('no GGUF file given')
  return args
}

function summary(answer: VramFitAnswer): string[] {
  const m = answer.model
  const lines = [
    `${m.name} (${m.quantization}): ${formatBytes(m.weightsBytes)} of weights, ` +
      `${formatNumber(m.parameterCount)} parameters, ${m.bitsPerWeight} bits per weight`,
  ]
  for (const r of answer.results) {
    const b = r.breakdown
    const speed = r.tokensPerSecond === null ? '' : `, ~${r.tokensPerSecond} tokens/s`
    const layers =
      r.cpuMoeLayers !== null ? `--n-cpu-moe ${r.cpuMoeLayers}` : `-ngl ${r.gpuLayers}/${r.totalLayers}`
    lines.push(
      `  ${r.target.label}: ${r.verdict} (${layers})${speed}; max context ${formatTokens(r.maxContextLength)}`,
    )
    if (b)
      lines.push(
        `    GPU ${formatBytes(b.totalGpuBytes)} = weights ${formatBytes(b.weightsGpuBytes)} + ` +
          `KV ${formatBytes(b.kvCacheBytes)} + compute ${formatBytes(b.computeBufferBytes)} + ` +
          `overhead ${formatBytes(b.overheadBytes)}; free ${formatBytes(b.freeGpuBytes)}`,
      )
  }
  if (answer.recommendation) lines.push(`Recommendation: ${answer.recommendation.reason}`)
  for (const w of answer.warnings) lines.push(`warning: ${w}`)
  return lines
}

export async function runVram(argv: string[], out = console.log, err = console.error): Promise<number> {
  if (argv.includes('--help')) {
    out(USAGE)
    return 0
  }
  let args: Args
  try {
    args = parseArgs(argv)
  } catch (e) {
    if (!(e instanceof UsageError)) throw e
    err(`npm run vram: ${e.message}\n\n${USAGE}`)
    return 2
  }
  let header
  try {
    err(`reading the header of ${args.file} …`)
    header = headerToJson((await ggufAllShards(args.file, { allowLocalFile: true })).shards)
  } catch (e) {
    err(`${args.file}: not a readable GGUF file: ${e instanceof Error ? e.message : String(e)}`)
    return 1
  }
  if (args.header) {
    out(JSON.stringify(header))
    return 0
  }
  const parsed = VramFitRequestSchema.safeParse({
    model: { gguf: header },
    contextLength: args.contextLength,
    parallel: args.parallel,
    kvCacheType: args.kvCacheType,
    targets: args.targets.length > 0 ? args.targets : undefined,
  })
  if (!parsed.success) {
    err(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'))
    return 2
  }
  try {
    const answer = planVramFit(parsed.data, loadCatalog('data'))
    for (const line of args.json ? [JSON.stringify(answer, null, 2)] : summary(answer)) out(line)
    return 0
  } catch (e) {
    if (!(e instanceof PlanInputError)) throw e
    err(`${args.file}: ${e.pointer}: ${e.message}`)
    return 1
  }
}

if (import.meta.main) process.exitCode = await runVram(process.argv.slice(2))
