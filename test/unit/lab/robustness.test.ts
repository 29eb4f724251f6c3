/**
 * Any schema-valid architecture gets an answer or a PlanInputError naming a pointer, never
 * another exception (which the API would turn into a 500): documents generated from pools of
 * valid and invalid references.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ArchitectureSchema } from '../../../api/src/domain/lab/schemas.ts'
import { planLab } from '../../../api/src/domain/lab/plan-lab.ts'
import { PlanInputError } from '../../../api/src/domain/plan-input-error.ts'
import { applyChanges, type PatchOperation } from '../../../api/src/domain/lab/changes.ts'
import { catalog, GIB, seed, STRICT_ARCHITECTURE } from './fixtures.ts'

const names = ['a', 'b', 'c']
// Weighted towards valid references, so most documents reach the planners.
const nodeArb = fc.constantFrom(
  'caraxes',
  'meraxes',
  'caraxes',
  'meraxes',
  'meraxes',
  'caraxes',
  'meraxes',
  'vhagar',
)
const deviceArb = fc.constantFrom(
  '0e:00',
  '0000:0e:00.0',
  '0d:00',
  '01:00.0',
  '05:00.0',
  '07:00.0',
  '0a:00.1',
  '0a:00.3',
  '10:00.3',
  '0d:00.0',
  '08:00.0',
  'zz',
  { role: 'gpu' },
  { role: 'nvme' },
)
const storageArb = fc.constantFrom(
  'meraxes-sn850x-4tb',
  'meraxes-sn770-2tb',
  'caraxes-hba-disks',
  'meraxes-pm9b1-1tb',
  'nope',
  'a/root',
  'b/root',
  'c/missing',
)
const guestArb = fc
  .record({
    node: nodeArb,
    vmid: fc.constant(100),
    name: fc.constantFrom(...names),
    kind: fc.constantFrom('vm', 'ct'),
    memoryBytes: fc.constantFrom(GIB, 16 * GIB, 64 * GIB),
    cores: fc.constant(2),
    devices: fc.array(deviceArb, { maxLength: 3 }),
    disks: fc.array(
      fc.record({
        name: fc.constantFrom('root', 'data'),
        on: storageArb,
        sizeBytes: fc.constantFrom(1e9, 5e12),
        purpose: fc.constant('vm-disk'),
      }),
      { maxLength: 2 },
    ),
  })
  .map((g) => (g.kind === 'ct' ? { ...g, devices: [] } : g))
const modelArb = fc.record(
  {
    model: fc.constantFrom(
      'qwen2.5:14b',
      'gemma3:27b',
      'llama3.1:70b',
      'gpt-oss:20b',
      'nope:1b',
      'qwen2.5-7b',
    ),
    resident: fc.boolean(),
    contextLength: fc.constantFrom(undefined, 4096, 131072, 1_048_576),
    quantization: fc.constantFrom(undefined, 'Q4_K_M', 'MXFP4', 'Q8_0'),
    mode: fc.constantFrom(undefined, 'qlora', 'full'),
  },
  { requiredKeys: ['model'] },
)
const serviceArb = fc.record(
  {
    name: fc.constantFrom('s1', 's2', 's3'),
    runsOn: fc.constantFrom(
      'a',
      'b',
      'host:meraxes',
      'host:caraxes',
      'host:meraxes',
      'host:caraxes',
      'ghost',
    ),
    runtime: fc.constantFrom('ollama', 'llama-server', 'finetune', 'openwebui'),
    gpus: fc.constantFrom(undefined, ['0d:00.0'], ['0e:00'], ['zz']),
    exclusive: fc.constantFrom(false, false, false, true),
    backend: fc.constantFrom(undefined, 's1', 's2'),
    ollama: fc.constantFrom(
      undefined,
      undefined,
      undefined,
      { OLLAMA_KV_CACHE_TYPE: 'q8_0' },
      { OLLAMA_MAX_LOADED_MODELS: 1 },
    ),
    modelStore: fc.constantFrom(undefined, { on: 'meraxes-sn850x-4tb' }, { on: 'a/root' }, { on: 'nope' }),
    models: fc.array(modelArb, { maxLength: 3 }),
  },
  { requiredKeys: ['name', 'runsOn', 'runtime'] },
)
const datasetArb = fc.record(
  {
    name: fc.constantFrom('d1', 'd2'),
    sizeBytes: fc.constantFrom(1e9, 1e14),
    on: storageArb,
    readBy: fc.array(fc.constantFrom('a', 's1', 's2', 'ghost'), { maxLength: 2 }),
    readsPerDay: fc.constantFrom(undefined, 1, 1000),
  },
  { requiredKeys: ['name', 'sizeBytes', 'on'] },
)
// Names unique (duplicates are covered by the API tests), so most documents reach the planners.
const docArb = fc.record({
  guests: fc
    .uniqueArray(guestArb, { maxLength: 4, selector: (g) => g.name })
    .map((gs) => gs.map((g, i) => ({ ...g, vmid: 100 + i }))),
  services: fc.uniqueArray(serviceArb, { maxLength: 3, selector: (s) => s.name }),
  datasets: fc.uniqueArray(datasetArb, { maxLength: 2, selector: (d) => d.name }),
})

describe('planLab on generated architectures', () => {
  it('answers or names a pointer; never throws anything else', () => {
    let answered = 0
    fc.assert(
      fc.property(docArb, (raw) => {
        const parsed = ArchitectureSchema.safeParse(JSON.parse(JSON.stringify(raw)))
        fc.pre(parsed.success)
        try {
          const plan = planLab(parsed.data, catalog)
          answered++
          expect(['holds', 'needs-review', 'breaks']).toContain(plan.verdict)
          for (const f of plan.findings) expect(f.pointer).toMatch(/^\/(guests|services|datasets|nodes)\/\d+/)
        } catch (err) {
          if (!(err instanceof PlanInputError)) throw err
          expect(err.pointer).toMatch(/^\//)
        }
      }),
      // A fixed seed: the share of documents that reach the planners (asserted below) is then stable.
      { numRuns: 400, seed: 20261201 },
    )

    expect(answered).toBeGreaterThan(10)
  })
})

// Changes a user would send against the documented architecture, valid or not.
const opArb: fc.Arbitrary<PatchOperation> = fc.oneof(
  guestArb.map((g) => ({ op: 'add' as const, path: '/guests/-', value: { ...g, vmid: 900, name: 'extra' } })),
  modelArb.map((m) => ({ op: 'add' as const, path: '/services/2/models/-', value: m })),
  modelArb.map((m) => ({ op: 'add' as const, path: '/services/0/models/-', value: m })),
  datasetArb.map((d) => ({ op: 'add' as const, path: '/datasets/-', value: { ...d, name: 'extra-data' } })),
  fc.constantFrom<PatchOperation>(
    { op: 'remove', path: '/guests/0' },
    { op: 'remove', path: '/services/2' },
    { op: 'remove', path: '/datasets/0' },
    { op: 'replace', path: '/services/4/exclusive', value: false },
    { op: 'replace', path: '/services/2/runsOn', value: 'ai-dev' },
    { op: 'replace', path: '/guests/1/kind', value: 'vm' },
    { op: 'add', path: '/guests/1/devices', value: ['0d:00'] },
    { op: 'replace', path: '/services/2/modelStore/on', value: 'openwebui/rootfs' },
    { op: 'replace', path: '/datasets/0/readsPerDay', value: 500 },
  ),
)

describe('planLab on changed documented architectures', () => {
  it('answers or names a pointer for any sequence of changes', () => {
    let answered = 0
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 3 }), (ops) => {
        try {
          const plan = planLab(applyChanges(seed, ops, STRICT_ARCHITECTURE), catalog)
          answered++
          expect(['holds', 'needs-review', 'breaks']).toContain(plan.verdict)
        } catch (err) {
          if (!(err instanceof PlanInputError)) throw err
        }
      }),
      { numRuns: 300, seed: 20261201 },
    )
    expect(answered).toBeGreaterThan(10)
  })
})
