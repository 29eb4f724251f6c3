/**
 * data/architecture/<node>.yaml files → one architecture document. Each file's records are
 * appended in file order, so a pointer into the document maps back to its file and index.
 */
import { ArchitectureSchema, type Architecture, type ArchitectureFile } from './schemas.ts'

export interface ArchitectureOrigin {
  /** For each list of the document, the file and index inside it of every entry. */
  guests: { file: string; index: number }[]
  services: { file: string; index: number }[]
  datasets: { file: string; index: number }[]
  nodes: { file: string; index: number }[]
}

export function mergeArchitectureFiles(files: readonly { file: string; record: ArchitectureFile }[]): {
  architecture: Architecture
  origin: ArchitectureOrigin
} {
  const origin: ArchitectureOrigin = { guests: [], services: [], datasets: [], nodes: [] }
  const track = <T>(list: 'guests' | 'services' | 'datasets', file: string, items: T[]) => {
    items.forEach((_, index) => origin[list].push({ file, index }))
    return items
  }
  const doc = {
    nodes: files.map(({ file, record }) => {
      origin.nodes.push({ file, index: 0 })
      return {
        node: record.node,
        hostReserveBytes: record.hostReserveBytes,
        leftOut: record.leftOut,
        provenance: record.provenance,
      }
    }),
    guests: files.flatMap(({ file, record }) =>
      track(
        'guests',
        file,
        record.guests.map((g) => ({ node: record.node, ...g })),
      ),
    ),
    services: files.flatMap(({ file, record }) => track('services', file, record.services)),
    datasets: files.flatMap(({ file, record }) => track('datasets', file, record.datasets)),
  }
  return { architecture: ArchitectureSchema.parse(doc), origin }
}

/** `/guests/3/devices/0` → `caraxes.yaml`, `guests[1].devices[0]`. */
export function locatePointer(
  origin: ArchitectureOrigin,
  pointer: string,
): { file: string; path: string } | null {
  const [, list, index, ...rest] = pointer.split('/')
  if (!(list === 'guests' || list === 'services' || list === 'datasets' || list === 'nodes')) return null
  const at = origin[list][Number(index)]
  if (!at) return null
  const head = list === 'nodes' ? '' : `${list}[${at.index}]`
  const tail = rest.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('')
  return { file: at.file, path: (head + tail).replace(/^\./, '') || '(whole file)' }
}
