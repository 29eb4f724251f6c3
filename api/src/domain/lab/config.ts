/**
 * The config bundle that realises an architecture: per node the passthrough planner's PCI
 * mappings and host files, per guest its hostpci lines and `qm set`, per AI service its Ollama
 * environment or llama-server command line, with the values the plan was computed for.
 */
import type { ConfigBundle } from './answer-schemas.ts'
import type { LabContext, LabService } from './context.ts'
import type { NodePassthrough } from './passthrough-step.ts'
import { ollamaDefaultContext } from '../vram/runtimes.ts'
import { ollamaMaxLoaded, sizeModel } from './vram-step.ts'

/** The Ollama environment the plan assumed: the service's settings, else what the runtime profile applied. */
function ollamaEnvironment(ctx: LabContext, s: LabService): string[] {
  const o = s.service.ollama ?? {}
  const applied = s.service.models.length > 0 ? sizeModel(ctx, s, 0).settings : null
  const nodeVram = ctx.gpus
    .filter((g) => g.node.id === s.node.id)
    .reduce((sum, g) => sum + g.model.vramBytes, 0)
  const resident = s.service.models.filter((m) => m.resident).length
  const flashAttention = o.OLLAMA_FLASH_ATTENTION ?? applied?.flashAttention
  const values: [string, string | number][] = [
    ['OLLAMA_MAX_LOADED_MODELS', ollamaMaxLoaded(s)],
    ['OLLAMA_NUM_PARALLEL', o.OLLAMA_NUM_PARALLEL ?? applied?.parallel ?? 1],
    ['OLLAMA_KV_CACHE_TYPE', o.OLLAMA_KV_CACHE_TYPE ?? applied?.cacheTypeK ?? 'f16'],
    ...(flashAttention === undefined
      ? []
      : [['OLLAMA_FLASH_ATTENTION', flashAttention ? 1 : 0] as [string, number]]),
    // Ollama caps it at each model's trained context (runtimes.ts).
    ['OLLAMA_CONTEXT_LENGTH', o.OLLAMA_CONTEXT_LENGTH ?? ollamaDefaultContext(nodeVram)],
    // Resident models are kept loaded: keep_alive -1 (docs.ollama.com/faq "keep a model loaded").
    ...(resident > 0 ? [['OLLAMA_KEEP_ALIVE', -1] as [string, number]] : []),
  ]
  return values.map(([k, v]) => `Environment="${k}=${v}"`)
}

/** `llama-server` for the service's one model, every setting the plan assumed spelled out. */
function llamaServerCommand(ctx: LabContext, s: LabService): string {
  const t = sizeModel(ctx, s, 0)
  const file = `${t.answer.model.id ?? s.service.models[0]!.model}-${t.answer.model.quantization}.gguf`
  const a = t.settings
  const flags = a
    ? [
        '--ctx-size',
        String(a.contextLength),
        '--parallel',
        String(a.parallel),
        ...(a.kvUnified ? ['--kv-unified'] : []),
        '--n-gpu-layers',
        String(t.answer.results[0]?.gpuLayers ?? 0),
        '--ubatch-size',
        String(a.ubatch),
        '--flash-attn',
        a.flashAttention ? 'on' : 'off',
        '--cache-type-k',
        a.cacheTypeK,
        '--cache-type-v',
        a.cacheTypeV,
      ]
    : []
  return ['llama-server', '--model', file, ...flags].join(' ')
}

export function configBundle(ctx: LabContext, passthrough: NodePassthrough[]): ConfigBundle {
  return {
    nodes: passthrough.map((np) => ({
      node: np.node.id,
      pciMapping: np.plan.vms.flatMap((vm) => (vm.proxmox.mappingCfg ? [vm.proxmox.mappingCfg] : [])),
      host: np.plan.verdict === 'blocked' ? null : np.plan.proxmox,
    })),
    guests: passthrough.flatMap((np) =>
      np.plan.vms.map((vm) => ({
        node: np.node.id,
        name: vm.name,
        hostpci: vm.proxmox.hostpci,
        qmSet: vm.proxmox.qmSet,
      })),
    ),
    services: ctx.services.flatMap((s): ConfigBundle['services'] => {
      if (s.service.runtime === 'ollama')
        return [
          {
            name: s.service.name,
            runtime: 'ollama',
            environment: ollamaEnvironment(ctx, s),
            commandLine: null,
          },
        ]
      if (s.service.runtime === 'llama-server')
        return [
          {
            name: s.service.name,
            runtime: 'llama-server',
            environment: [],
            commandLine: llamaServerCommand(ctx, s),
          },
        ]
      return []
    }),
  }
}
