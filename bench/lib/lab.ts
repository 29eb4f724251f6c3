/**
 * The lab planner: planLab on the documented architecture (pure), and on generated labs of
 * growing size to show its cost is linear in guests and models.
 */
import type { Catalog } from '../../api/src/domain/catalog/catalog.ts'
import { planLab } from '../../api/src/domain/lab/plan-lab.ts'
import type { Architecture } from '../../api/src/domain/lab/schemas.ts'
import { generateLab } from '../generate-lab.ts'
import { rate, type Rate } from './in-process.ts'

const LAB_SIZES = [
  [10, 4],
  [25, 4],
  [50, 4],
] as const

export interface LabBench {
  seed: Rate
  generated: { guests: number; models: number; microsPerCall: number; microsPerGuestAndModel: number }[]
  growthExponent: number
}

export async function labRates(
  catalog: Catalog,
  seed: Architecture,
  millis: number,
  step: (line: string) => void,
): Promise<LabBench> {
  const seedRate = await rate(() => planLab(seed, catalog), millis)
  step(
    `  domain planLab() on the documented architecture: ` +
      `${seedRate.callsPerSecond} calls/s (${seedRate.microsPerCall} µs)`,
  )
  const generated = []
  for (const [guests, perGuest] of LAB_SIZES) {
    const arch = generateLab(catalog, guests, perGuest)
    const r = await rate(() => planLab(arch, catalog), millis)
    const models = guests * perGuest
    generated.push({
      guests,
      models,
      microsPerCall: r.microsPerCall,
      microsPerGuestAndModel: Math.round(r.microsPerCall / (guests + models)),
    })
    step(`  domain planLab() on ${guests} guests, ${models} models: ${r.microsPerCall} µs`)
  }
  const first = generated[0]!
  const last = generated[generated.length - 1]!
  const growthExponent =
    Math.round(
      (Math.log(last.microsPerCall / first.microsPerCall) /
        Math.log((last.guests + last.models) / (first.guests + first.models))) *
        100,
    ) / 100
  return { seed: seedRate, generated, growthExponent }
}
