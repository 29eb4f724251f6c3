import { describe, expect, it } from 'vitest'
import { jsonOf, postJson, problemOf } from './request.ts'

interface Answer {
  results: { target: { label: string; gpus: { node: string; gpu: string; backend: string; hypothetical: boolean }[] }; verdict: string; notes: string[] }[]
  warnings: string[]
}

describe('POST /api/v1/plan/vram-fit: what-if targets', () => {
  it('plans an RTX 4090 hypothetically in CARAXES', async () => {
    const res = await postJson('/api/v1/plan/vram-fit', { model: 'llama-3.1-8b', targets: [{ gpu: 'nvidia-rtx-4090', node: 'caraxes' }] })
    expect(res.status).toBe(200)
    const answer = await jsonOf<Answer>(res)
    expect(answer.results).toHaveLength(1)
    expect(answer.results[0]!.target.gpus).toEqual([expect.objectContaining({ node: 'caraxes', gpu: 'nvidia-rtx-4090', backend: 'cuda', hypothetical: true })])
    expect(answer.results[0]!.verdict).toBe('fits')
  })

  it('ranks the whole library for "library"', async () => {
    const answer = await jsonOf<Answer>(postJson('/api/v1/plan/vram-fit', { model: 'qwen2.5-32b', targets: 'library' }))
    expect(answer.results.length).toBeGreaterThanOrEqual(60)
    expect(answer.results[0]!.verdict).toBe('fits')
    expect(answer.warnings.some((w) => w.startsWith('targets "library"'))).toBe(true)
  })

  it('plans an inline card', async () => {
    const answer = await jsonOf<Answer>(postJson('/api/v1/plan/vram-fit', { model: 'llama-3.1-8b', targets: [{ name: 'my card', vramBytes: 17179869184, memoryBandwidthGBps: 640, backend: 'vulkan' }] }))
    expect(answer.results[0]!.target).toMatchObject({ label: 'my card (what-if)', gpus: [{ node: 'none', gpu: 'inline', backend: 'vulkan', hypothetical: true }] })
  })

  it.each([
    [{ gpu: 'nvidia-rtx-4095', node: 'caraxes' }, 404, '/targets/0/gpu'],
    [{ gpu: 'nvidia-rtx-4090', node: 'caraxes', backend: 'rocm' }, 422, '/targets/0/backend'],
    [{ gpu: 'nvidia-rtx-4090', node: 'caraxes', backend: 'opencl' }, 422, '/targets/0/backend'],
    [{ vramBytes: 1024, memoryBandwidthGBps: 640, backend: 'vulkan' }, 422, '/targets/0/vramBytes'],
  ])('rejects %j with %i at %s', async (target, status, pointer) => {
    const problem = await problemOf(await postJson('/api/v1/plan/vram-fit', { model: 'llama-3.1-8b', targets: [target] }))
    expect(problem.status).toBe(status)
    expect(problem.errors?.[0]).toMatchObject({ in: 'body', pointer })
  })
})
