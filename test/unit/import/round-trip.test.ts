import { describe, expect, it } from 'vitest'
import { loadCatalog } from '../../../api/scripts/load-catalog.ts'
import type { NodeRecord } from '../../../api/src/domain/catalog/schemas.ts'
import { prepareImport } from '../../../api/src/domain/import/import-host.ts'
import { mergeInputs } from '../../../api/src/domain/import/merge-inputs.ts'
import { parseInput } from '../../../api/src/domain/import/parse-input.ts'
import type { ComparedField, HostDevice } from '../../../api/src/domain/import/schemas.ts'
import { renderLoop, renderNnk, renderPvesh, renderSysfs, renderVmm } from './render.ts'

const catalog = loadCatalog('data')

// What each format carries (docs/research/host-formats.md).
const FORMATS: { name: string; render: (n: NodeRecord) => string; fields: ComparedField[] }[] = [
  {
    name: 'pvesh-json',
    render: renderPvesh,
    fields: ['vendorDevice', 'subsystem', 'classCode', 'iommuGroup'],
  },
  {
    name: 'lspci-vmm',
    render: renderVmm,
    fields: ['vendorDevice', 'subsystem', 'classCode', 'iommuGroup', 'driver'],
  },
  {
    name: 'lspci-nnk',
    render: (n) => renderNnk(n),
    fields: ['vendorDevice', 'subsystem', 'classCode', 'driver'],
  },
  {
    name: 'lspci-nnk -D -v',
    render: (n) => renderNnk(n, { domain: true, verbose: true }),
    fields: ['vendorDevice', 'subsystem', 'classCode', 'iommuGroup', 'driver'],
  },
  { name: 'iommu-loop', render: (n) => renderLoop(n), fields: ['vendorDevice', 'classCode', 'iommuGroup'] },
  {
    name: 'iommu-loop one-line',
    render: (n) => renderLoop(n, true),
    fields: ['vendorDevice', 'classCode', 'iommuGroup'],
  },
  { name: 'sysfs-find', render: renderSysfs, fields: ['iommuGroup'] },
]

function catalogView(node: NodeRecord, fields: ComparedField[]) {
  return node.devices
    .filter((d) => d.address !== null)
    .map((d) => ({ address: d.address, ...Object.fromEntries(fields.map((f) => [f, d[f]])) }))
    .sort((a, b) => a.address!.localeCompare(b.address!))
}

function hostView(devices: HostDevice[], fields: ComparedField[]) {
  return devices.map((d) => ({ address: d.address, ...Object.fromEntries(fields.map((f) => [f, d[f]])) }))
}

describe.each(catalog.nodes.map((n) => [n.id, n] as const))('%s rendered in each format', (_id, node) => {
  it.each(FORMATS)('$name parses back to the catalog devices', ({ render, fields }) => {
    const parsed = parseInput({ text: render(node), name: 'rendered' }, 0)
    expect(parsed.unparsed).toEqual([])
    expect(hostView(mergeInputs([parsed]).devices, fields)).toEqual(catalogView(node, fields))
  })

  it.each(FORMATS)('$name imported over the catalog changes nothing', ({ render }) => {
    const { diff, patches } = prepareImport(node.id, [{ text: render(node) }], catalog)
    expect(diff.devices.changed).toEqual([])
    expect(diff.devices.added).toEqual([])
    expect(patches).toEqual([])
    // Only the devices without an address (CARAXES's PLX ports) are missing from the host's text.
    expect(diff.devices.removedFromHost.map((d) => d.address)).toEqual(
      node.devices.filter((d) => d.address === null).map(() => null),
    )
  })

  it('lspci -nnk plus the sysfs listing, imported as a new node, reproduces every addressed device', () => {
    const { node: fresh, diff } = prepareImport(
      'new-node',
      [{ text: renderNnk(node) }, { text: renderSysfs(node) }],
      catalog,
    )
    const all: ComparedField[] = ['vendorDevice', 'subsystem', 'classCode', 'iommuGroup', 'driver']
    expect(diff.nodeAdded).toBe(true)
    expect(catalogView(fresh, all)).toEqual(catalogView(node, all))
    expect(fresh.devices.map((d) => d.role)).toEqual(
      node.devices
        .filter((d) => d.address !== null)
        .sort((a, b) => a.address!.localeCompare(b.address!))
        .map((d) => d.role),
    )
  })
})
