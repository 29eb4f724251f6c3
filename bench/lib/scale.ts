/**
 * How cost grows with the catalog: the same calls against apps built over generated catalogs
 * of 10, 50 and 200 nodes. "Per-node cost ratio" = (cost per node at the largest size) ÷
 * (cost per node at the smallest): ≤ 1 means the cost grows at most linearly.
 */
import { createApp } from '../../api/src/app.ts'
import type { Catalog } from '../../api/src/domain/catalog/catalog.ts'
import { ArchitectureSchema } from '../../api/src/domain/lab/schemas.ts'
import { deviceCount, generateCatalog } from '../generate-catalog.ts'
import { appCall, rate } from './in-process.ts'
import type { PlannerCall } from './operations.ts'

export interface ScalePoint {
  nodes: number
  devices: number
  microsPerCall: number
}
export interface ScaleSeries {
  call: string
  points: ScalePoint[]
  perNodeCostRatio: number
  growthExponent: number
}

export const SCALE_SIZES = [10, 50, 200]
export const DEVICES_PER_NODE = 50
export const SCALE_SEED = 20_260_801
const ROUNDS = 3

export function scaleCatalogs(base: Catalog): Catalog[] {
  return SCALE_SIZES.map((nodes) =>
    generateCatalog(base, { nodes, devicesPerNode: DEVICES_PER_NODE, seed: SCALE_SEED }),
  )
}

export async function scaleSeries(
  catalogs: Catalog[],
  gets: string[],
  planners: PlannerCall[],
  millis: number,
  progress: (line: string) => void,
): Promise<ScaleSeries[]> {
  // A generated catalog has no documented architecture: the lab routes see an empty one.
  const apps = catalogs.map((c) => createApp(c, ArchitectureSchema.parse({})))
  const targets = [
    ...gets.map((path) => ({ call: `GET ${path}`, path, body: undefined as string | undefined })),
    ...planners.map((p) => ({ call: `POST ${p.path}`, path: p.path, body: p.body })),
  ]
  const series: ScaleSeries[] = []
  for (const target of targets) {
    const points: ScalePoint[] = []
    // Best of ROUNDS interleaved samples per size: on a shared machine the minimum is the
    // figure least distorted by other processes and by GC pauses that land in one sample.
    const best = apps.map(() => Number.POSITIVE_INFINITY)
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, app] of apps.entries()) {
        const r = await rate(appCall(app, target.path, target.body), millis / ROUNDS)
        best[i] = Math.min(best[i]!, r.microsPerCall)
      }
    }
    catalogs.forEach((catalog, i) =>
      points.push({ nodes: catalog.nodes.length, devices: deviceCount(catalog), microsPerCall: best[i]! }),
    )
    const first = points[0]!
    const last = points[points.length - 1]!
    const perNodeCostRatio = round(last.microsPerCall / last.nodes / (first.microsPerCall / first.nodes))
    const growthExponent = round(
      Math.log(last.microsPerCall / first.microsPerCall) / Math.log(last.nodes / first.nodes),
    )
    series.push({ call: target.call, points, perNodeCostRatio, growthExponent })
    progress(
      `  ${target.call}: ${points.map((p) => `${p.nodes} nodes ${p.microsPerCall} µs`).join(', ')} ` +
        `→ per-node ratio ${perNodeCostRatio}, exponent ${growthExponent}`,
    )
  }
  return series
}

const round = (x: number) => Math.round(x * 100) / 100
