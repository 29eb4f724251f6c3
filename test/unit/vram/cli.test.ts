/** `npm run vram -- <file.gguf>`: a local GGUF file planned from its header. */
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runVram } from '../../../scripts/vram.ts'
import { ggufBytes } from '../../fixtures/gguf-file.ts'
import { smollm2Q8 } from './gguf-fixtures.ts'

const dir = mkdtempSync(join(tmpdir(), 'vram-cli-'))
const file = join(dir, 'SmolLM2-135M-Q8_0.gguf')
writeFileSync(file, ggufBytes(smollm2Q8()))
// The file's real length (header + 143,025,408 bytes of tensors), sparse: no disk is used.
truncateSync(file, 143_100_000)
afterAll(() => rmSync(dir, { recursive: true }))

async function run(...argv: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await runVram(
    argv,
    (l: string) => out.push(l),
    (l: string) => err.push(l),
  )
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe('npm run vram', () => {
  it('plans the file on a target, weights from its header (143,025,408 B = 136 MiB)', async () => {
    const r = await run(file, '--ctx', '4096', '--target', 'caraxes')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/SmolLM2 135M \(Q8_0\): 136 MiB of weights/)
    // KV: 30 layers × 4096 × 768 B = 94,371,840 B = 90 MiB
    expect(r.out).toMatch(/CARAXES .*: fits .*\n.*KV 90 MiB/)
    expect(r.err).toMatch(/reading the header/)
  })

  it('prints the answer or the header as JSON', async () => {
    const answer: unknown = JSON.parse((await run(file, '--json', '--target', 'caraxes')).out)
    expect(answer).toMatchObject({ model: { weightsBytes: 143_025_408 } })
    const header: unknown = JSON.parse((await run(file, '--header')).out)
    expect(header).toHaveProperty('tensorInfos.length', 272)
  })

  it('says what is wrong with the arguments or the file', async () => {
    expect((await run()).code).toBe(2)
    expect((await run(file, '--ctx', 'lots')).err).toMatch(/--ctx expects a positive integer/)
    expect((await run(join(dir, 'missing.gguf'))).code).toBe(1)
    const r = await run(file, '--target', 'nowhere')
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/\/targets\/0/)
  })
})
