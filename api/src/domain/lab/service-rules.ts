/** What each runtime accepts: a field that does not apply is an error, never silently ignored. */
import { PlanInputError } from '../plan-input-error.ts'
import type { Architecture, Service } from './schemas.ts'

const invalid = (pointer: string, detail: string) => new PlanInputError('invalid', pointer, detail)

export function checkServiceShape(arch: Architecture, s: Service, pointer: string): void {
  if (s.ollama && s.runtime !== 'ollama') {
    throw invalid(`${pointer}/ollama`, `ollama settings apply to runtime ollama, not ${s.runtime}.`)
  }
  if (s.llamaServer && s.runtime !== 'llama-server') {
    throw invalid(
      `${pointer}/llamaServer`,
      `llamaServer flags apply to runtime llama-server, not ${s.runtime}.`,
    )
  }
  if (s.exclusive && s.runtime !== 'finetune') {
    throw invalid(`${pointer}/exclusive`, 'exclusive applies to finetune jobs only.')
  }
  if (s.runtime === 'openwebui') {
    if (s.models.length > 0) {
      throw invalid(
        `${pointer}/models`,
        'An openwebui front end loads no models itself: list them on its backend service.',
      )
    }
    if (s.modelStore) throw invalid(`${pointer}/modelStore`, 'An openwebui front end has no model store.')
    if (!s.backend) {
      throw invalid(
        `${pointer}/backend`,
        'An openwebui front end needs its backend: the name of an ollama or llama-server service.',
      )
    }
    const backend = arch.services.find((b) => b.name === s.backend)
    if (!backend || (backend.runtime !== 'ollama' && backend.runtime !== 'llama-server')) {
      throw invalid(
        `${pointer}/backend`,
        `No ollama or llama-server service "${s.backend}" in the architecture.`,
      )
    }
    return
  }
  if (s.backend) throw invalid(`${pointer}/backend`, 'backend applies to openwebui front ends only.')
  if (s.runtime === 'llama-server' && s.models.length !== 1) {
    throw invalid(
      `${pointer}/models`,
      `One llama-server process serves one model; this one lists ${s.models.length}. Add a service per model.`,
    )
  }
  if (s.runtime === 'finetune' && s.models.length !== 1) {
    throw invalid(`${pointer}/models`, `A finetune job trains one model; this one lists ${s.models.length}.`)
  }
  s.models.forEach((m, j) => {
    const at = `${pointer}/models/${j}`
    if (s.runtime === 'finetune') {
      if (!m.mode) throw invalid(`${at}/mode`, 'A finetune model needs its mode: full, lora or qlora.')
      if (m.resident)
        throw invalid(`${at}/resident`, 'A finetune job is not a resident model: it runs and ends.')
      for (const f of ['contextLength', 'parallel'] as const)
        if (m[f] !== undefined) {
          throw invalid(
            `${at}/${f}`,
            `${f} applies to inference; a finetune job reads sequenceLength and microBatch.`,
          )
        }
    } else {
      for (const f of ['mode', 'sequenceLength', 'microBatch'] as const)
        if (m[f] !== undefined) {
          throw invalid(`${at}/${f}`, `${f} applies to finetune jobs only.`)
        }
    }
  })
}
