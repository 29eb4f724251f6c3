import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { loadCatalog } from '../../../api/scripts/load-catalog.ts'
import { NodeSchema } from '../../../api/src/domain/catalog/schemas.ts'
import { prepareImport } from '../../../api/src/domain/import/import-host.ts'
import { runImport } from '../../../scripts/import-host.ts'
import { renderNnk, renderSysfs } from './render.ts'

const FIXTURES = 'test/unit/import/fixtures'
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8')
const catalog = loadCatalog('data')

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

/** A throwaway copy of data/: the importer never writes into the real one in tests. */
function dataCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'import-'))
  dirs.push(dir)
  cpSync('data', dir, { recursive: true })
  return dir
}

function run(args: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = runImport(
    args,
    (l: string) => out.push(l),
    (l: string) => err.push(l),
  )
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe('drift detection', () => {
  it('shows the groups that changed on a host (ACS override removed, GPU renumbered)', () => {
    const { diff, node } = prepareImport(
      'caraxes',
      [{ text: fixture('caraxes-acs-off-loop.txt'), name: 'acs-off.txt' }],
      catalog,
    )
    expect(diff.devices.added).toEqual([])
    expect(
      diff.devices.changed.map(
        (d) => `${d.address} ${d.changes.map((c) => `${c.field} ${c.catalog}->${c.host}`).join()}`,
      ),
    ).toEqual([
      '0000:0d:00.0 iommuGroup 30->29',
      '0000:0e:00.0 iommuGroup 31->32',
      '0000:0e:00.1 iommuGroup 31->32',
      '0000:0e:00.2 iommuGroup 31->32',
      '0000:0e:00.3 iommuGroup 31->32',
    ])
    expect(diff.groups).toEqual({
      added: [32],
      removedFromHost: [22, 23, 24, 25, 30, 31],
      changed: [{ id: 29, catalogMembers: ['0000:0c:00.0'], hostMembers: ['0000:0c:00.0', '0000:0d:00.0'] }],
    })
    // Not deleted: the PLX ports the host did not list stay in the document.
    expect(diff.devices.removedFromHost.map((d) => d.label)).toEqual([
      'LSI-1 (PLX switch port)',
      'LSI-2 (PLX switch port)',
      'LSI-3 (PLX switch port)',
      'LSI-4 (PLX switch port)',
    ])
    expect(node.devices).toHaveLength(catalog.nodes[0]!.devices.length)
    const gpu = node.devices.find((d) => d.address === '0000:0e:00.0')!
    expect(gpu.iommuGroup).toBe(32)
    expect(gpu.provenance.fields.iommuGroup).toEqual({
      status: 'imported',
      source: 'iommu-loop: acs-off.txt',
    })
    expect(gpu.provenance.fields.vendorDevice?.status).toBe('inferred') // confirmed facts keep their provenance
    expect(node.iommuGroups.map((g) => g.id)).toContain(32)
  })

  it("gives the seed's address-less PLX ports the addresses the host lists, by ID and group", () => {
    // One PEX 8724: upstream port 02:00.0, downstream ports 03:00.0, 03:08.0, 03:09.0.
    const ports = ['02:00.0', '03:00.0', '03:08.0', '03:09.0']
    const plx = [22, 23, 24, 25]
      .map(
        (g, i) =>
          `IOMMU Group ${g}:\n\t${ports[i]} PCI bridge [0604]: PLX Technology, Inc. ` +
          'PEX 8724 24-Lane, 6-Port PCI Express Gen 3 (8 GT/s) Switch, 19 x 19mm FCBGA [10b5:8724] (rev ca)',
      )
      .join('\n')
    const { diff, node } = prepareImport('caraxes', [{ text: plx }], catalog)
    expect(diff.devices.added).toEqual([])
    expect(diff.devices.changed.map((d) => `${d.label} ${d.address}`)).toEqual([
      'LSI-1 (PLX switch port) 0000:02:00.0',
      'LSI-2 (PLX switch port) 0000:03:00.0',
      'LSI-3 (PLX switch port) 0000:03:08.0',
      'LSI-4 (PLX switch port) 0000:03:09.0',
    ])
    const records = node.devices.filter((d) => d.vendorDevice === '10b5:8724')
    expect(records.map((d) => d.provenance.fields.address?.status)).toEqual([
      'imported',
      'imported',
      'imported',
      'imported',
    ])
  })

  it("reports a disagreement between inputs and keeps the preferred format's value", () => {
    const pvesh =
      '[{"id":"0000:0e:00.0","class":"0x030000","vendor":"0x10de","device":"0x1e81","iommugroup":31}]'
    const { conflicts } = prepareImport(
      'caraxes',
      [
        { text: '/sys/kernel/iommu_groups/33/devices/0000:0e:00.0', name: 'sysfs.txt' },
        { text: pvesh, name: 'pvesh.json' },
      ],
      catalog,
    )
    expect(conflicts).toEqual([
      {
        address: '0000:0e:00.0',
        field: 'iommuGroup',
        kept: 31,
        ignored: 33,
        keptFrom: 'pvesh-json: pvesh.json',
        ignoredFrom: 'sysfs-find: sysfs.txt',
      },
    ])
  })
})

describe('npm run import', () => {
  it('prints usage and the host commands with --help', () => {
    const { code, out } = run(['--help'])
    expect(code).toBe(0)
    for (const command of [
      'pvesh get /nodes/',
      'lspci -nnD -vmm -k',
      'lspci -nnk',
      'IOMMU Group',
      'find /sys/kernel/iommu_groups/ -type l',
    ])
      expect(out).toContain(command)
  })

  it('writes a NEW node from lspci -nnk plus the group listing that loadCatalog accepts', () => {
    const data = dataCopy()
    const { code, out } = run([
      '--node',
      'vhagar',
      '--data',
      data,
      join(FIXTURES, 'lspci-nnk.txt'),
      join(FIXTURES, 'iommu-loop-vfio-headless.txt'),
    ])
    expect(code).toBe(0)
    expect(out).toContain('vhagar: NEW node')
    const file = join(data, 'nodes', 'vhagar.yaml')
    const node = NodeSchema.parse(parse(readFileSync(file, 'utf8')))
    expect(node.devices).toHaveLength(10)
    expect(node.platform).toMatchObject({
      cpu: null,
      board: null,
      acsOverride: 'unknown',
      provenance: { default: { status: 'inferred', reason: 'not in the import; measure on the host' } },
    })
    const gpu = node.devices.find((d) => d.address === '0000:0b:00.0')!
    expect(gpu).toMatchObject({
      vendorDevice: '10de:1b06',
      iommuGroup: 30,
      driver: 'vfio-pci',
      role: 'gpu',
      subsystem: '3842:6696',
      name: 'GP102 [GeForce GTX 1080 Ti]',
      vendorName: 'NVIDIA Corporation',
    })
    expect(gpu.provenance.default.status).toBe('imported')
    expect(node.devices.find((d) => d.address === '0000:0b:00.1')!.role).toBe('gpu-audio')
    expect(node.devices.find((d) => d.address === '0000:05:00.0')!.hardwareModel).toBe('intel-ax200')
    // Only in the group listing: no driver reported, so null with the reason.
    const spp = node.devices.find((d) => d.address === '0000:08:00.0')!
    expect(spp).toMatchObject({ driver: null, role: 'non-essential-instrumentation', iommuGroup: 23 })
    expect(spp.provenance.fields.driver?.status).toBe('inferred')
    expect(loadCatalog(data).nodes.map((n) => n.id)).toEqual(['caraxes', 'meraxes', 'vhagar'])
    expect(existsSync('data/nodes/vhagar.yaml')).toBe(false)
  })

  it('updates an existing node in place, keeping its comments and hand-written facts', () => {
    const data = dataCopy()
    const file = join(data, 'nodes', 'caraxes.yaml')
    const before = readFileSync(file, 'utf8')
    const { code, out } = run([
      '--node',
      'caraxes',
      '--data',
      data,
      join(FIXTURES, 'caraxes-acs-off-loop.txt'),
    ])
    expect(code).toBe(0)
    expect(out).toContain('~ 0000:0e:00.0 RTX 2080 SUPER: iommuGroup 31 -> 32')
    expect(out).toContain('4 catalogued devices the host does not list (kept, not deleted)')
    const after = readFileSync(file, 'utf8')
    expect(after.split('\n').slice(0, 3)).toEqual(before.split('\n').slice(0, 3)) // header comment kept
    expect(after).toContain('seedSaid: "LSI-1/2/3/4: PLX PCIe Switch Controllers"')
    const node = loadCatalog(data).nodes.find((n) => n.id === 'caraxes')!
    expect(node.devices.find((d) => d.address === '0000:0d:00.0')).toMatchObject({
      iommuGroup: 29,
      hostUse: ['management-nic', 'only-wired-nic'],
    })
  })

  it('leaves a file byte for byte when the host confirms every fact', () => {
    const data = dataCopy()
    const node = catalog.nodes.find((n) => n.id === 'meraxes')!
    const nnk = join(data, 'meraxes-nnk.txt')
    const groups = join(data, 'meraxes-groups.txt')
    writeFileSync(nnk, renderNnk(node))
    writeFileSync(groups, renderSysfs(node))
    expect(run(['--node', 'meraxes', '--data', data, nnk, groups]).out).toContain('changed 0 devices')
    expect(readFileSync(join(data, 'nodes', 'meraxes.yaml'), 'utf8')).toBe(
      readFileSync('data/nodes/meraxes.yaml', 'utf8'),
    )
  })

  it('prints the YAML with --dry-run and writes nothing', () => {
    const data = dataCopy()
    const { code, out } = run([
      '--node',
      'vhagar',
      '--data',
      data,
      '--dry-run',
      join(FIXTURES, 'iommu-loop-vfio-headless.txt'),
    ])
    expect(code).toBe(0)
    expect(NodeSchema.parse(parse(out)).devices).toHaveLength(10)
    expect(existsSync(join(data, 'nodes', 'vhagar.yaml'))).toBe(false)
  })

  it('names the file that cannot be imported and exits 1', () => {
    const data = dataCopy()
    const { code, err } = run(['--node', 'vhagar', '--data', data, join(FIXTURES, '../render.ts')])
    expect(code).toBe(1)
    expect(err).toMatch(/^render\.ts: not the output of a supported command/)
  })
})
