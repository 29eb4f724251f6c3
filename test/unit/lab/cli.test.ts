/** `npm run plan`: report, --json, --changes, exit codes 0 / 1 / 2, as a CI job would run it. */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { verdictOf } from '../../../api/src/domain/lab/plan-lab.ts'
import { runPlan } from '../../../scripts/plan-lab.ts'
import { OLLAMA_PROD, seed } from './fixtures.ts'

const dir = mkdtempSync(join(tmpdir(), 'plan-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function write(name: string, value: unknown): string {
  const path = join(dir, name)
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value))
  return path
}

function run(...argv: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = runPlan(argv, { out: (s) => out.push(s), err: (s) => err.push(s), color: false })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

const gemma = write('gemma.json', [
  { op: 'add', path: `/services/${OLLAMA_PROD}/models/-`, value: { model: 'gemma3:27b', resident: true } },
])

describe('npm run plan', () => {
  it('reads the node files of a folder and exits 0 when the architecture holds', () => {
    const r = run('data/architecture')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/^architecture: HOLDS/)
    expect(r.out).toMatch(/meraxes GeForce RTX 3090 Ti +host:meraxes +qwen2\.5:14b/)
    expect(r.out).not.toContain('\u001b[')
  })

  it('exits 1 on a breaking change, with the finding and the diff', () => {
    const r = run('data/architecture', '--changes', gemma)
    expect(r.code).toBe(1)
    expect(r.out).toContain('BREAKS')
    expect(r.out).toMatch(/~ info → block resident-set \/services\/2\/models:/)
  })

  it('--json prints the API answer; a whole document is accepted too', () => {
    const whole = write('lab.json', seed)
    const r = run(whole, '--json')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.out)).toMatchObject({
      verdict: 'holds',
      architecture: { guests: [{ name: 'ai-dev' }, { name: 'openwebui' }] },
    })
  })

  it('--help prints the usage and exits 0', () => {
    const r = run('--help')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/^Usage: npm run plan -- /)
    expect(r.out).toContain('Exit status: 0 holds, 1 breaks')
  })

  it('exits 2 on bad input, naming the file and field', () => {
    expect(run().code).toBe(2)
    expect(run('data/architecture', '--frobnicate').err).toContain('unknown option --frobnicate')
    expect(run(join(dir, 'missing.yaml')).err).toContain('no such file')
    const bad = write(
      'bad.yaml',
      'node: meraxes\nprovenance: { default: { status: documented } }\nguests:\n  - { vmid: 5, name: ' +
        'x, kind: vm, memoryBytes: 1073741824, cores: 1, provenance: { default: { status: documented } ' +
        '} }\n',
    )
    const r = run(bad)
    expect(r.code).toBe(2)
    expect(r.err).toContain('bad.yaml: guests[0].vmid: Too small')
    const unknown = run(
      'data/architecture',
      '--changes',
      write('nope.json', [{ op: 'replace', path: '/guests/9/cores', value: 1 }]),
    )
    expect(unknown.code).toBe(2)
    expect(unknown.err).toMatch(/nope\.json: \/0: Operation 0 .*does not apply/)
  })

  it('exits 2 on a misspelt field, in a node file or inside a patch value', () => {
    const typo = write(
      'typo.yaml',
      'node: meraxes\nprovenance: { default: { status: documented } }\nguests:\n  - { vmid: 300, ' +
        'name: x, kind: vm, memoryBytes: 1073741824, cores: 1, memroyBytes: 1, provenance: { default: ' +
        '{ status: documented } } }\n',
    )
    const file = run(typo)
    expect(file.code).toBe(2)
    expect(file.err).toContain('typo.yaml: guests[0].memroyBytes: unknown field')
    const patch = write('typo.json', [
      { op: 'add', path: `/services/${OLLAMA_PROD}/models/-`, value: { model: 'gemma3:27b', resdent: true } },
    ])
    const r = run('data/architecture', '--changes', patch)
    expect(r.code).toBe(2)
    expect(r.err).toContain('typo.json: /0: After the changes, /services/2/models/4/resdent: unknown field')
  })

  it('a reference error in a node file names that file and field', () => {
    const bad = write(
      'meraxes.yaml',
      'node: meraxes\nprovenance: { default: { status: documented } }\nservices:\n  - { name: x, ' +
        'runsOn: ghost, runtime: ollama, provenance: { default: { status: documented } } }\n',
    )
    expect(run(bad).err).toContain('meraxes.yaml: services[0].runsOn: No guest "ghost"')
  })

  it('needs-review fails only with --strict', () => {
    const unknown = {
      severity: 'unknown' as const,
      source: { planner: 'lab' as const, rule: 'x' },
      pointer: '/',
      message: '',
      command: null,
    }
    expect(verdictOf([unknown])).toBe('needs-review')
    expect(verdictOf([{ ...unknown, command: 'free -b' }])).toBe('holds')
    expect(run('data/architecture', '--strict').code).toBe(0)
  })

  it('runs as a new user would: npm run plan -- <file> exits 1 on a breaking architecture', () => {
    const broken = write('broken.json', {
      ...seed,
      services: seed.services.map((s, i) =>
        i === OLLAMA_PROD ? { ...s, models: [...s.models, { model: 'gemma3:27b', resident: true }] } : s,
      ),
    })
    const r = spawnSync(process.execPath, ['scripts/plan-lab.ts', broken], { encoding: 'utf8' })
    expect(r.status).toBe(1)
    expect(r.stdout).toContain('resident-set')
  })
})
