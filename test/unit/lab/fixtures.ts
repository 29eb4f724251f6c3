/** The catalog and documented architecture of data/, and helpers to vary them in tests. */
import { loadArchitecture, loadCatalog } from '../../../api/scripts/load-catalog.ts'
import { applyChanges, type PatchOperation } from '../../../api/src/domain/lab/changes.ts'
import { planLab } from '../../../api/src/domain/lab/plan-lab.ts'
import type { Architecture, ArchitectureInput } from '../../../api/src/domain/lab/schemas.ts'
import { ArchitectureSchema } from '../../../api/src/domain/lab/schemas.ts'
import type { Catalog } from '../../../api/src/domain/catalog/catalog.ts'
import { strictSchema } from '../../../api/src/http/strict.ts'

export const catalog = loadCatalog('data')
export const seed = loadArchitecture(catalog, 'data')
export const GIB = 2 ** 30
export const MIB = 2 ** 20

// Indices of the documented architecture (files in name order: caraxes, then meraxes).
export const AI_DEV = 0
export const OLLAMA_DEV = 0
export const OLLAMA_PROD = 2
export const FINETUNE = 4
export const CORPUS = 0

/** As the API parses a patched document: strictly. */
export const STRICT_ARCHITECTURE = strictSchema(ArchitectureSchema)
export const patched = (...ops: PatchOperation[]): Architecture =>
  applyChanges(seed, ops, STRICT_ARCHITECTURE)
export const plan = (arch: Architecture, cat: Catalog = catalog) => planLab(arch, cat)
export const parse = (doc: ArchitectureInput): Architecture => ArchitectureSchema.parse(doc)

/** The catalog with one node's RAM recorded (the seed's nodes have none). */
export function withRam(node: string, bytes: number): Catalog {
  return {
    ...catalog,
    nodes: catalog.nodes.map((n) =>
      n.id === node ? { ...n, platform: { ...n.platform, hostMemoryBytes: bytes } } : n,
    ),
  }
}

export const rules = (arch: Architecture, cat: Catalog = catalog) =>
  plan(arch, cat).findings.map((f) => `${f.severity} ${f.source.rule} ${f.pointer}`)

export const vm = (node: string, vmid: number, name: string, devices: string[], memoryBytes = 8 * GIB) => ({
  node,
  vmid,
  name,
  kind: 'vm' as const,
  memoryBytes,
  cores: 2,
  devices,
  disks: [],
})
