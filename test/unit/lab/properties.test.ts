/** Properties of the lab planner over generated changes (fast-check). */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Architecture } from '../../../api/src/domain/lab/schemas.ts'
import { catalog, GIB, OLLAMA_PROD, parse, patched, plan, seed, vm } from './fixtures.ts'

// Chat models trained for at least 8192 tokens (a longer context than a model takes is a 422, not a plan).
const tags = catalog.llmModels
  .filter((m) => m.contextLength >= 8192)
  .flatMap((m) => m.ollamaTags.map((t) => t.tag))
  .filter((t) => !/70b|72b|32b|8x7b/.test(t))
const modelArb = fc.record({
  model: fc.constantFrom(...tags),
  contextLength: fc.constantFrom(2048, 4096, 8192),
  parallel: fc.integer({ min: 1, max: 2 }),
})

describe('adding a resident model never frees VRAM', () => {
  it('the resident bytes of its GPU only grow, and free VRAM only shrinks', () => {
    const before = plan(seed).gpus.find((g) => g.node === 'meraxes')!
    fc.assert(
      fc.property(modelArb, (m) => {
        const after = plan(
          patched({ op: 'add', path: `/services/${OLLAMA_PROD}/models/-`, value: { ...m, resident: true } }),
        )
        const gpu = after.gpus.find((g) => g.node === 'meraxes')!
        expect(gpu.residentBytes).toBeGreaterThan(before.residentBytes)
        expect(gpu.freeBytes).toBeLessThan(before.freeBytes)
      }),
      { numRuns: 25 },
    )
  })
})

/** Removes a guest and what lives in it: its services, datasets on its disks, references to them. */
function removeGuest(arch: Architecture, name: string): Architecture {
  const gone = new Set([name, ...arch.services.filter((s) => s.runsOn === name).map((s) => s.name)])
  const services = arch.services.filter((s) => !gone.has(s.name) && !(s.backend && gone.has(s.backend)))
  for (const s of arch.services) if (s.backend && gone.has(s.backend)) gone.add(s.name)
  return parse({
    ...arch,
    guests: arch.guests.filter((g) => g.name !== name),
    services: services.map((s) =>
      s.modelStore?.on.startsWith(`${name}/`) ? { ...s, modelStore: undefined } : s,
    ),
    datasets: arch.datasets
      .filter((d) => !d.on.startsWith(`${name}/`))
      .map((d) => ({ ...d, readBy: d.readBy.filter((r) => !gone.has(r)) })),
  })
}

// Guests a lab might add, each holding on its own next to the seed's.
const EXTRA = [
  vm('meraxes', 301, 'usb-vm', ['0a:00']),
  vm('caraxes', 121, 'dock-vm', ['10:00.3']),
  {
    node: 'meraxes',
    vmid: 202,
    name: 'ct-tools',
    kind: 'ct' as const,
    memoryBytes: 2 * GIB,
    cores: 1,
    devices: [],
    disks: [],
  },
  { ...vm('meraxes', 305, 'nvme-vm', ['04:00.0']), disks: [] },
]

describe('removing a guest never turns a holding architecture into a breaking one', () => {
  it('over the seed plus any subset of extra guests', () => {
    fc.assert(
      fc.property(fc.subarray(EXTRA), fc.nat(), (extra, pick) => {
        const arch = parse({ ...seed, guests: [...seed.guests, ...extra] })
        fc.pre(plan(arch).verdict === 'holds')
        const victim = arch.guests[pick % arch.guests.length]!.name
        expect(plan(removeGuest(arch, victim)).verdict).not.toBe('breaks')
      }),
      { numRuns: 30 },
    )
  })
})
