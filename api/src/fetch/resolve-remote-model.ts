/**
 * The edge step of POST /plan/vram-fit: a model named by URL, by `hf.co/…` or by an Ollama tag
 * the registry does not hold is fetched here (GGUF header only) and handed to the pure planner
 * as `model.gguf`. Everything else passes through untouched.
 */
import { PlanInputError } from '../domain/plan-input-error.ts'
import type { LlmModel } from '../domain/vram/model-schemas.ts'
import { findModel } from '../domain/vram/resolve-model.ts'
import type { VramFitRequest } from '../domain/vram/schemas.ts'
import type { FetchPolicy } from './fetch-policy.ts'
import { readGgufHeader } from './gguf-header.ts'
import { GuardedFetch, type FetchLike } from './guarded-fetch.ts'
import { registryRef, resolveRegistryModel } from './registry.ts'

export interface RemoteDeps {
  policy: FetchPolicy
  fetch: FetchLike
}

function inRegistry(models: readonly LlmModel[], name: string): boolean {
  try {
    findModel(models, name)
    return true
  } catch (err) {
    if (err instanceof PlanInputError) return false
    throw err
  }
}

export async function resolveRemoteModel(req: VramFitRequest, models: readonly LlmModel[], deps: RemoteDeps): Promise<VramFitRequest> {
  const m = req.model
  if (typeof m === 'object' && !('layers' in m) && m.url !== undefined) {
    const gguf = await readGgufHeader(m.url, new GuardedFetch(deps.policy, deps.fetch, '/model/url'))
    return { ...req, model: { gguf, ...(m.name ? { name: m.name } : {}) } }
  }
  if (typeof m !== 'string' || inRegistry(models, m)) return req
  const ref = registryRef(m)
  if (!ref) return req // not a registry name: the planner answers 404 with the nearest ids
  const g = new GuardedFetch(deps.policy, deps.fetch, '/model')
  const blob = await resolveRegistryModel(ref, g)
  return { ...req, model: { gguf: await readGgufHeader(blob.url, g), name: m } }
}
