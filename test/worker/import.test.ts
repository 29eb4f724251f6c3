/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest'
import groupsText from '../unit/import/fixtures/caraxes-acs-off-loop.txt?raw'
import nnkText from '../unit/import/fixtures/lspci-nnk.txt?raw'
import loopText from '../unit/import/fixtures/iommu-loop-vfio-headless.txt?raw'
import { jsonOf, postJson, problemOf, request } from './request.ts'

interface Answer {
  node: {
    id: string
    devices: {
      address: string
      iommuGroup: number
      driver: string | null
      provenance: { default: { status: string } }
    }[]
    iommuGroups: { id: number }[]
  }
  diff: {
    nodeAdded: boolean
    devices: {
      added: { address: string }[]
      changed: { address: string; changes: { field: string; catalog: unknown; host: unknown }[] }[]
      removedFromHost: { label: string }[]
      unchanged: number
    }
    groups: { added: number[]; removedFromHost: number[]; changed: { id: number }[] }
  }
  inputs: {
    name: string
    format: string
    devices: number
    unparsed: { line: number; text: string; reason: string }[]
  }[]
}

describe('POST /api/v1/import', () => {
  it('shows the drift of a host whose IOMMU groups changed, without storing anything', async () => {
    const res = await postJson('/api/v1/import', {
      node: 'caraxes',
      inputs: [{ text: groupsText, name: 'groups.txt' }],
    })
    expect(res.status).toBe(200)
    const body = await jsonOf<Answer>(res)
    expect(body.inputs).toEqual([{ name: 'groups.txt', format: 'iommu-loop', devices: 9, unparsed: [] }])
    expect(body.diff.nodeAdded).toBe(false)
    expect(body.diff.devices.changed.find((d) => d.address === '0000:0e:00.0')?.changes).toEqual([
      { field: 'iommuGroup', catalog: 31, host: 32 },
    ])
    expect(body.diff.groups.added).toEqual([32])
    expect(body.diff.devices.removedFromHost).toHaveLength(4) // the PLX ports: reported, not deleted
    expect(body.node.devices).toHaveLength(13)
    const stored = await jsonOf<{ devices: { address: string; iommuGroup: number }[] }>(
      request('/api/v1/nodes/caraxes'),
    )
    expect(stored.devices.find((d) => d.address === '0000:0e:00.0')?.iommuGroup).toBe(31)
  })

  it('answers a node the catalog lacks with the whole document as added, and lists unparsed lines', async () => {
    const res = await postJson('/api/v1/import', {
      node: 'vhagar',
      inputs: [{ text: nnkText, format: 'lspci-nnk' }, { text: `${loopText}root@pve:~# exit\n` }],
    })
    const body = await jsonOf<Answer>(res)
    expect(res.status).toBe(200)
    expect(body.diff.nodeAdded).toBe(true)
    expect(body.diff.devices.added).toHaveLength(10)
    expect(body.node).toMatchObject({ id: 'vhagar' })
    expect(body.node.devices.find((d) => d.address === '0000:0b:00.0')).toMatchObject({
      iommuGroup: 30,
      driver: 'vfio-pci',
      provenance: { default: { status: 'imported' } },
    })
    expect(body.inputs[1]!.unparsed).toEqual([
      { line: 15, text: 'root@pve:~# exit', reason: 'not an lspci device line or IOMMU group header' },
    ])
  })

  it.each([
    ['binary data', 'Slot:\t0e:00.0\u0000\u0001', 'binary data'],
    ['truncated JSON', '[{"id":"0000:0e:00.0","class":', 'not valid JSON'],
    ['lsusb output', 'Bus 001 Device 001: ID 1d6b:0002 Linux Foundation 2.0 root hub\n', 'lsusb'],
    ['ip a output', '2: enp7s0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP\n', '`ip a`'],
    ['whitespace only', '   \n', 'empty text'],
    [
      'pvesh JSON nested 200,001 levels deep',
      '[' + '['.repeat(200_000) + ']'.repeat(200_000) + ']',
      'JSON nested more than 16 levels deep',
    ],
  ])('refuses %s with a 422 naming /inputs/1/text', async (_what, text, detail) => {
    const res = await postJson('/api/v1/import', {
      node: 'caraxes',
      inputs: [{ text: groupsText }, { text }],
    })
    const problem = await problemOf(res)
    expect(problem.status).toBe(422)
    expect(problem.errors?.[0]).toMatchObject({ in: 'body', pointer: '/inputs/1/text' })
    expect(problem.errors?.[0]?.detail).toContain(detail)
  })

  it.each([
    ['an empty text', { node: 'caraxes', inputs: [{ text: '' }] }, '/inputs/0/text'],
    ['an unknown format', { node: 'caraxes', inputs: [{ text: 'x', format: 'lsusb' }] }, '/inputs/0/format'],
    ['a malformed node id', { node: 'CARAXES!', inputs: [{ text: groupsText }] }, '/node'],
    ['no inputs', { node: 'caraxes', inputs: [] }, '/inputs'],
    [
      'a text over 512 KiB',
      { node: 'caraxes', inputs: [{ text: 'a'.repeat(512 * 1024 + 1) }] },
      '/inputs/0/text',
    ],
  ])('rejects %s with a 422 naming the field', async (_what, body, pointer) => {
    const problem = await problemOf(await postJson('/api/v1/import', body))
    expect(problem.status).toBe(422)
    expect(problem.errors?.map((e) => e.pointer)).toContain(pointer)
  })

  it('refuses a body over 1 MiB with a 413', async () => {
    const res = await postJson('/api/v1/import', {
      node: 'caraxes',
      inputs: [{ text: 'a'.repeat(400_000) }, { text: 'a'.repeat(400_000) }, { text: 'a'.repeat(400_000) }],
    })
    expect((await problemOf(res)).status).toBe(413)
  })
})
