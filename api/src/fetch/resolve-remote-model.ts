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

type ModelField = VramFitRequest['model']

interface Fetched {
  model: ModelField
  /** The registry manifest's projector layer, when the model came from one. */
  projectorBytes: number | null
}

/** One model field (`/model` or `/draft`): fetched when it names a URL or a registry tag we lack. */
async function fetchModel(
  m: ModelField,
  models: readonly LlmModel[],
  deps: RemoteDeps,
  pointer: string,
): Promise<Fetched> {
  if (typeof m === 'object' && !('layers' in m) && m.url !== undefined) {
    const gguf = await readGgufHeader(m.url, new GuardedFetch(deps.policy, deps.fetch, `${pointer}/url`))
    return { model: { gguf, ...(m.name ? { name: m.name } : {}) }, projectorBytes: null }
  }
  const ref = typeof m === 'string' && !inRegistry(models, m) ? registryRef(m) : null
  // Not a registry name: the planner answers 404 with the nearest ids.
  if (!ref) return { model: m, projectorBytes: null }
  const g = new GuardedFetch(deps.policy, deps.fetch, pointer)
  const blob = await resolveRegistryModel(ref, g)
  return {
    model: { gguf: await readGgufHeader(blob.url, g), name: m as string },
    projectorBytes: blob.projectorBytes,
  }
}

async function fetchProjector(
  req: VramFitRequest,
  deps: RemoteDeps,
  fromManifest: number | null,
): Promise<VramFitRequest['projector']> {
  const p = req.projector
  if (p?.url !== undefined)
    return {
      gguf: await readGgufHeader(p.url, new GuardedFetch(deps.policy, deps.fetch, '/projector/url')),
      offload: p.offload,
    }
  if (p || fromManifest === null) return p
  // Ollama loads a model's projector layer with it: count it as the runtime does.
  return { weightsBytes: fromManifest, source: 'the projector layer of the registry manifest', offload: true }
}

export async function resolveRemoteModel(
  req: VramFitRequest,
  models: readonly LlmModel[],
  deps: RemoteDeps,
): Promise<VramFitRequest> {
  const model = await fetchModel(req.model, models, deps, '/model')
  const draft =
    req.draft === undefined ? undefined : (await fetchModel(req.draft, models, deps, '/draft')).model
  const projector = await fetchProjector(req, deps, model.projectorBytes)
  if (model.model === req.model && draft === req.draft && projector === req.projector) return req
  return {
    ...req,
    model: model.model,
    ...(draft === undefined ? {} : { draft }),
    ...(projector === undefined ? {} : { projector }),
  }
}
