/**
 * Requests heavier than the documented examples: the VRAM planner ranking every library card
 * ("targets": "library") for the largest registry model, through the route and as the pure
 * function. The answer must stay inside a Workers request's CPU budget.
 */
import type { Catalog } from '../../api/src/domain/catalog/catalog.ts'
import { planVramFit } from '../../api/src/domain/vram/plan-vram-fit.ts'
import { VramFitRequestSchema } from '../../api/src/domain/vram/schemas.ts'
import { appCall, rate, type Rate } from './in-process.ts'

type RequestApp = Parameters<typeof appCall>[0]

export async function heaviestRates(
  app: RequestApp,
  catalog: Catalog,
  millis: number,
  step: (line: string) => void,
): Promise<Record<string, Rate>> {
  const largest = [...catalog.llmModels].sort((a, b) => b.parametersBillions - a.parametersBillions)[0]!
  const node = catalog.nodes[0]?.id
  const cases: [string, unknown][] = [
    [`targets "library" (${catalog.gpuModels.length} cards, no node)`, 'library'],
    ...(node
      ? [[`targets {"library": {"node": "${node}"}}`, { library: { node } }] as [string, unknown]]
      : []),
  ]
  const out: Record<string, Rate> = {}
  for (const [what, targets] of cases) {
    const body = { model: largest.id, contextLength: 8192, targets }
    out[`POST vram-fit ${largest.id}, ${what}`] = await rate(
      appCall(app, '/api/v1/plan/vram-fit', JSON.stringify(body)),
      millis,
    )
    out[`planVramFit() ${largest.id}, ${what}`] = await rate(
      () => planVramFit(VramFitRequestSchema.parse(body), catalog),
      millis,
    )
  }
  for (const [name, r] of Object.entries(out)) step(`  ${name}: ${r.microsPerCall} µs per call`)
  return out
}
