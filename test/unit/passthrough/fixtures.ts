/** Small fixture catalogs: the committed data, cloned and edited in the test that needs them. */
import { loadCatalog } from '../../../api/scripts/load-catalog.ts'
import type { Catalog } from '../../../api/src/domain/catalog/catalog.ts'
import type { NodeRecord, PciDevice } from '../../../api/src/domain/catalog/schemas.ts'
import type { CheckId, CheckResult } from '../../../api/src/domain/passthrough/schemas.ts'

export const SEED = loadCatalog('data')

export function fixture(edit: (c: Catalog) => void): Catalog {
  const c = structuredClone(SEED)
  edit(c)
  return c
}

export const nodeOf = (c: Catalog, id: string): NodeRecord => c.nodes.find((n) => n.id === id)!
export const deviceAt = (c: Catalog, node: string, address: string): PciDevice =>
  nodeOf(c, node).devices.find((d) => d.address === address)!

export function check(checks: readonly CheckResult[], id: CheckId): CheckResult {
  const found = checks.filter((c) => c.id === id)
  if (found.length !== 1) throw new Error(`expected one ${id}, got ${found.length}`)
  return found[0]!
}
