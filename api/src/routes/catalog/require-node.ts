import type { Catalog } from '../../domain/catalog/catalog.ts'
import { findNode, nearest } from '../../domain/catalog/lookup.ts'
import type { NodeRecord } from '../../domain/catalog/schemas.ts'
import { ProblemError } from '../../http/problem.ts'

/** The node named in a request, or a 404 that lists the nodes that exist. */
export function requireNode(catalog: Catalog, id: string, pointer = '/node', where: 'path' | 'query' | 'body' = 'path'): NodeRecord {
  const node = findNode(catalog, id)
  if (node) return node
  const known = catalog.nodes.map((n) => n.id)
  const hint = nearest(id, known, 1)[0]
  throw new ProblemError('not-found', `No node "${id}". Known nodes: ${known.join(', ')}${hint ? ` (did you mean "${hint}"?)` : ''}.`, [
    { in: where, pointer, detail: `expected one of: ${known.join(', ')}` },
  ])
}
