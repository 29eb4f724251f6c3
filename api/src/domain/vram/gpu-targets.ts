/**
 * What-if targets of the VRAM planner: a library card placed in a lab node (its slot caps the
 * card's PCIe link, the node's drives and host RAM price load time and CPU layers), an inline
 * card, and the whole library ranked card by card (the upgrade question).
 */
import type { Catalog } from '../catalog/catalog.ts'
import { filterGpus, requireLibraryGpu } from '../catalog/gpu-library.ts'
import type { GpuBackend } from '../catalog/gpu-schemas.ts'
import { gpuModelOf, requireNode } from '../catalog/lookup.ts'
import { unknownPlatform, type GpuModel, type NodeRecord, type PcieLink } from '../catalog/schemas.ts'
import { pcieMBps, round } from '../catalog/units.ts'
import { PlanInputError } from '../plan-input-error.ts'
import { metalWorkingSetBytes } from './backend-costs.ts'
import { GPU_BANDWIDTH_EFFICIENCY } from './throughput.ts'
import type { InlineGpu, LibraryTargets, WhatIfGpu } from './target-schemas.ts'
import type { LabGpu } from './targets.ts'

/**
 * The host of an inline card given without a node (and of library rankings): no drives, no
 * known host RAM, so load time and CPU-resident layers stay unpriced instead of guessed.
 */
export const NO_NODE: NodeRecord = {
  id: 'none',
  name: 'no node',
  summary: 'A card planned without a host: no drives, host memory bandwidth unknown.',
  platform: unknownPlatform({
    default: { status: 'inferred', source: 'POST /api/v1/plan/vram-fit targets' },
    fields: {},
  }),
  devices: [],
  iommuGroups: [],
  storage: [],
  networkInterfaces: [],
  provenance: { default: { status: 'inferred', source: 'POST /api/v1/plan/vram-fit targets' }, fields: {} },
}

const gib = (bytes: number) => round(bytes / 2 ** 30, 1)
const linkText = (l: PcieLink) => `PCIe ${l.generation}.0 x${l.lanes}`

/**
 * The GPU slot of a node: the widest link its catalogued GPUs run at. A lower bound on the slot
 * (a card negotiates down to its own link), and null on a node with no catalogued GPU.
 */
function slotLink(catalog: Catalog, node: NodeRecord): PcieLink | null {
  const links = node.devices.flatMap((d) => {
    const m = gpuModelOf(catalog, d)
    return m ? [m.pcie] : []
  })
  return links.reduce<PcieLink | null>((best, l) => (best && pcieMBps(best) >= pcieMBps(l) ? best : l), null)
}

/** A card's link in a slot: PCIe negotiates the lower generation and the narrower width. */
function linkInSlot(card: PcieLink | null, slot: PcieLink | null): PcieLink | null {
  if (!card || !slot) return card ?? slot
  return {
    generation: Math.min(card.generation, slot.generation),
    lanes: Math.min(card.lanes, slot.lanes) as PcieLink['lanes'],
  }
}

function slotNote(
  catalog: Catalog,
  node: NodeRecord,
  name: string,
  card: PcieLink | null,
): { pcie: PcieLink | null; note: string } {
  const slot = slotLink(catalog, node)
  const pcie = linkInSlot(card, slot)
  if (!slot) {
    const own = card ? `its own ${linkText(card)} assumed` : 'the GPU link is left out of the load time'
    return {
      pcie,
      note: `${name} in ${node.name}: the node has no catalogued GPU, so its slot's link is unknown; ${own}.`,
    }
  }
  const capped =
    card && pcie && (pcie.generation < card.generation || pcie.lanes < card.lanes)
      ? `, below the card's ${linkText(card)}`
      : ''
  return {
    pcie,
    note:
      `${name} in ${node.name}: assumed in the slot of its current GPU, which ` +
      `runs at ${linkText(slot)}; the card runs at ${linkText(pcie!)}${capped}.`,
  }
}

/** Decode speed is calibrated on CUDA only (throughput.ts η); say so for every other backend. */
function speedNote(name: string, backend: GpuBackend): string[] {
  if (backend === 'cuda') return []
  return [
    `${name}: tokens/s uses the bandwidth efficiency calibrated on CUDA (η = ` +
      `${GPU_BANDWIDTH_EFFICIENCY}); ${backend} is not calibrated and often decodes slower.`,
  ]
}

function libraryGpu(
  card: GpuModel,
  node: NodeRecord,
  backend: GpuBackend,
  notes: string[],
  pcie: PcieLink | null,
): LabGpu {
  return {
    node,
    model: { ...card, pcie },
    address: null,
    backend,
    hypothetical: true,
    notes: [...notes, ...speedNote(card.name, backend)],
  }
}

function chooseBackend(card: GpuModel, wanted: GpuBackend | undefined, pointer: string): GpuBackend {
  if (wanted === undefined) return card.backends[0]!
  if (card.backends.includes(wanted)) return wanted
  throw new PlanInputError(
    'invalid',
    `${pointer}/backend`,
    `${card.name} runs ${card.backends.join(', ')}, not ${wanted}.`,
  )
}

function fromLibrary(catalog: Catalog, t: WhatIfGpu, pointer: string): LabGpu {
  const card = requireLibraryGpu(catalog, t.gpu, `${pointer}/gpu`)
  const node = requireNode(catalog, t.node, `${pointer}/node`)
  const backend = chooseBackend(card, t.backend, pointer)
  const { pcie, note } = slotNote(catalog, node, card.name, card.pcie)
  return libraryGpu(card, node, backend, [note, ...card.notes.map((n) => `${card.name}: ${n}`)], pcie)
}

function inlineCard(catalog: Catalog, t: InlineGpu, pointer: string): LabGpu {
  const name = t.name ?? `inline ${gib(t.vramBytes)} GiB ${t.backend} GPU`
  const base = {
    slug: 'inline',
    name,
    memoryBandwidthGBps: t.memoryBandwidthGBps,
    computeCapability: null,
    supportsBf16: false,
    supportsFlashAttention2: false,
  }
  const notes = [
    `${name}: BF16 and FlashAttention-2 support unknown; fine-tuning plans assume neither.`,
    ...speedNote(name, t.backend),
  ]
  if (t.backend === 'metal') {
    for (const field of ['node', 'pcie'] as const) {
      if (t[field] !== undefined)
        throw new PlanInputError(
          'invalid',
          `${pointer}/${field}`,
          `A metal GPU shares unified memory with its own CPU: it has no ` +
            `${field === 'node' ? 'place in a lab node' : 'PCIe link'}; leave ${field} out.`,
        )
    }
    const usable = t.metalWorkingSetBytes ?? metalWorkingSetBytes(t.vramBytes)
    if (usable > t.vramBytes)
      throw new PlanInputError(
        'invalid',
        `${pointer}/metalWorkingSetBytes`,
        `metalWorkingSetBytes ${usable} exceeds the unified memory vramBytes ${t.vramBytes}.`,
      )
    const how =
      t.metalWorkingSetBytes === undefined
        ? `the default ${t.vramBytes > 36 * 2 ** 30 ? '3/4' : '2/3'}; raise it with sysctl iogpu.wired_limit_mb`
        : 'as given'
    notes.push(
      `${name}: Metal may wire ${gib(usable)} GiB of the ${gib(t.vramBytes)} ` +
        `GiB unified memory (recommendedMaxWorkingSetSize, ${how}).`,
    )
    return {
      node: NO_NODE,
      model: { ...base, vramBytes: usable, pcie: null },
      address: null,
      backend: 'metal',
      hypothetical: true,
      notes,
    }
  }
  if (t.metalWorkingSetBytes !== undefined) {
    throw new PlanInputError(
      'invalid',
      `${pointer}/metalWorkingSetBytes`,
      `metalWorkingSetBytes applies to backend metal only, not ${t.backend}; leave it out.`,
    )
  }
  if (t.node === undefined) {
    notes.push(
      `${name}: no node given, so no drive prices the load time and ` +
        `layers left on the CPU have no host bandwidth; add "node".`,
    )
    return {
      node: NO_NODE,
      model: { ...base, vramBytes: t.vramBytes, pcie: t.pcie ?? null },
      address: null,
      backend: t.backend,
      hypothetical: true,
      notes,
    }
  }
  const node = requireNode(catalog, t.node, `${pointer}/node`)
  const { pcie, note } = slotNote(catalog, node, name, t.pcie ?? null)
  return {
    node,
    model: { ...base, vramBytes: t.vramBytes, pcie },
    address: null,
    backend: t.backend,
    hypothetical: true,
    notes: [...notes, note],
  }
}

/** One `targets` entry that is not a lab id: a library card in a node, or an inline card. */
export function whatIfGpu(catalog: Catalog, t: WhatIfGpu | InlineGpu, index: number): LabGpu {
  const pointer = `/targets/${index}`
  return 'gpu' in t ? fromLibrary(catalog, t, pointer) : inlineCard(catalog, t, pointer)
}

/**
 * Every library card alone (the upgrade question): all of them for "library", in no node; or
 * the cards an object's filters keep, in its node when it names one. A card runs the first of
 * its backends the filter lists (its own first without a backend filter).
 */
export function librarySets(catalog: Catalog, targets: 'library' | LibraryTargets): LabGpu[][] {
  const options = targets === 'library' ? {} : targets.library
  const cards = filterGpus(catalog.gpuModels, options)
  if (cards.length === 0)
    throw new PlanInputError(
      'invalid',
      '/targets/library',
      'No library card matches these filters (GET /api/v1/gpus takes the same ones).',
    )
  const node =
    options.node === undefined ? NO_NODE : requireNode(catalog, options.node, '/targets/library/node')
  return cards.map((card) => {
    const backend = card.backends.find((b) => options.backend?.includes(b) ?? true)!
    if (node === NO_NODE) return [libraryGpu(card, node, backend, [], card.pcie)]
    const { pcie, note } = slotNote(catalog, node, card.name, card.pcie)
    return [libraryGpu(card, node, backend, [note], pcie)]
  })
}
