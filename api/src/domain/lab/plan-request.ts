/**
 * POST /api/v1/plan/lab as a pure function: a whole architecture, or changes to the documented
 * one (then with the diff of findings). Errors point into the request body: `/architecture/…`
 * for a document, `/changes/i` (the operation that wrote there) for changes.
 */
import type { Catalog } from '../catalog/catalog.ts'
import { PlanInputError } from '../plan-input-error.ts'
import type { LabPlan, LabPlanAnswer } from './answer-schemas.ts'
import { applyChanges, changePointer, type ArchitectureParser, type LabPlanRequest } from './changes.ts'
import { diffFindings } from './diff.ts'
import { planLab } from './plan-lab.ts'
import type { Architecture } from './schemas.ts'

/** The documented architecture's plan, once per isolate: every `changes` request diffs against it. */
const documentedPlans = new WeakMap<Architecture, { catalog: Catalog; plan: LabPlan }>()

export function planDocumented(documented: Architecture, catalog: Catalog): LabPlan {
  const known = documentedPlans.get(documented)
  if (known && known.catalog === catalog) return known.plan
  const plan = planLab(documented, catalog)
  documentedPlans.set(documented, { catalog, plan })
  return plan
}

/** Moves a planner error's pointer into the request; `prefix` names the architecture pointer when the body has none. */
function rethrow(err: unknown, pointer: (p: string) => string, prefix: (p: string) => string): never {
  if (!(err instanceof PlanInputError)) throw err
  throw new PlanInputError('invalid', pointer(err.pointer), `${prefix(err.pointer)}${err.message}`)
}

/** `schema` parses the document `changes` make (see applyChanges). */
export function planLabRequest(
  request: LabPlanRequest,
  documented: Architecture,
  catalog: Catalog,
  schema: ArchitectureParser,
): LabPlanAnswer {
  if (request.architecture) {
    const architecture = request.architecture
    try {
      return { ...planLab(architecture, catalog), architecture }
    } catch (err) {
      rethrow(
        err,
        (p) => `/architecture${p}`,
        () => '',
      )
    }
  }
  const changes = request.changes!
  const architecture = applyChanges(documented, changes, schema)
  const before = planDocumented(documented, catalog)
  try {
    const after = planLab(architecture, catalog)
    return { ...after, architecture, diff: diffFindings(before.findings, after.findings) }
  } catch (err) {
    rethrow(
      err,
      (p) => changePointer(changes, p),
      (p) => `After the changes, ${p}: `,
    )
  }
}
