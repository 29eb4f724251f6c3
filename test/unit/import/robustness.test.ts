import { readdirSync, readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { loadCatalog } from '../../../api/scripts/load-catalog.ts'
import { importHost, prepareImport } from '../../../api/src/domain/import/import-host.ts'
import { PlanInputError } from '../../../api/src/domain/plan-input-error.ts'
import { errorOf } from '../storage/helpers.ts'

const catalog = loadCatalog('data')
const fixtures = readdirSync('test/unit/import/fixtures').map((f) =>
  readFileSync(`test/unit/import/fixtures/${f}`, 'utf8'),
)

/** The route's promise: an answer or a PlanInputError (a 422), never anything else (a 500). */
function answersOrRefuses(node: string, text: string): boolean {
  try {
    importHost(node, [{ text }], catalog)
    return true
  } catch (err) {
    if (err instanceof PlanInputError) return true
    throw err
  }
}

describe('importHost on damaged input', () => {
  it('answers or refuses cut, spliced and garbled host output', () => {
    const damaged = fc
      .tuple(fc.constantFrom(...fixtures), fc.nat(), fc.nat(), fc.string({ maxLength: 40 }))
      .map(([text, a, b, junk]) => {
        const lines = text.split('\n')
        const at = a % (lines.length + 1)
        lines.splice(at, b % 3, junk.replace(/\d/g, '9'.repeat(12)))
        return lines.join('\n').slice(0, b % 2 === 0 ? undefined : (a * 7) % (text.length + 1))
      })
    fc.assert(fc.property(fc.constantFrom('caraxes', 'meraxes', 'newnode'), damaged, answersOrRefuses), {
      numRuns: 300,
      seed: 42,
    })
  })

  it('refuses addresses and groups the catalog cannot hold instead of failing', () => {
    const text = [
      '10000:e1:00.0 Non-Volatile memory controller [0108]: Samsung Electronics Co Ltd Device [144d:a80b]',
      'IOMMU Group 12345678 0e:00.0 VGA compatible controller [0300]: NVIDIA Corporation Device [10de:2203]',
      '0d:00.0 VGA compatible controller [0300]: NVIDIA Corporation Device [10de:2203]',
    ].join('\n')
    const answer = importHost('newnode', [{ text }], catalog)
    expect(answer.inputs[0]!.unparsed.map((u) => u.line)).toEqual([1, 2])
    expect(answer.node.devices.map((d) => d.address)).toEqual(['0000:0d:00.0'])
  })

  it('refuses pvesh JSON nested past 16 levels before JSON.stringify can overflow the stack', () => {
    const deep = '[' + '['.repeat(200_000) + ']'.repeat(200_000) + ']'
    const tooDeep = errorOf(() => importHost('caraxes', [{ text: fixtures[0]! }, { text: deep }], catalog))
    expect(tooDeep).toMatchObject({ kind: 'invalid', pointer: '/inputs/1/text' })
    expect(tooDeep?.message).toContain('nested more than 16 levels')
    expect(answersOrRefuses('caraxes', '['.repeat(17) + ']'.repeat(17))).toBe(true)
    // 16 levels are parsed: the items are reported, and the preview stays short.
    const sixteen =
      '[' +
      '['.repeat(15) +
      ']'.repeat(15) +
      ',{"id":"0000:0e:00.0","class":"0x030000","vendor":"0x10de","device":"0x1e81"}]'
    expect(importHost('newnode', [{ text: sixteen }], catalog).inputs[0]!.unparsed).toEqual([
      { line: 1, text: '['.repeat(15) + ']'.repeat(15), reason: 'item 0: no PCI address in "id"' },
    ])
  })

  it('refuses a stored node document that does not validate with a PlanInputError, not a ZodError', () => {
    const text = '/sys/kernel/iommu_groups/31/devices/0000:0e:00.0'
    const refusal = errorOf(() =>
      prepareImport('caraxes', [{ text }], catalog, { existing: { id: 'caraxes' } }),
    )
    expect(refusal).toMatchObject({ kind: 'invalid', pointer: '/inputs' })
    expect(refusal?.message).toMatch(/^the stored node document does not validate: \w+: /)
  })
})
