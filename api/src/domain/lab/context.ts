/**
 * Resolves an architecture against the catalog once: guests on their nodes with the PCI
 * functions they take, services with their node, guest and GPUs, storage locations. Every
 * reference the schema cannot judge (an unknown node, guest, drive, model or device, a device
 * given twice) throws PlanInputError with the JSON pointer into the architecture.
 */
import type { Catalog } from '../catalog/catalog.ts'
import { findNode, gpuModelOf, nearest, parseAddress, slotOf } from '../catalog/lookup.ts'
import type { GpuModel, NodeRecord, PciDevice, StorageDevice } from '../catalog/schemas.ts'
import { PlanInputError } from '../plan-input-error.ts'
import { resolveGuestDevices } from './passthrough-step.ts'
import type { Architecture, Guest, Service } from './schemas.ts'
import { checkServiceShape } from './service-rules.ts'

export interface LabGuest {
  guest: Guest
  index: number
  pointer: string
  node: NodeRecord
  /** Every PCI function the guest takes (whole slots expanded), with the selector's pointer. */
  functions: { device: PciDevice; pointer: string }[]
}

export interface LabGpu {
  node: NodeRecord
  device: PciDevice & { address: string }
  model: GpuModel
}

export interface LabService {
  service: Service
  index: number
  pointer: string
  node: NodeRecord
  guest: LabGuest | null
  gpus: LabGpu[]
}

/** Where a disk, dataset or model store lives: a catalog drive, possibly inside a guest disk. */
export interface Location {
  node: NodeRecord
  storage: StorageDevice
  /** The guest disk holding it, for `<guest>/<disk>`. */
  disk: { guest: LabGuest; name: string; sizeBytes: number } | null
}

export interface LabContext {
  catalog: Catalog
  arch: Architecture
  guests: LabGuest[]
  services: LabService[]
  gpus: LabGpu[]
  /** `node/address` → the guest a function is passed to. */
  deviceOwner: Map<string, LabGuest>
  /** Per-run memo of results keyed by the caller (VRAM answers per service model). */
  memo: Map<string, unknown>
}

const invalid = (pointer: string, detail: string) => new PlanInputError('invalid', pointer, detail)

function requireLabNode(catalog: Catalog, id: string, pointer: string): NodeRecord {
  const node = findNode(catalog, id)
  if (node) return node
  const known = catalog.nodes.map((n) => n.id)
  throw invalid(pointer, `No node "${id}" in the catalog. Known nodes: ${known.join(', ')}.`)
}

/** The first index of each key, reporting the second use as a duplicate. */
function uniqueBy<T>(
  items: readonly T[],
  key: (t: T) => string,
  pointer: (i: number) => string,
  what: string,
) {
  const seen = new Map<string, number>()
  items.forEach((item, i) => {
    const k = key(item)
    const first = seen.get(k)
    // Keys scoped by node carry it before a NUL; the message names the value only.
    if (first !== undefined)
      throw invalid(
        pointer(i),
        `${what} "${k.replace(/^.*\u0000/, '')}" is used twice (also ${pointer(first)}).`,
      )
    seen.set(k, i)
  })
}

function resolveGuests(catalog: Catalog, arch: Architecture): LabGuest[] {
  uniqueBy(
    arch.guests,
    (g) => `${g.node.toLowerCase()}\u0000${g.vmid}`,
    (i) => `/guests/${i}/vmid`,
    'vmid',
  )
  // Services and datasets name guests without their node, so a name is unique lab-wide.
  uniqueBy(
    arch.guests,
    (g) => g.name,
    (i) => `/guests/${i}/name`,
    'Guest name',
  )
  return arch.guests.map((guest, index) => {
    const pointer = `/guests/${index}`
    const node = requireLabNode(catalog, guest.node, `${pointer}/node`)
    if (guest.kind === 'ct') {
      if (guest.devices.length > 0) {
        throw invalid(
          `${pointer}/devices`,
          "A container (kind ct) takes no PCI devices: it shares the host's drivers; " +
            'give its service the host GPU with `gpus` instead.',
        )
      }
      for (const f of ['machine', 'bios'] as const) {
        if (guest[f] !== undefined) throw invalid(`${pointer}/${f}`, `${f} applies to VMs only (kind vm).`)
      }
    }
    uniqueBy(
      guest.disks,
      (d) => d.name,
      (j) => `${pointer}/disks/${j}/name`,
      'Disk name',
    )
    guest.disks.forEach((d, j) => requireStorage(node, d.on, `${pointer}/disks/${j}/on`))
    return { guest, index, pointer, node, functions: resolveGuestDevices(node, guest, pointer) }
  })
}

function deviceOwners(guests: LabGuest[]): Map<string, LabGuest> {
  const owner = new Map<string, { guest: LabGuest; pointer: string }>()
  for (const g of guests) {
    for (const { device, pointer } of g.functions) {
      const key = `${g.node.id}/${device.address}`
      const first = owner.get(key)
      if (first) {
        throw invalid(
          pointer,
          `${device.address} (${device.label}) is given twice: also at ${first.pointer}. One guest per function.`,
        )
      }
      owner.set(key, { guest: g, pointer })
    }
  }
  return new Map([...owner].map(([k, v]) => [k, v.guest]))
}

function labGpus(catalog: Catalog): LabGpu[] {
  return catalog.nodes.flatMap((node) =>
    node.devices.flatMap((device) => {
      const model = gpuModelOf(catalog, device)
      return model && device.address ? [{ node, device: { ...device, address: device.address }, model }] : []
    }),
  )
}

function requireStorage(node: NodeRecord, id: string, pointer: string): StorageDevice {
  const storage = node.storage.find((s) => s.id === id.toLowerCase())
  if (storage) return storage
  const known = node.storage.map((s) => s.id)
  const hint = known.length ? ` (nearest: ${nearest(id, known, 1)[0]})` : ''
  throw invalid(
    pointer,
    `No storage "${id}" on ${node.id}. Its storage ids: ${known.join(', ') || 'none'}${hint}.`,
  )
}

/** `<guest>/<disk>` or a storage id (on `node`, or anywhere in the lab when node is null). */
export function resolveLocation(
  ctx: Pick<LabContext, 'catalog' | 'guests'>,
  text: string,
  pointer: string,
  node: NodeRecord | null,
): Location {
  const [guestName, diskName] = text.split('/', 2)
  if (diskName !== undefined) {
    const guest = requireGuest(ctx.guests, guestName!, pointer)
    const disk = guest.guest.disks.find((d) => d.name === diskName)
    if (!disk) {
      const disks = guest.guest.disks.map((d) => d.name).join(', ') || 'none'
      throw invalid(pointer, `Guest ${guest.guest.name} has no disk "${diskName}". Its disks: ${disks}.`)
    }
    if (node && guest.node.id !== node.id)
      throw invalid(pointer, `${text} is on ${guest.node.id}, not on ${node.id}.`)
    return {
      node: guest.node,
      storage: requireStorage(guest.node, disk.on, pointer),
      disk: { guest, name: disk.name, sizeBytes: disk.sizeBytes },
    }
  }
  if (node) return { node, storage: requireStorage(node, text, pointer), disk: null }
  const owner = ctx.catalog.nodes.find((n) => n.storage.some((s) => s.id === text.toLowerCase()))
  if (!owner) {
    const known = ctx.catalog.nodes.flatMap((n) => n.storage.map((s) => s.id))
    throw invalid(
      pointer,
      `No storage "${text}" in the catalog, and no <guest>/<disk>. Storage ids: ${known.join(', ')}.`,
    )
  }
  return { node: owner, storage: requireStorage(owner, text, pointer), disk: null }
}

function requireGuest(guests: readonly LabGuest[], name: string, pointer: string): LabGuest {
  const guest = guests.find((g) => g.guest.name === name)
  if (guest) return guest
  const names = guests.map((g) => g.guest.name)
  throw invalid(pointer, `No guest "${name}" in the architecture. Guests: ${names.join(', ') || 'none'}.`)
}

/** The GPUs a service uses: named ones, else its VM's passed GPUs, else the host's GPUs no guest takes. */
function serviceGpus(
  gpus: LabGpu[],
  owners: Map<string, LabGuest>,
  s: Service,
  node: NodeRecord,
  guest: LabGuest | null,
  pointer: string,
): LabGpu[] {
  const onNode = gpus.filter((g) => g.node.id === node.id)
  if (s.gpus) {
    return s.gpus.map((text, j) => {
      const q = parseAddress(text)
      const gpu =
        q &&
        onNode.find(
          (g) => slotOf(g.device) === q.slot && (q.fn === null || g.device.address.endsWith(`.${q.fn}`)),
        )
      if (!gpu) {
        throw invalid(
          `${pointer}/gpus/${j}`,
          `No GPU at "${text}" on ${node.id}. Its GPUs: ` +
            `${onNode.map((g) => `${g.device.address} (${g.model.name})`).join(', ') || 'none'}.`,
        )
      }
      return gpu
    })
  }
  if (s.runtime === 'openwebui') return []
  if (guest?.guest.kind === 'vm')
    return onNode.filter((g) => owners.get(`${node.id}/${g.device.address}`) === guest)
  return onNode.filter((g) => !owners.has(`${node.id}/${g.device.address}`))
}

function resolveServices(
  catalog: Catalog,
  arch: Architecture,
  guests: LabGuest[],
  gpus: LabGpu[],
  owners: Map<string, LabGuest>,
): LabService[] {
  uniqueBy(
    arch.services,
    (s) => s.name,
    (i) => `/services/${i}/name`,
    'Service name',
  )
  return arch.services.map((service, index) => {
    const pointer = `/services/${index}`
    const host = /^host:(.+)$/.exec(service.runsOn)
    const guest = host ? null : requireGuest(guests, service.runsOn, `${pointer}/runsOn`)
    const node = host ? requireLabNode(catalog, host[1]!, `${pointer}/runsOn`) : guest!.node
    checkServiceShape(arch, service, pointer)
    return {
      service,
      index,
      pointer,
      node,
      guest,
      gpus: serviceGpus(gpus, owners, service, node, guest, pointer),
    }
  })
}

export function buildContext(arch: Architecture, catalog: Catalog): LabContext {
  uniqueBy(
    arch.nodes,
    (n) => n.node.toLowerCase(),
    (i) => `/nodes/${i}/node`,
    'Node',
  )
  arch.nodes.forEach((n, i) => {
    requireLabNode(catalog, n.node, `/nodes/${i}/node`)
    n.leftOut.forEach((l, j) => {
      if (l.seedFinding && !catalog.seedFindings.some((f) => f.id === l.seedFinding)) {
        throw invalid(
          `/nodes/${i}/leftOut/${j}/seedFinding`,
          `No seed finding "${l.seedFinding}" in data/seed-findings.yaml. Known: ` +
            `${catalog.seedFindings.map((f) => f.id).join(', ')}.`,
        )
      }
    })
  })
  const guests = resolveGuests(catalog, arch)
  const deviceOwner = deviceOwners(guests)
  const gpus = labGpus(catalog)
  const services = resolveServices(catalog, arch, guests, gpus, deviceOwner)
  const ctx: LabContext = { catalog, arch, guests, services, gpus, deviceOwner, memo: new Map() }
  checkDatasets(ctx)
  return ctx
}

function checkDatasets(ctx: LabContext): void {
  uniqueBy(
    ctx.arch.datasets,
    (d) => d.name,
    (i) => `/datasets/${i}/name`,
    'Dataset name',
  )
  ctx.arch.datasets.forEach((d, i) => {
    resolveLocation(ctx, d.on, `/datasets/${i}/on`, null)
    d.readBy.forEach((reader, j) => {
      const known =
        ctx.guests.some((g) => g.guest.name === reader) || ctx.services.some((s) => s.service.name === reader)
      if (!known)
        throw invalid(`/datasets/${i}/readBy/${j}`, `No guest or service "${reader}" in the architecture.`)
    })
  })
}

/** The guest that owns a drive: the one its controller (NVMe or HBA function) is passed to. */
export function storageOwner(ctx: LabContext, node: NodeRecord, storage: StorageDevice): LabGuest | null {
  return ctx.deviceOwner.get(`${node.id}/${storage.controller}`) ?? null
}

/** The node a reader (guest or service name) runs on. */
export function readerNode(ctx: LabContext, reader: string): NodeRecord {
  const service = ctx.services.find((s) => s.service.name === reader)
  return service ? service.node : ctx.guests.find((g) => g.guest.name === reader)!.node
}
