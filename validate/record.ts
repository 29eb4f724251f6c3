/**
 * `npm run validate:llama`: runs the real llama.cpp (node-llama-cpp's prebuilt CPU build) over a
 * grid of registry models × contexts × flash attention × KV types × ubatch and records the buffer
 * sizes llama.cpp itself logs into docs/accuracy/llama-cpp-cpu.json, which the unit test
 * test/unit/vram/accuracy.test.ts re-plans on every `npm test`.
 *
 * No weights are downloaded: each model is a synthetic GGUF (validate/gguf.ts) with the real tensor
 * list and a sparse, all-zero data section, loaded with `no_alloc` (the dry run llama.cpp's own
 * `--fit` uses, src/llama-context.cpp sched_reserve), so even a 70B model costs no RAM.
 *
 * Options: --models a,b  --time-limit SECONDS (default 900)  --out FILE  --log-dir DIR (keeps
 * llama.cpp's whole log per case; with GGML_SCHED_DEBUG=2 in the environment it lists every node
 * of the reserved graph with its op, size and sources, which is how api/src/domain/vram/graph/ is
 * checked node by node)
 */
import { mkdirSync, readFileSync, renameSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { loadCatalog } from '../api/scripts/load-catalog.ts'
import type { KvCacheType } from '../api/src/domain/vram/ggml-types.ts'
import type { LlmModel } from '../api/src/domain/vram/model-schemas.ts'
import { weightLayout } from '../api/src/domain/vram/weights.ts'
import { writeSyntheticGguf } from './gguf.ts'
import type { RecordedCase, RecordedFile, RecordedSettings } from '../api/src/domain/vram/accuracy.ts'
import { CASE_GRID } from './grid.ts'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..')
const { values: opts } = parseArgs({
  options: {
    models: { type: 'string' },
    'time-limit': { type: 'string', default: '900' },
    out: { type: 'string', default: join(root, 'docs/accuracy/llama-cpp-cpu.json') },
    'log-dir': { type: 'string' },
  },
})

/** Architectures whose synthetic files llama.cpp loads (validate/gguf.ts writes their keys). */
const SUPPORTED = new Set(['llama', 'qwen2', 'qwen3', 'qwen3moe', 'gemma2', 'gemma3', 'phi3', 'gpt-oss'])
/** Q4_K_M, or MXFP4_MOE for models published with MXFP4 experts (gpt-oss). */
const quantOf = (m: LlmModel) => (m.shipsMxfp4 ? ('MXFP4' as const) : ('Q4_K_M' as const))
/**
 * llama.cpp's gpt-oss loader (src/models/openai-moe.cpp) names the FFN's pre-norm
 * `post_attention_norm`; the planner's tensor list calls it `ffn_norm` (same shape, same bytes).
 */
const tensorName = (m: LlmModel, name: string) =>
  m.llamaCppArchitecture === 'gpt-oss' ? name.replace('.ffn_norm.', '.post_attention_norm.') : name
const readJson = <T>(path: string) => JSON.parse(readFileSync(path, 'utf8')) as T

const packageDir = join(here, 'node_modules/node-llama-cpp')
if (!existsSync(packageDir)) {
  console.error(
    'validate/node_modules is missing: run `npm run validate:llama` (it installs validate/ first).',
  )
  process.exit(2)
}

/**
 * llama.cpp's baseline CPU build only: the prebuilt package ships one ggml-cpu library per x86
 * level and ggml loads the best one (ggml/src/ggml-backend-reg.cpp ggml_backend_load_best); the
 * AVX2/AVX-512/AMX ones repack quantized weights into extra host buffers, which a GPU never does.
 * The others are moved aside inside validate/node_modules (reinstalling restores them).
 */
function keepBaselineCpuOnly(): string {
  const pkg = readJson<{ version: string }>(join(here, 'node_modules/@node-llama-cpp/linux-x64/package.json'))
  const bins = join(here, 'node_modules/@node-llama-cpp/linux-x64/bins/linux-x64')
  const aside = join(bins, '..', 'not-baseline')
  mkdirSync(aside, { recursive: true })
  for (const f of readdirSync(bins)) {
    if (/^libggml-cpu-.*\.so$/.test(f) && f !== 'libggml-cpu-x64.so')
      renameSync(join(bins, f), join(aside, f))
  }
  return pkg.version
}

const MIB = 2 ** 20
/** llama.cpp prints MiB with two decimals: the value is known to ±0.005 MiB. */
const mib = (text: string) => Math.round(Number(text) * MIB)

function parseLog(log: string) {
  const compute = [...log.matchAll(/sched_reserve:\s+(\S+) compute buffer size =\s+([\d.]+) MiB/g)]
  const kv = [...log.matchAll(/llama_kv_cache: size =\s+([\d.]+) MiB \(\s*(\d+) cells,\s+(\d+) layers/g)]
  const output = /(\S+)\s+output buffer size =\s+([\d.]+) MiB/.exec(log)
  const file = /file size\s+=\s+([\d.]+) GiB/.exec(log)
  return {
    computeBufferBytes: Object.fromEntries(compute.map((m) => [m[1]!, mib(m[2]!)])),
    // iSWA models log two caches (full-attention layers, then the window layers).
    kvCaches: kv.map((m) => ({ bytes: mib(m[1]!), cells: Number(m[2]), layers: Number(m[3]) })),
    outputBufferBytes: output ? mib(output[2]!) : null,
    fileGiB: file ? Number(file[1]) : null,
  }
}

const GGML_F16 = 1
const GGML_Q8_0 = 8
const GGML_Q4_0 = 2
const KV_ID: Partial<Record<KvCacheType, number>> = { f16: GGML_F16, q8_0: GGML_Q8_0, q4_0: GGML_Q4_0 }

/**
 * The part of node-llama-cpp this recorder calls. validate/ installs the package; the root lint
 * and typecheck run without it, so the import is typed here rather than left `any`.
 */
interface NodeLlamaCpp {
  getLlama: (options: {
    gpu: false
    build: 'never'
    progressLogs: boolean
    logLevel: unknown
    logger: (level: unknown, message: string) => void
  }) => Promise<unknown>
  LlamaLogLevel: { debug: unknown }
}

async function main() {
  const cpuVersion = keepBaselineCpuOnly()
  const { getLlama, LlamaLogLevel } = (await import('node-llama-cpp')) as unknown as NodeLlamaCpp
  const info = readJson<{ tag: string; llamaCppGithubRepo: string }>(
    join(packageDir, 'llama/llama.cpp.info.json'),
  )
  const nlcVersion = readJson<{ version: string }>(join(packageDir, 'package.json')).version
  let log = ''
  const llama = await getLlama({
    gpu: false,
    build: 'never',
    progressLogs: false,
    logLevel: LlamaLogLevel.debug,
    logger: (_level, message) => {
      log += message.endsWith('\n') ? message : `${message}\n`
    },
  })
  // node-llama-cpp's public API always allocates; its own GgufInsights simulator loads models and
  // contexts with no_alloc through these bindings, and so does this recorder.
  const bindings = (llama as { _bindings: Bindings })._bindings
  await new Promise((r) => setTimeout(r, 200)) // the native logger reaches JS asynchronously
  const backend = /loaded CPU backend from \S*\/(libggml-cpu-[\w-]+\.so)/.exec(log)?.[1] ?? 'unknown'
  if (backend !== 'libggml-cpu-x64.so') {
    throw new Error(`expected the baseline CPU backend libggml-cpu-x64.so, llama.cpp loaded ${backend}`)
  }

  const catalog = loadCatalog(join(root, 'data'))
  const wanted = opts.models ? new Set(opts.models.split(',')) : null
  const models = catalog.llmModels.filter(
    (m) => SUPPORTED.has(m.llamaCppArchitecture) && (!wanted || wanted.has(m.id)),
  )
  const deadline = Date.now() + Number(opts['time-limit']) * 1000
  const work = join(tmpdir(), `homelab-planner-validate-${process.pid}`)
  mkdirSync(work, { recursive: true })
  const cases: RecordedCase[] = []
  const total = models.length * CASE_GRID.length
  let done = 0
  let stopped = false
  try {
    for (const m of models) {
      const file = join(work, `${m.id}.gguf`)
      const tensors = weightLayout(m, quantOf(m)).tensors.map((t) => ({ ...t, name: tensorName(m, t.name) }))
      writeSyntheticGguf(file, m, tensors)
      log = ''
      const model = new bindings.AddonModel(file, {
        gpuLayers: 0,
        noAlloc: true,
        useMmap: true,
        useMlock: false,
      })
      if (!(await model.init()))
        throw new Error(`llama.cpp refused the synthetic ${m.id}:\n${log.slice(-2000)}`)
      await waitForLog(() => log, /file size/)
      const modelLog = log
      for (const s of CASE_GRID) {
        if (Date.now() > deadline) {
          stopped = true
          break
        }
        done++
        if (s.contextLength > m.maxContextLength) continue
        cases.push(
          await measure(
            bindings,
            model,
            m,
            s,
            modelLog,
            () => log,
            () => {
              log = ''
            },
          ),
        )
        const what = `ctx ${s.contextLength} fa ${s.flashAttention} kv ${s.kvCacheType} ub ${s.ubatch} np ${s.parallel}`
        process.stdout.write(`\r[${done}/${total}] ${m.id} ${what}      `)
      }
      await model.dispose()
      rmSync(file)
      if (stopped) break
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  process.stdout.write('\n')
  const out: RecordedFile = {
    description:
      'Buffer sizes llama.cpp logs for synthetic GGUF files of the registry models (validate/record.ts).',
    llamaCpp: {
      repo: info.llamaCppGithubRepo,
      release: info.tag,
      build: `node-llama-cpp ${nlcVersion} prebuilt @node-llama-cpp/linux-x64 ${cpuVersion}, ${backend} (baseline CPU)`,
    },
    device: 'CPU',
    quantization: 'Q4_K_M; MXFP4_MOE for models published with MXFP4 experts',
    complete: !stopped,
    cases,
  }
  mkdirSync(dirname(opts.out), { recursive: true })
  writeFileSync(opts.out, `${JSON.stringify(out, null, 1)}\n`)
  console.log(
    `${cases.length} cases written to ${opts.out}${stopped ? ' (time limit reached: partial grid)' : ''}`,
  )
}

/** The native logger reaches JS asynchronously: wait (up to 10 s) for the line that ends a step. */
async function waitForLog(getLog: () => string, last: RegExp): Promise<void> {
  const until = Date.now() + 10_000
  while (!last.test(getLog()) && Date.now() < until) await new Promise((r) => setTimeout(r, 5))
}

interface NativeModel {
  init(): Promise<boolean>
  dispose(): Promise<void>
}
interface NativeContext {
  init(): Promise<boolean>
  dispose(): Promise<void>
}
interface Bindings {
  AddonModel: new (path: string, o: object) => NativeModel
  AddonContext: new (model: NativeModel, o: object) => NativeContext
}

async function measure(
  b: Bindings,
  model: NativeModel,
  m: LlmModel,
  s: RecordedSettings,
  modelLog: string,
  getLog: () => string,
  reset: () => void,
): Promise<RecordedCase> {
  reset()
  const ctx = new b.AddonContext(model, {
    // `parallel` sequences of contextLength each, one KV stream per sequence (node-llama-cpp sets
    // kv_unified = false), as Ollama runs llama-server with -c ctx·np -np np.
    contextSize: s.contextLength * s.parallel,
    batchSize: s.ubatch,
    sequences: s.parallel,
    flashAttention: s.flashAttention,
    kvCacheKeyType: KV_ID[s.kvCacheType],
    kvCacheValueType: KV_ID[s.kvCacheType],
    swaFullCache: false,
  })
  const ok = await ctx.init()
  if (!ok) throw new Error(`context failed for ${m.id} ${JSON.stringify(s)}:\n${getLog().slice(-2000)}`)
  await waitForLog(getLog, /reserve took/)
  const log = getLog()
  await ctx.dispose()
  if (opts['log-dir']) {
    mkdirSync(opts['log-dir'], { recursive: true })
    const fa = s.flashAttention ? 'fa' : 'nofa'
    const name = `${m.id}-ctx${s.contextLength}-${fa}-${s.kvCacheType}-ub${s.ubatch}-np${s.parallel}`
    writeFileSync(join(opts['log-dir'], `${name}.log`), log)
  }
  const parsed = parseLog(log)
  return {
    model: m.id,
    quantization: quantOf(m),
    settings: s,
    measured: { ...parsed, fileGiB: parseLog(modelLog).fileGiB },
  }
}

await main()
