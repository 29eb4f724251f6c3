/** GET /api/v1/architecture and POST /api/v1/plan/lab, requested from the worker inside workerd. */
import { describe, expect, it } from 'vitest'
import { jsonOf, postJson, problemOf, request } from './request.ts'

interface Finding {
  severity: string
  source: { planner: string; rule: string }
  pointer: string
  message: string
}
interface Plan {
  verdict: string
  findings: Finding[]
  gpus: { node: string; resident: { model: string; totalBytes: number }[]; freeBytes: number }[]
  diff?: { change: string; finding: Finding; before: string | null }[]
  architecture: { guests: { name: string }[] }
}

const post = (body: unknown) => postJson('/api/v1/plan/lab', body)
const change = (...changes: unknown[]) => post({ changes })
const GIB = 2 ** 30

// Indices of the documented architecture (data/architecture/*.yaml, files in name order).
const OLLAMA_PROD = 2
const newVm = (devices: unknown[], extra: object = {}) => ({
  node: 'meraxes',
  vmid: 300,
  name: 'storage-vm',
  kind: 'vm',
  memoryBytes: 8 * GIB,
  cores: 2,
  devices,
  ...extra,
})

describe('GET /api/v1/architecture', () => {
  it('answers the documented architecture and that it holds', async () => {
    const res = await request('/api/v1/architecture')
    expect(res.status).toBe(200)
    const body = await jsonOf<Plan>(res)
    expect(body.verdict).toBe('holds')
    expect(body.architecture.guests.map((g) => g.name)).toEqual(['ai-dev', 'openwebui'])
    expect(body.findings.some((f) => f.severity === 'block')).toBe(false)
    expect(body.gpus.find((g) => g.node === 'meraxes')!.resident.map((m) => m.model)).toEqual([
      'qwen2.5:14b',
      'llama3.1:8b',
      'llama3.2:3b',
    ])
  })
})

describe('POST /api/v1/plan/lab with changes', () => {
  it('gemma3:27b resident next to the production models breaks, naming what to drop', async () => {
    const res = await change({
      op: 'add',
      path: `/services/${OLLAMA_PROD}/models/-`,
      value: { model: 'gemma3:27b', quantization: 'Q4_K_M', resident: true },
    })
    expect(res.status).toBe(200)
    const body = await jsonOf<Plan>(res)
    expect(body.verdict).toBe('breaks')
    const block = body.findings.find((f) => f.source.rule === 'resident-set' && f.severity === 'block')!
    expect(block.pointer).toBe(`/services/${OLLAMA_PROD}/models`)
    expect(block.message).toMatch(/Drop .*gemma3:27b/)
    expect(body.gpus.find((g) => g.node === 'meraxes')!.freeBytes).toBeLessThan(0)
    expect(
      body.diff!.some(
        (d) => d.change === 'severity' && d.before === 'info' && d.finding.pointer === block.pointer,
      ),
    ).toBe(true)
    // Four resident models exceed OLLAMA_MAX_LOADED_MODELS=3 as well.
    expect(body.findings.some((f) => f.source.rule === 'max-loaded-models')).toBe(true)
  })

  it('passing the SN850X to a new VM breaks the model store on it', async () => {
    const body = await jsonOf<Plan>(change({ op: 'add', path: '/guests/-', value: newVm(['0000:01:00.0']) }))
    expect(body.verdict).toBe('breaks')
    const f = body.findings.find((x) => x.source.rule === 'drive-passed-through')!
    expect(f.pointer).toBe(`/services/${OLLAMA_PROD}/modelStore`)
    expect(f.message).toContain('storage-vm')
  })

  it('a harmless change holds and its diff is empty of blocks', async () => {
    const body = await jsonOf<Plan>(change({ op: 'replace', path: '/guests/1/cores', value: 4 }))
    expect(body.verdict).toBe('holds')
    expect(body.diff).toEqual([])
  })
})

describe('POST /api/v1/plan/lab: bad input is a 422 naming the pointer', () => {
  const cases: [string, unknown, string][] = [
    [
      'duplicate vmid',
      { changes: [{ op: 'add', path: '/guests/-', value: newVm([], { vmid: 200, name: 'other' }) }] },
      'vmid',
    ],
    [
      'duplicate guest name',
      { changes: [{ op: 'add', path: '/guests/-', value: newVm([], { name: 'openwebui' }) }] },
      'used twice',
    ],
    [
      'device given twice',
      { changes: [{ op: 'add', path: '/guests/-', value: newVm(['01:00.0', '0000:01:00.0']) }] },
      'given twice',
    ],
    [
      'unknown model',
      { changes: [{ op: 'replace', path: `/services/${OLLAMA_PROD}/models/0/model`, value: 'qwen9:99b' }] },
      'qwen9:99b',
    ],
    [
      'unknown drive',
      { changes: [{ op: 'replace', path: '/datasets/1/on', value: 'meraxes-sn999' }] },
      'meraxes-sn999',
    ],
    [
      'unknown guest',
      { changes: [{ op: 'replace', path: '/services/3/runsOn', value: 'nowhere' }] },
      'nowhere',
    ],
    [
      'negative size',
      { changes: [{ op: 'replace', path: '/datasets/0/sizeBytes', value: -5 }] },
      '/datasets/0/sizeBytes',
    ],
    [
      'patch that does not apply',
      { changes: [{ op: 'replace', path: '/guests/9/cores', value: 2 }] },
      'does not apply',
    ],
    // A patch value is any JSON until applied; the document it makes is as strict as a whole one.
    [
      'misspelt field inside a patch value',
      {
        changes: [
          {
            op: 'add',
            path: `/services/${OLLAMA_PROD}/models/-`,
            value: { model: 'gemma3:27b', resdent: true },
          },
        ],
      },
      '/models/4/resdent: unknown field',
    ],
  ]
  for (const [name, body, detail] of cases) {
    it(name, async () => {
      const res = await post(body)
      expect(res.status).toBe(422)
      const problem = await problemOf(res)
      expect(problem.errors![0]!.pointer).toBe('/changes/0')
      expect(problem.detail).toContain(detail)
    })
  }

  it('a whole document: the pointer is inside /architecture', async () => {
    const arch = await jsonOf<{ architecture: { datasets: { sizeBytes: number }[] } }>(
      request('/api/v1/architecture'),
    )
    const broken = structuredClone(arch.architecture)
    broken.datasets[0]!.sizeBytes = -1
    const problem = await problemOf(await post({ architecture: broken }))
    expect(problem.status).toBe(422)
    expect(problem.errors![0]!.pointer).toBe('/architecture/datasets/0/sizeBytes')
  })

  it('a whole document with an unknown guest names /architecture/…/runsOn', async () => {
    const res = await post({
      architecture: { services: [{ name: 'x', runsOn: 'ghost', runtime: 'ollama' }] },
    })
    const problem = await problemOf(res)
    expect(problem.status).toBe(422)
    expect(problem.errors![0]!.pointer).toBe('/architecture/services/0/runsOn')
  })

  it('a whole document with a misspelt field names it', async () => {
    const arch = await jsonOf<{ architecture: { guests: Record<string, unknown>[] } }>(
      request('/api/v1/architecture'),
    )
    const typo = structuredClone(arch.architecture)
    typo.guests[0]!.memoryByts = 1
    const problem = await problemOf(await post({ architecture: typo }))
    expect(problem.status).toBe(422)
    expect(problem.errors![0]).toMatchObject({ pointer: '/architecture/guests/0/memoryByts' })
    expect(problem.errors![0]!.detail).toContain('did you mean "memoryBytes"')
  })

  it('both architecture and changes, or neither', async () => {
    expect((await post({})).status).toBe(422)
    expect((await post({ architecture: {}, changes: [{ op: 'remove', path: '/guests/0' }] })).status).toBe(
      422,
    )
  })
})
