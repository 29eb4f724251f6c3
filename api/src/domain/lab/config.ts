/**
 * The config bundle that realises an architecture: per node the passthrough planner's PCI
 * mappings and host files, per guest its hostpci lines and `qm set`, per AI service its Ollama
 * environment or llama-server command line, with the values the plan was computed for.
 */
import type { ConfigBundle } from './answer-schemas.ts'
import type { LabContext, LabService } from './context.ts'
import type { NodePassthrough } from './passthrough-step.ts'
import { LLAMA_SERVER_DEFAULTS, ollamaSettings, sizeModel } from './vram-step.ts'

function ollamaEnvironment(s: LabService): string[] {
  const o = ollamaSettings(s)
  const resident = s.service.models.filter((m) => m.resident).length
  const values: [string, string | number][] = [
    ['OLLAMA_MAX_LOADED_MODELS', o.maxLoadedModels],
    ['OLLAMA_NUM_PARALLEL', o.parallel],
    ['OLLAMA_KV_CACHE_TYPE', o.kvCacheType],
    ['OLLAMA_FLASH_ATTENTION', o.flashAttention ? 1 : 0],
    ['OLLAMA_CONTEXT_LENGTH', o.contextLength],
    // Resident models are kept loaded: keep_alive -1 (docs.ollama.com/faq "keep a model loaded").
    ...(resident > 0 ? [['OLLAMA_KEEP_ALIVE', -1] as [string, number]] : []),
  ]
  return values.map(([k, v]) => `Environment="${k}=${v}"`)
}

/** `llama-server` for the service's one model, every flag the plan assumed spelled out. */
function llamaServerCommand(ctx: LabContext, s: LabService): string {
  const f = s.service.llamaServer ?? {}
  const t = sizeModel(ctx, s, 0)
  const file = `${t.answer.model.id ?? s.service.models[0]!.model}-${t.answer.model.quantization}.gguf`
  const cache = f.cacheType ?? LLAMA_SERVER_DEFAULTS.kvCacheType
  return [
    'llama-server', '--model', file,
    '--ctx-size', String(t.contextLength * t.parallel), '--parallel', String(t.parallel),
    '--n-gpu-layers', String(t.answer.results[0]?.gpuLayers ?? 0),
    '--flash-attn', (f.flashAttn ?? LLAMA_SERVER_DEFAULTS.flashAttention) ? 'on' : 'off',
    '--cache-type-k', cache, '--cache-type-v', cache,
  ].join(' ')
}

export function configBundle(ctx: LabContext, passthrough: NodePassthrough[]): ConfigBundle {
  return {
    nodes: passthrough.map((np) => ({
      node: np.node.id,
      pciMapping: np.plan.vms.flatMap((vm) => (vm.proxmox.mappingCfg ? [vm.proxmox.mappingCfg] : [])),
      host: np.plan.verdict === 'blocked' ? null : np.plan.proxmox,
    })),
    guests: passthrough.flatMap((np) => np.plan.vms.map((vm) => ({ node: np.node.id, name: vm.name, hostpci: vm.proxmox.hostpci, qmSet: vm.proxmox.qmSet }))),
    services: ctx.services.flatMap((s): ConfigBundle['services'] => {
      if (s.service.runtime === 'ollama') return [{ name: s.service.name, runtime: 'ollama', environment: ollamaEnvironment(s), commandLine: null }]
      if (s.service.runtime === 'llama-server') return [{ name: s.service.name, runtime: 'llama-server', environment: [], commandLine: llamaServerCommand(ctx, s) }]
      return []
    }),
  }
}
