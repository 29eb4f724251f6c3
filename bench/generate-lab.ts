/**
 * A generated lab architecture over the real catalog: `guests` containers spread over the
 * nodes, each with a disk and an Ollama service of `modelsPerGuest` on-demand models on the
 * host GPU, every fourth guest reading a shared dataset. Sizes scale the planner's work in
 * guests and models without changing its kind.
 */
import type { Catalog } from '../api/src/domain/catalog/catalog.ts'
import { ArchitectureSchema, type Architecture } from '../api/src/domain/lab/schemas.ts'

const GIB = 2 ** 30

export function generateLab(catalog: Catalog, guests: number, modelsPerGuest: number): Architecture {
  // Models that take the generated contexts (up to 6,144 tokens): embedding models stop at 512.
  const tags = catalog.llmModels
    .filter((m) => m.maxContextLength >= 8192)
    .flatMap((m) => m.ollamaTags.map((t) => t.tag))
    .filter((t) => !/70b|72b/.test(t))
  const nodes = catalog.nodes.filter((n) => n.storage.length > 0)
  const list = Array.from({ length: guests }, (_, i) => {
    const node = nodes[i % nodes.length]!
    return {
      guest: {
        node: node.id,
        vmid: 1000 + i,
        name: `ct-${i}`,
        kind: 'ct' as const,
        memoryBytes: 2 * GIB,
        cores: 1,
        disks: [{ name: 'root', on: node.storage[0]!.id, sizeBytes: 8e9, purpose: 'vm-disk' as const }],
      },
      service: {
        name: `ollama-${i}`,
        runsOn: `ct-${i}`,
        runtime: 'ollama' as const,
        modelStore: { on: `ct-${i}/root`, sizeBytes: 4e9 },
        models: Array.from({ length: modelsPerGuest }, (_, j) => ({
          model: tags[(i * modelsPerGuest + j) % tags.length]!,
          contextLength: 2048 * (1 + (j % 3)),
        })),
      },
    }
  })
  return ArchitectureSchema.parse({
    guests: list.map((x) => x.guest),
    services: list.map((x) => x.service),
    datasets: [
      {
        name: 'shared',
        sizeBytes: 1e9,
        on: nodes[0]!.storage[0]!.id,
        readBy: list.filter((_, i) => i % 4 === 0).map((x) => x.guest.name),
      },
    ],
  })
}
