/** Shared helpers for the catalog tests. */
import { CatalogError, loadCatalog } from '../../../api/scripts/load-catalog.ts'

/** The problems loadCatalog reports for `dir`, or none when it loads. */
export function problemsOf(dir: string): string[] {
  try {
    loadCatalog(dir)
  } catch (err) {
    if (err instanceof CatalogError) return err.problems
    throw err
  }
  return []
}
