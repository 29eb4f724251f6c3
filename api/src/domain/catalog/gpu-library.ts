/** The GPU reference library (catalog.gpuModels): lookups and the filters of GET /api/v1/gpus. */
import { PlanInputError } from '../plan-input-error.ts'
import type { Catalog } from './catalog.ts'
import type { GpuBackend, GpuSegment, GpuVendor } from './gpu-schemas.ts'
import { nearest } from './lookup.ts'
import type { GpuModel } from './schemas.ts'

/** The library card a request names (slug, any case), or a not-found error with the nearest slugs. */
export function requireLibraryGpu(catalog: Catalog, slug: string, pointer: string): GpuModel {
  const wanted = slug.trim().toLowerCase()
  const gpu = catalog.gpuModels.find((g) => g.slug === wanted)
  if (gpu) return gpu
  const close = nearest(
    wanted,
    catalog.gpuModels.map((g) => g.slug),
  )
  const count = catalog.gpuModels.length
  throw new PlanInputError(
    'not-found',
    pointer,
    `No GPU "${slug}" in the library (GET /api/v1/gpus lists ${count}). Nearest: ${close.join(', ')}.`,
  )
}

/**
 * The filters of GET /api/v1/gpus and of a `{"library": {…}}` VRAM target, named as both spell
 * them; an absent filter keeps every card, several values match any of them.
 */
export interface GpuFilter {
  vendor?: GpuVendor[] | undefined
  /** Cards that run any of these backends. */
  backend?: GpuBackend[] | undefined
  segment?: GpuSegment[] | undefined
  minVramBytes?: number | undefined
}

/** The cards matching every given filter, ordered by slug (ASCII, so no locale collation). */
export function filterGpus(gpus: readonly GpuModel[], f: GpuFilter): GpuModel[] {
  return gpus
    .filter((g) => f.vendor?.includes(g.vendor) ?? true)
    .filter((g) => f.backend?.some((b) => g.backends.includes(b)) ?? true)
    .filter((g) => f.segment?.includes(g.segment) ?? true)
    .filter((g) => g.vramBytes >= (f.minVramBytes ?? 0))
    .sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0))
}
