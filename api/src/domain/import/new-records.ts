/**
 * Catalog records for what the host reports and the catalog lacks: a device, an IOMMU group,
 * a whole node. Facts from the host are `imported`; what the import cannot know is null or
 * "unknown", marked `inferred` with the reason, so nobody mistakes a gap for a measurement.
 */
import type { Catalog } from '../catalog/catalog.ts'
import { slotOf } from '../catalog/lookup.ts'
import type { FactProvenance } from '../catalog/provenance.ts'
import { unknownPlatform } from '../catalog/schemas.ts'
import { namesFor, type PciNames } from './pci-names.ts'
import { isDisplayClass, roleFor } from './roles.ts'
import type { HostDevice } from './schemas.ts'

const NOT_IN_IMPORT = 'docs/research/host-formats.md (what each format carries)'
const MEASURE_ON_HOST = 'docs/research/host-formats.md (commands to run on a host)'

/** `suffix`: the import date the command line adds, e.g. " (imported 2026-11-29)". */
export function imported(sources: string | readonly string[], suffix = ''): FactProvenance {
  return { status: 'imported', source: [sources].flat().join('; ') + suffix }
}

function notReported(field: string): FactProvenance {
  return { status: 'inferred', reason: `the imported formats do not report ${field}`, source: NOT_IN_IMPORT }
}

type Complete = HostDevice & { vendorDevice: string; classCode: string }

/** Why a host device cannot become a record, or null when it can. */
export function incompleteReason(h: HostDevice): string | null {
  if (h.vendorDevice === undefined || h.classCode === undefined) {
    return `${h.sources.join('; ')} gives no vendor:device or class: add lspci -nnk or pvesh output for it`
  }
  return null
}

export interface RecordContext {
  names: readonly PciNames[]
  models: Pick<Catalog, 'gpuModels' | 'nicModels'>
  /** Every host device, to see which slots hold a GPU. */
  host: readonly HostDevice[]
  /** Appended once to each provenance source. */
  suffix: string
}

/** A device record as data/nodes/*.yaml writes it (defaults left out). */
export function newDeviceRecord(h: Complete, ctx: RecordContext): Record<string, unknown> {
  const { vendorName, name } = namesFor(h, ctx.names)
  const slot = slotOf(h)
  const slotHasGpu = ctx.host.some((o) => o.address.startsWith(`${slot}.`) && isDisplayClass(o.classCode))
  const fields: Record<string, FactProvenance> = {}
  if (h.subsystem === undefined) fields.subsystem = notReported('the subsystem')
  if (h.driver === undefined) fields.driver = notReported('the driver')
  if (h.iommuGroup === undefined)
    fields.iommuGroup = {
      status: 'inferred',
      reason: 'no IOMMU group in the imported text: -1 until a group listing is imported',
      source: NOT_IN_IMPORT,
    }
  fields.role = {
    status: 'inferred',
    reason: `from PCI class ${h.classCode}${slotHasGpu ? ' in a GPU slot' : ''}`,
    source: 'pci.ids class codes',
  }
  const model = uniqueModel(h.vendorDevice, ctx.models)
  if (model)
    fields.hardwareModel = {
      status: 'inferred',
      reason: `the only catalog model with PCI ID ${h.vendorDevice}`,
      source: model.file,
    }
  return {
    address: h.address,
    label: name,
    vendorName,
    name,
    vendorDevice: h.vendorDevice,
    subsystem: h.subsystem ?? null,
    classCode: h.classCode,
    iommuGroup: h.iommuGroup ?? -1,
    driver: h.driver ?? null,
    role: roleFor(h.classCode, slotHasGpu),
    ...(h.upstreamBridge ? { upstreamBridge: h.upstreamBridge } : {}),
    ...(model ? { hardwareModel: model.slug } : {}),
    provenance: { default: imported(h.sources, ctx.suffix), fields },
  }
}

/** GPUs and NICs only: one drive controller ID covers every capacity (SN850X 1/2/4 TB). */
function uniqueModel(pciId: string, models: RecordContext['models']): { slug: string; file: string } | null {
  const hits = [
    ...models.gpuModels
      .filter((m) => m.pciId === pciId)
      .map((m) => ({ slug: m.slug, file: `data/hardware/gpus/${m.slug}.yaml` })),
    ...models.nicModels
      .filter((m) => m.pciId === pciId)
      .map((m) => ({ slug: m.slug, file: `data/hardware/nics/${m.slug}.yaml` })),
  ]
  return hits.length === 1 ? hits[0]! : null
}

export function newGroupRecord(id: number, source: string): Record<string, unknown> {
  return { id, provenance: { default: imported(source) } }
}

/** A node the catalog does not have: only what the import knows, the platform left unknown. */
export function newNodeRecord(id: string, source: string, deviceCount: number): Record<string, unknown> {
  const unknown: FactProvenance = {
    status: 'inferred',
    reason: 'not in the import; measure on the host',
    source: MEASURE_ON_HOST,
  }
  return {
    id,
    name: id.toUpperCase(),
    summary: `Imported from host output (${deviceCount} PCI functions); describe the node here.`,
    provenance: { default: imported(source) },
    platform: unknownPlatform({ default: unknown }),
    iommuGroups: [],
    devices: [],
  }
}
