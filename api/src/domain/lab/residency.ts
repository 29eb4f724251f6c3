/**
 * GPU residency: per GPU, the models that must stay loaded together (weights + KV + compute
 * buffer each, one CUDA context per runner process, the runtime's fit margin once) against its
 * VRAM; on-demand models that fit next to them, only alone (a swap, priced by load times), or
 * only with partial offload; fine-tuning jobs that share the GPU or run with it emptied.
 */
import { GIB } from '../passthrough/knowledge.ts'
import type { Finding, GpuSummary, ResidentModel } from './answer-schemas.ts'
import { resolveLocation, type LabContext, type LabGpu, type LabService } from './context.ts'
import { finding } from './finding.ts'
import { readSeconds } from './storage-step.ts'
import { GPU_MARGIN_BYTES } from '../vram/placement.ts'
import { gpuMarginOf, ollamaMaxLoaded, sizeModel } from './vram-step.ts'

const gib = (b: number) => `${(b / GIB).toFixed(2)} GiB`
/** Under this share of VRAM left free, a resident set is tight: a longer prompt or a driver update can tip it. */
const TIGHT_FREE_SHARE = 0.05

function modelEntry(ctx: LabContext, s: LabService, j: number, gpu: LabGpu): ResidentModel {
  const m = s.service.models[j]!
  const t = sizeModel(ctx, s, j)
  const store = s.service.modelStore
    ? resolveLocation(ctx, s.service.modelStore.on, `${s.pointer}/modelStore/on`, s.node)
    : null
  const load = store ? readSeconds(ctx, store, t.weightsBytes, gpu) : null
  const cudaContextBytes = t.cudaContextBytes
  return {
    service: s.service.name,
    model: m.model,
    modelId: t.answer.model.id,
    quantization: t.answer.model.quantization,
    pointer: `${s.pointer}/models/${j}`,
    resident: m.resident,
    contextLength: t.contextLength,
    parallel: t.parallel,
    settings: t.settings,
    weightsBytes: t.weightsBytes,
    kvCacheBytes: t.kvCacheBytes,
    computeBufferBytes: t.computeBufferBytes,
    cudaContextBytes,
    totalBytes: t.weightsBytes + t.kvCacheBytes + t.computeBufferBytes + cudaContextBytes,
    aloneVerdict: t.aloneVerdict,
    tokensPerSecond: t.tokensPerSecond,
    loadSeconds: load?.seconds ?? (store ? null : (t.answer.results[0]?.loadSeconds ?? null)),
    loadBottleneck: load ? load.bottleneck.name : null,
  }
}

const label = (m: ResidentModel) => `${m.model} (${m.service})`
const names = (ms: ResidentModel[]) => ms.map(label).join(', ')

/** The fewest resident models (largest first) whose removal makes the set fit. */
function toDrop(resident: ResidentModel[], shortBytes: number): ResidentModel[] {
  const drop: ResidentModel[] = []
  let freed = 0
  for (const m of [...resident].sort((a, b) => b.totalBytes - a.totalBytes)) {
    if (freed >= shortBytes) break
    drop.push(m)
    freed += m.totalBytes
  }
  return drop
}

function residentFindings(gpu: LabGpu, sum: GpuSummary): Finding[] {
  const where = `${gpu.node.name} ${gpu.model.name}`
  if (sum.resident.length === 0) return []
  // The service's model list: one stable place, so a change shows as a severity change in the diff.
  const at = sum.resident[sum.resident.length - 1]!.pointer.replace(/\/\d+$/, '')
  const rule = { planner: 'vram' as const, rule: 'resident-set' }
  const breakdown = sum.resident.map((m) => `${label(m)} ${gib(m.totalBytes)}`).join(' + ')
  const total = `${breakdown} + margin ${gib(sum.marginBytes)} = ${gib(sum.residentBytes)} of ${gib(sum.vramBytes)}`
  if (sum.freeBytes < 0) {
    return [
      finding('block', rule, at, [
        `The resident set does not fit ${where}: ${total}, short by ${gib(-sum.freeBytes)}.`,
        `Drop ${names(toDrop(sum.resident, -sum.freeBytes))} from the resident set (resident: false),`,
        'or lower their contextLength, parallel or quantization.',
      ]),
    ]
  }
  if (sum.freeBytes < TIGHT_FREE_SHARE * sum.vramBytes) {
    return [
      finding('warn', rule, at, [
        `The resident set fits ${where} with little room: ${total},`,
        `${gib(sum.freeBytes)} free (under ${TIGHT_FREE_SHARE * 100} %). A longer context or ` +
          `another model will not fit.`,
      ]),
    ]
  }
  return [finding('info', rule, at, `The resident set fits ${where}: ${total}, ${gib(sum.freeBytes)} free.`)]
}

function swapSeconds(ms: ResidentModel[]): number | null {
  return ms.some((m) => m.loadSeconds === null) ? null : ms.reduce((s, m) => s + m.loadSeconds!, 0)
}

function onDemandFinding(gpu: LabGpu, sum: GpuSummary, m: ResidentModel, maxLoaded: number | null): Finding {
  const where = `${gpu.node.name} ${gpu.model.name}`
  const rule = { planner: 'vram' as const, rule: 'on-demand' }
  const speed = m.tokensPerSecond === null ? '' : ` at about ${m.tokensPerSecond} tokens/s`
  if (m.aloneVerdict === 'does-not-fit') {
    return finding('block', rule, m.pointer, [
      `${label(m)} does not fit ${where} even alone (${gib(m.totalBytes)} with every layer on the GPU):`,
      'choose a smaller quantization or context, or another GPU.',
    ])
  }
  if (m.aloneVerdict === 'partial-offload') {
    return finding(
      'warn',
      rule,
      m.pointer,
      `${label(m)} fits ${where} only with partial CPU offload${speed}: the runtime keeps some layers in host RAM.`,
    )
  }
  const slots = maxLoaded === null || sum.resident.length < maxLoaded
  if (m.totalBytes <= sum.freeBytes && slots) {
    const load = m.loadSeconds === null ? '' : ` in ${m.loadSeconds} s`
    return finding('info', rule, m.pointer, [
      `${label(m)} loads on demand next to the resident set${load}`,
      `(${gib(m.totalBytes)} of ${gib(sum.freeBytes)} free)${speed}.`,
    ])
  }
  const swap = swapSeconds([m, ...sum.resident])
  const why = slots
    ? `it needs ${gib(m.totalBytes)} and ${gib(Math.max(sum.freeBytes, 0))} is free`
    : `OLLAMA_MAX_LOADED_MODELS (${maxLoaded}) is reached`
  return finding('warn', rule, m.pointer, [
    `${label(m)} fits ${where} only alone (${why}): asking for it unloads the resident models;`,
    `the swap costs ` +
      `${swap === null ? 'an unknown time (a load rate is unknown)' : `about ${swap.toFixed(1)} s of loading`}.`,
    'Make room (fewer resident models) or keep it on another GPU.',
  ])
}

/** The Ollama service's loaded-model limit on one GPU; null for other runtimes. */
function maxLoadedOf(s: LabService): number | null {
  return s.service.runtime === 'ollama' ? ollamaMaxLoaded(s) : null
}

function maxLoadedFindings(services: LabService[]): Finding[] {
  return services.flatMap((s) => {
    const max = maxLoadedOf(s)
    const resident = s.service.models.filter((m) => m.resident).length
    if (max === null || resident <= max) return []
    return [
      finding('block', { planner: 'lab', rule: 'max-loaded-models' }, `${s.pointer}/ollama`, [
        `${s.service.name} keeps ${resident} models resident but Ollama loads at most ${max} at once`,
        `(OLLAMA_MAX_LOADED_MODELS): set OLLAMA_MAX_LOADED_MODELS=${resident} or make fewer models resident.`,
      ]),
    ]
  })
}

function finetuneOf(ctx: LabContext, services: LabService[], gpu: LabGpu, sum: GpuSummary): Finding[] {
  const job = services.find((s) => s.service.runtime === 'finetune')
  if (!job) return []
  const total = sizeModel(ctx, job, 0).trainingBytes ?? 0
  const m = job.service.models[0]!
  const at = `${job.pointer}/models/0`
  sum.finetune = {
    service: job.service.name,
    model: m.model,
    mode: m.mode!,
    exclusive: job.service.exclusive,
    totalBytes: total,
    pointer: at,
  }
  const where = `${gpu.node.name} ${gpu.model.name}`
  const rule = { planner: 'vram' as const, rule: 'finetune' }
  const what = `${job.service.name} (${m.mode} of ${m.model}, ${gib(total)})`
  if (total > sum.vramBytes) {
    return [
      finding('block', rule, at, [
        `${what} needs more than ${where}'s ${gib(sum.vramBytes)} even alone:`,
        'lower sequenceLength or microBatch, or use qlora.',
      ]),
    ]
  }
  if (job.service.exclusive) {
    const reload = swapSeconds(sum.resident)
    return [
      finding('info', rule, at, [
        `${what} runs with the resident models unloaded: they are unavailable while it runs;`,
        `reloading them takes ${reload === null ? 'an unknown time' : `about ${reload.toFixed(1)} s`}.`,
      ]),
    ]
  }
  // The job's own overhead already holds a CUDA context and the margin; the margin is counted once.
  const shared = sum.residentBytes + total - GPU_MARGIN_BYTES
  if (shared > sum.vramBytes) {
    return [
      finding('block', rule, at, [
        `${what} does not fit next to the resident set (${gib(sum.residentBytes)}) on ${where}:`,
        `${gib(shared)} of ${gib(sum.vramBytes)}. Set exclusive: true (it runs with the models ` +
          `unloaded) or drop resident models.`,
      ]),
    ]
  }
  return [
    finding(
      'info',
      rule,
      at,
      `${what} shares ${where} with the resident set: ${gib(shared)} of ${gib(sum.vramBytes)}.`,
    ),
  ]
}

/** One GPU's residency summary and findings. */
export function planGpu(
  ctx: LabContext,
  gpu: LabGpu,
  owner: string,
): { summary: GpuSummary; findings: Finding[] } {
  const services = ctx.services.filter((s) => s.gpus.includes(gpu))
  const inference = services.filter(
    (s) => s.service.runtime === 'ollama' || s.service.runtime === 'llama-server',
  )
  const entries = inference.flatMap((s) => s.service.models.map((_, j) => modelEntry(ctx, s, j, gpu)))
  const resident = entries.filter((m) => m.resident)
  // Each runner's --fit keeps its margin free on the GPU; runners share that free memory, so the
  // largest margin counts once (the planner's own margin when nothing runs here).
  const marginBytes = Math.max(GPU_MARGIN_BYTES, ...entries.map((m) => gpuMarginOf(m.settings)))
  const residentBytes = resident.reduce((sum, m) => sum + m.totalBytes, 0) + marginBytes
  const summary: GpuSummary = {
    node: gpu.node.id,
    address: gpu.device.address,
    name: gpu.model.name,
    owner,
    vramBytes: gpu.model.vramBytes,
    resident,
    onDemand: entries.filter((m) => !m.resident),
    finetune: null,
    marginBytes,
    residentBytes,
    freeBytes: gpu.model.vramBytes - residentBytes,
  }
  const maxLoaded = inference.map(maxLoadedOf).find((x) => x !== null) ?? null
  const findings = [
    ...residentFindings(gpu, summary),
    ...maxLoadedFindings(inference),
    ...summary.onDemand.map((m) => onDemandFinding(gpu, summary, m, maxLoaded)),
    ...finetuneOf(ctx, services, gpu, summary),
  ]
  return { summary, findings }
}
