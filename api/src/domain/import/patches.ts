/**
 * An import is a list of edits to the node document, not a rewritten document, so the
 * command-line importer can apply the same edits to the YAML file and keep its comments,
 * layout and every fact the host did not report.
 */
export type PatchPath = (string | number)[]

export interface Patch {
  /** Where to set the value; `[]` replaces the whole document (a new node). */
  path: PatchPath
  value: unknown
}

/** Applies patches to a deep copy of `doc`; missing objects/arrays on a path are created. */
export function applyPatches(doc: unknown, patches: readonly Patch[]): unknown {
  let root: unknown = structuredClone(doc ?? {})
  for (const { path, value } of patches) {
    if (path.length === 0) {
      root = structuredClone(value)
      continue
    }
    let at = root as Record<string | number, unknown>
    path.slice(0, -1).forEach((key, i) => {
      if (typeof at[key] !== 'object' || at[key] === null) at[key] = typeof path[i + 1] === 'number' ? [] : {}
      at = at[key] as Record<string | number, unknown>
    })
    at[path.at(-1)!] = structuredClone(value)
  }
  return root
}
