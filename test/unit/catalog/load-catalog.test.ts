import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadCatalog } from '../../../api/scripts/load-catalog.ts'
import { problemsOf } from './helpers.ts'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

/** A copy of data/ with one file edited: the broken fixture. */
function brokenData(file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'catalog-'))
  dirs.push(dir)
  cpSync('data', dir, { recursive: true })
  const path = join(dir, file)
  writeFileSync(path, edit(readFileSync(path, 'utf8')))
  return dir
}

describe('loadCatalog', () => {
  it('loads the committed data without a problem', () => {
    const catalog = loadCatalog('data')
    expect(catalog.nodes.map((n) => n.id)).toEqual(['caraxes', 'meraxes'])
  })

  it.each([
    {
      what: 'a duplicate PCI address on a node',
      file: 'nodes/caraxes.yaml',
      edit: (t: string) => t.replace('address: "0000:0e:00.1"', 'address: "0000:0e:00.0"'),
      expected:
        'data/nodes/caraxes.yaml: devices[1].address: duplicate PCI address 0000:0e:00.0 (also devices[0])',
    },
    {
      what: 'a device in an unknown IOMMU group',
      file: 'nodes/meraxes.yaml',
      edit: (t: string) => t.replace('iommuGroup: 15', 'iommuGroup: 99'),
      expected:
        'data/nodes/meraxes.yaml: devices[2].iommuGroup: unknown IOMMU group 99: add it to iommuGroups',
    },
    {
      what: 'a malformed vendor:device ID',
      file: 'nodes/meraxes.yaml',
      edit: (t: string) => t.replace('vendorDevice: "10de:2203"', 'vendorDevice: "10DE-2203"'),
      expected:
        'data/nodes/meraxes.yaml: devices[0].vendorDevice: expected vendor:device as 4+4 lowercase hex digits',
    },
    {
      what: 'a negative capacity',
      file: 'nodes/meraxes.yaml',
      edit: (t: string) => t.replace('capacityBytes: 2000000000000', 'capacityBytes: -2000000000000'),
      expected: 'data/nodes/meraxes.yaml: storage[1].capacityBytes: Too small: expected number to be >0',
    },
    {
      what: 'a reference to an unknown model',
      file: 'nodes/meraxes.yaml',
      edit: (t: string) => t.replace('hardwareModel: nvidia-rtx-3090-ti', 'hardwareModel: nvidia-rtx-3095'),
      expected: 'data/nodes/meraxes.yaml: devices[0].hardwareModel: unknown hardware model "nvidia-rtx-3095"',
    },
    {
      what: 'a corrected fact without its reason',
      file: 'nodes/meraxes.yaml',
      edit: (t: string) => t.replace(/\n\s*reason: "10de:1618 is not a GA102 device ID[^\n]*/, ''),
      expected:
        'data/nodes/meraxes.yaml: devices[0].provenance.fields.vendorDevice: ' +
        'a corrected fact needs seedSaid, reason and source',
    },
    {
      what: 'a node whose id is not its file name',
      file: 'nodes/caraxes.yaml',
      edit: (t: string) => t.replace('id: caraxes', 'id: caraxes-2'),
      expected: 'data/nodes/caraxes.yaml: id: expected "caraxes" (the file name), got "caraxes-2"',
    },
    {
      what: 'a link to an interface the node lacks',
      file: 'network-links.yaml',
      edit: (t: string) => t.replace('interface: meraxes-rtl8125', 'interface: meraxes-x710'),
      expected:
        'data/network-links.yaml: [0].endpoints[1].interface: node meraxes has no interface "meraxes-x710"',
    },
    {
      what: 'a storage id used on two nodes',
      file: 'nodes/meraxes.yaml',
      edit: (t: string) => t.replace('id: meraxes-pm9b1-1tb', 'id: caraxes-hba-disks'),
      expected:
        'data/nodes/meraxes.yaml: storage[2].id: id "caraxes-hba-disks" is already used on caraxes: ' +
        'ids are unique lab-wide',
    },
    {
      what: 'a file that is not YAML',
      file: 'hardware/gpus/nvidia-rtx-3090-ti.yaml',
      edit: () => 'slug: [unclosed',
      expected: 'data/hardware/gpus/nvidia-rtx-3090-ti.yaml: not valid YAML',
    },
  ])('names the file and field of $what', ({ file, edit, expected }) => {
    const problems = problemsOf(brokenData(file, edit))
    expect(
      problems.some((p) => p.startsWith(expected)),
      problems.join('\n'),
    ).toBe(true)
  })
})
