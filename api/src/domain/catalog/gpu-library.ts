/** The GPU reference library (catalog.gpuModels): lookups and the filters of GET /api/v1/gpus. */
import { PlanInputError } from '../plan-input-error.ts'
import type { Catalog } from './catalog.ts'
import type { GpuBackend } from './gpu-schemas.ts'
import { nearest } from './lookup.ts'
import type { GpuModel } from './schemas.ts'

/** The library card a request names (slug, any case), or a not-found error with the nearest slugs. */
export function requireLibraryGpu(catalog: Catalog, slug: string, pointer: string): GpuModel {
  const wanted = slug.trim().toLowerCase()
  const gpu = catalog.gpuModels.find((g) => g.slug === wanted)
  if (gpu) return gpu
  const close = nearest(wanted, catalog.gpuModels.map((g) => g.slug))
  throw new PlanInputError('not-found', pointer, `No GPU "${slug}" in the library (GET /api/v1/gpus lists ${catalog.gpuModels.length}). Nearest: ${close.join(', ')}.`)
}

interface GpuFilter {
  /** Any of these vendors (case-insensitive); empty = all. */
  vendors: string[]
  /** Cards that run any of these backends; empty = all. */
  backends: GpuBackend[]
  segments: GpuModel['segment'][]
  minVramBytes: number | null
}

/** The cards matching every given filter, ordered by slug (ASCII, so no locale collation). */
export function filterGpus(gpus: readonly GpuModel[], f: GpuFilter): GpuModel[] {
  const vendors = f.vendors.map((v) => v.toLowerCase())
  return gpus
    .filter((g) => vendors.length === 0 || vendors.includes(g.vendor.toLowerCase()))
    .filter((g) => f.backends.length === 0 || g.backends.some((b) => f.backends.includes(b)))
    .filter((g) => f.segments.length === 0 || f.segments.includes(g.segment))
    .filter((g) => f.minVramBytes === null || g.vramBytes >= f.minVramBytes)
    .sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0))
}
