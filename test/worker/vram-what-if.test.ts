import { describe, expect, it } from 'vitest'
import { jsonOf, postJson, problemOf } from './request.ts'

interface Answer {
  results: {
    target: { label: string; gpus: { node: string; gpu: string; backend: string; hypothetical: boolean }[] }
    verdict: string
    notes: string[]
  }[]
  warnings: string[]
}

describe('POST /api/v1/plan/vram-fit: what-if targets', () => {
  it('plans an RTX 4090 hypothetically in CARAXES', async () => {
    const res = await postJson('/api/v1/plan/vram-fit', {
      model: 'llama-3.1-8b',
      targets: [{ gpu: 'nvidia-rtx-4090', node: 'caraxes' }],
    })
    expect(res.status).toBe(200)
    const answer = await jsonOf<Answer>(res)
    expect(answer.results).toHaveLength(1)
    expect(answer.results[0]!.target.gpus).toEqual([
      expect.objectContaining({
        node: 'caraxes',
        gpu: 'nvidia-rtx-4090',
        backend: 'cuda',
        hypothetical: true,
      }),
    ])
    expect(answer.results[0]!.verdict).toBe('fits')
  })

  it('ranks the whole library for "library"', async () => {
    const answer = await jsonOf<Answer>(
      postJson('/api/v1/plan/vram-fit', { model: 'qwen2.5-32b', targets: 'library' }),
    )
    expect(answer.results.length).toBeGreaterThanOrEqual(60)
    expect(answer.results[0]!.verdict).toBe('fits')
    expect(answer.warnings.some((w) => w.startsWith('targets "library"'))).toBe(true)
  })

  it('plans an inline card', async () => {
    const answer = await jsonOf<Answer>(
      postJson('/api/v1/plan/vram-fit', {
        model: 'llama-3.1-8b',
        targets: [{ name: 'my card', vramBytes: 17179869184, memoryBandwidthGBps: 640, backend: 'vulkan' }],
      }),
    )
    expect(answer.results[0]!.target).toMatchObject({
      label: 'my card (what-if)',
      gpus: [{ node: 'none', gpu: 'inline', backend: 'vulkan', hypothetical: true }],
    })
  })

  it.each([
    // docs/API.md ("Errors"): an unknown name inside a planner body is a 422, not a 404.
    [{ gpu: 'nvidia-rtx-4095', node: 'caraxes' }, 422, '/targets/0/gpu'],
    [{ gpu: 'nvidia-rtx-4090', node: 'caraxis' }, 422, '/targets/0/node'],
    [{ gpu: 'nvidia-rtx-4090', node: 'caraxes', backend: 'rocm' }, 422, '/targets/0/backend'],
    [{ gpu: 'nvidia-rtx-4090', node: 'caraxes', backend: 'opencl' }, 422, '/targets/0/backend'],
    [{ vramBytes: 1024, memoryBandwidthGBps: 640, backend: 'vulkan' }, 422, '/targets/0/vramBytes'],
  ])('rejects %j with %i at %s', async (target, status, pointer) => {
    const problem = await problemOf(
      await postJson('/api/v1/plan/vram-fit', { model: 'llama-3.1-8b', targets: [target] }),
    )
    expect(problem.status).toBe(status)
    expect(problem.errors?.[0]).toMatchObject({ in: 'body', pointer })
  })

  // Strict inputs (docs/API.md, "Requests"): a typo in any target shape is named, with the nearest field.
  it.each([
    [[{ gpu: 'nvidia-rtx-4090', node: 'caraxes', bakend: 'cuda' }], '/targets/0/bakend', 'backend'],
    [
      [{ vramBytes: 17179869184, memoryBandwidthGBps: 640, backend: 'vulkan', nmae: 'mine' }],
      '/targets/0/nmae',
      'name',
    ],
    [{ library: { node: 'caraxes', vendors: ['AMD'] } }, '/targets/library/vendors', 'vendor'],
  ])('names the unknown field of %j', async (targets, pointer, nearest) => {
    const problem = await problemOf(
      await postJson('/api/v1/plan/vram-fit', { model: 'llama-3.1-8b', targets }),
    )
    expect(problem.status).toBe(422)
    expect(problem.errors).toEqual([expect.objectContaining({ in: 'body', pointer })])
    expect(problem.errors?.[0]?.detail).toContain(`did you mean "${nearest}"`)
  })

  it.each([
    [{ library: { node: 'caraxis' } }, '/targets/library/node'],
    [{ library: { vendor: ['Intel'], minVramBytes: 2 ** 40 } }, '/targets/library'],
  ])('answers %j with a 422 at %s', async (targets, pointer) => {
    const problem = await problemOf(
      await postJson('/api/v1/plan/vram-fit', { model: 'llama-3.1-8b', targets }),
    )
    expect(problem.status).toBe(422)
    expect(problem.errors?.[0]).toMatchObject({ in: 'body', pointer })
  })
})
