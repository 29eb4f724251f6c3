/**
 * Collects the disks a request declares behind an HBA (request-level and per item) into one map
 * by storage id, so every item plans against the same pool. Unknown ids are 404s, disks declared
 * for an NVMe drive or two different declarations for one HBA are 422s, each naming the field.
 */
import type { Catalog } from '../catalog/catalog.ts'
import { PlanInputError } from '../plan-input-error.ts'
import type { DeclaredDisks, StoragePlanRequest } from './schemas.ts'

function resolveId(catalog: Catalog, d: DeclaredDisks, pointer: string): string {
  const all = catalog.nodes.flatMap((n) => n.storage)
  const hbas = all.filter((s) => s.attachment === 'hba')
  if (d.storageId === undefined) {
    if (hbas.length === 1) return hbas[0]!.id
    throw new PlanInputError(
      'invalid',
      `${pointer}/storageId`,
      `storageId is required: the lab has ${hbas.length} HBA storage entries ` +
        `(${hbas.map((h) => h.id).join(', ') || 'none'})`,
    )
  }
  const entry = all.find((s) => s.id === d.storageId)
  if (!entry) {
    throw new PlanInputError(
      'not-found',
      `${pointer}/storageId`,
      `No storage "${d.storageId}". HBA storage: ${hbas.map((h) => h.id).join(', ') || 'none'}.`,
    )
  }
  if (entry.attachment !== 'hba') {
    throw new PlanInputError(
      'invalid',
      `${pointer}/storageId`,
      `${d.storageId} is an NVMe drive of known model; ` +
        `declaredDisks describe disks behind an HBA (${hbas.map((h) => h.id).join(', ')})`,
    )
  }
  return entry.id
}

const same = (a: DeclaredDisks, b: DeclaredDisks) =>
  JSON.stringify({ ...a, storageId: undefined }) === JSON.stringify({ ...b, storageId: undefined })

export function collectDeclaredDisks(
  catalog: Catalog,
  request: StoragePlanRequest,
): Map<string, DeclaredDisks> {
  const listed = [
    ...(request.declaredDisks ?? []).map((d, j) => ({ d, pointer: `/declaredDisks/${j}` })),
    ...request.items.flatMap((item, i) =>
      (item.declaredDisks ?? []).map((d, j) => ({ d, pointer: `/items/${i}/declaredDisks/${j}` })),
    ),
  ]
  const map = new Map<string, DeclaredDisks>()
  for (const { d, pointer } of listed) {
    const id = resolveId(catalog, d, pointer)
    const before = map.get(id)
    if (before && !same(before, d)) {
      throw new PlanInputError(
        'invalid',
        pointer,
        `${id} is declared twice with different disks; declare it once (top-level declaredDisks)`,
      )
    }
    map.set(id, { ...d, storageId: id })
  }
  return map
}
