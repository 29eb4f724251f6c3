/** The model registry and VRAM-fit routes, requested from the real worker inside workerd. */
import { describe, expect, it } from 'vitest'
import { postJson, problemOf, request } from './request.ts'
import { URLS } from '../fixtures/remote-models.ts'
import { smollm2Q8 } from '../unit/vram/gguf-fixtures.ts'

const post = (body: unknown) => postJson('/api/v1/plan/vram-fit', body)

/** A two-layer inline architecture, valid on its own; the tables add or change the one field they refuse. */
const tinyArch = {
  layers: 2,
  hiddenSize: 64,
  heads: 4,
  kvHeads: 4,
  headDim: 16,
  ffnSize: 128,
  vocabSize: 100,
  tiedEmbeddings: true,
  contextLength: 512,
  maxContextLength: 512,
}

describe('GET /api/v1/models', () => {
  it('lists the registry', async () => {
    const res = await request('/api/v1/models')
    expect(res.status).toBe(200)
    const body = await res.json<{ items: { id: string }[]; count: number }>()
    expect(body.items.map((m) => m.id)).toContain('qwen2.5-14b')
    expect(body.count).toBe(body.items.length)
  })

  it('gets one model by id or Ollama tag, with a size per preset', async () => {
    const res = await request('/api/v1/models/llama3.1:8b')
    const body = await res.json<{ id: string; sizes: { quantization: string; weightsBytes: number }[] }>()
    expect(body.id).toBe('llama-3.1-8b')
    expect(body.sizes.find((s) => s.quantization === 'Q4_K_M')!.weightsBytes / 2 ** 30).toBeCloseTo(4.58, 2)
    expect(body.sizes.some((s) => s.quantization === 'MXFP4')).toBe(false)
  })

  it('404s an unknown model with the nearest ids', async () => {
    const res = await request('/api/v1/models/qwen2.5-15b')
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toContain('application/problem+json')
    expect((await res.json<{ detail: string }>()).detail).toContain('qwen2.5-14b')
  })
})

describe('GET /api/v1/quantizations', () => {
  it('lists the presets with their default ggml type', async () => {
    const body = await (
      await request('/api/v1/quantizations')
    ).json<{
      items: { quantization: string; defaultType: string }[]
    }>()
    expect(body.items.find((q) => q.quantization === 'Q4_K_M')?.defaultType).toBe('Q4_K')
  })
})

describe('POST /api/v1/plan/vram-fit', () => {
  it('answers Llama 3.1 70B Q4_K_M on MERAXES at 8k with a partial offload', async () => {
    const res = await post({
      model: 'llama-3.1-70b',
      quantization: 'Q4_K_M',
      contextLength: 8192,
      targets: ['meraxes'],
    })
    expect(res.status).toBe(200)
    const body = await res.json<{
      results: { verdict: string; tokensPerSecond: number }[]
      assumptions: unknown[]
    }>()
    expect(body.results[0]!.verdict).toBe('partial-offload')
    expect(body.assumptions.length).toBeGreaterThan(5)
  })

  it('answers Qwen3-30B-A3B on CARAXES with MoE expert offload (cpuMoeLayers)', async () => {
    const res = await post({
      model: 'qwen3-30b-a3b',
      quantization: 'Q4_K_M',
      contextLength: 4096,
      targets: ['caraxes'],
    })
    expect(res.status).toBe(200)
    const body = await res.json<{
      results: { verdict: string; cpuMoeLayers: number | null; notes: string[] }[]
    }>()
    expect(body.results[0]).toMatchObject({ verdict: 'partial-offload' })
    expect(body.results[0]!.cpuMoeLayers).toBeGreaterThan(0)
    expect(body.results[0]!.notes.join(' ')).toContain('--n-cpu-moe')
  })

  it.each([
    [{ model: 'llama-9b' }, 422, '/model'],
    [{ model: 'llama-3.1-8b', targets: ['nowhere'] }, 422, '/targets/0'],
    [{ model: 'gemma-2-9b', contextLength: 100000 }, 422, '/contextLength'],
    [{ model: 'llama-3.1-8b', contextLength: 0 }, 422, '/contextLength'],
    [{ model: 'llama-3.1-8b', kvCacheType: 'q4_0', flashAttention: false }, 422, '/kvCacheType'],
    [
      {
        model: { ...tinyArch, kvHeads: 8 },
      },
      422,
      '/model/kvHeads',
    ],
  ])('%o → %i problem+json pointing at %s', async (body, status, pointer) => {
    const res = await post(body)
    expect(res.status).toBe(status)
    expect(res.headers.get('content-type')).toContain('application/problem+json')
    const problem = await res.json<{ errors: { pointer: string }[] }>()
    expect(problem.errors.map((e) => e.pointer)).toContain(pointer)
  })
})

describe('POST /api/v1/plan/vram-fit: union fields name the real problem', () => {
  it('points into an inline architecture instead of at /model', async () => {
    const res = await post({
      model: { name: 'x', layers: 32 },
      quantization: 'Q4_K_M',
      contextLength: 2048,
      targets: ['meraxes'],
    })
    expect(res.status).toBe(422)
    const problem = await res.json<{ errors: { pointer: string }[] }>()
    expect(problem.errors.every((e) => e.pointer.startsWith('/model/'))).toBe(true)
  })

  it('says what a model may be when it is neither', async () => {
    const problem = await (
      await post({ model: 5, quantization: 'Q4_K_M', contextLength: 2048 })
    ).json<{ errors: { detail: string }[] }>()
    expect(problem.errors[0]?.detail).toBe(
      'Invalid input: expected string, received number; or expected object, received number; or ' +
        'expected object, received number',
    )
  })
})

describe('models fetched at the edge (offline fixture server as the network)', () => {
  it('plans a GGUF URL read with range requests through a redirect to the CDN', async () => {
    const res = await postJson('/api/v1/plan/vram-fit', { model: { url: URLS.smol }, targets: ['caraxes'] })
    expect(res.status).toBe(200)
    const answer = await res.json<{ model: { weightsBytes: number; quantization: string } }>()
    expect(answer.model).toMatchObject({ weightsBytes: 143_025_408, quantization: 'Q8_0' })
  })

  it('resolves an Ollama tag the registry does not hold through its manifest', async () => {
    const res = await postJson('/api/v1/plan/vram-fit', { model: 'smollm2:135m', targets: ['caraxes'] })
    expect(res.status).toBe(200)
  })

  it.each([
    ['http://huggingface.co/x.gguf', 422],
    ['https://127.0.0.1/x.gguf', 422],
    ['https://169.254.169.254/latest/meta-data/', 422],
    ['https://example.com/x.gguf', 422],
    [URLS.toLoopback, 422],
    [URLS.toOtherHost, 422],
    [URLS.huge, 422],
    [URLS.unreachable, 502],
  ])('refuses %s with %i problem+json', async (url, status) => {
    const res = await postJson('/api/v1/plan/vram-fit', { model: { url }, targets: ['caraxes'] })
    expect(res.status).toBe(status)
    const p = await problemOf(res)
    if (status === 422) expect(p.errors?.[0]?.pointer).toBe('/model/url')
    else expect(p.type).toBe('/docs/errors/#bad-gateway')
  })

  it('plans a posted GGUF header and a config.json', async () => {
    expect(
      (await postJson('/api/v1/plan/vram-fit', { model: { gguf: smollm2Q8() }, targets: ['caraxes'] }))
        .status,
    ).toBe(200)
    const config = {
      model_type: 'qwen3',
      num_hidden_layers: 36,
      hidden_size: 2560,
      num_attention_heads: 32,
      num_key_value_heads: 8,
      head_dim: 128,
      intermediate_size: 9728,
      vocab_size: 151936,
      max_position_embeddings: 40960,
      tie_word_embeddings: true,
    }
    expect(
      (await postJson('/api/v1/plan/vram-fit', { model: { config }, targets: ['caraxes'] })).status,
    ).toBe(200)
    const hybrid = await postJson('/api/v1/plan/vram-fit', {
      model: { config: { ...config, layer_types: ['linear_attention'] } },
    })
    expect(hybrid.status).toBe(422)
    expect((await problemOf(hybrid)).errors?.[0]?.pointer).toBe('/model/config/layer_types/0')
  })
})

describe('side models and registry names at the edge', () => {
  it('resolves hf.co/<user>/<repo>:<quant> through the Hugging Face registry manifest', async () => {
    const res = await postJson('/api/v1/plan/vram-fit', {
      model: 'hf.co/test-org/SmolLM2-135M-GGUF:Q8_0',
      targets: ['caraxes'],
    })
    expect(res.status).toBe(200)
    expect((await res.json<{ model: { weightsBytes: number } }>()).model.weightsBytes).toBe(143_025_408)
  })

  it('counts the projector layer of an Ollama manifest and a posted draft model on the main GPU', async () => {
    const res = await postJson('/api/v1/plan/vram-fit', {
      model: 'smolvlm:256m',
      draft: { gguf: smollm2Q8() },
      contextLength: 4096,
      targets: ['caraxes'],
    })
    expect(res.status).toBe(200)
    const b = (
      await res.json<{ results: { breakdown: { projectorBytes: number; draftModelBytes: number } }[] }>()
    ).results[0]!.breakdown
    expect(b.projectorBytes).toBe(851_251_104)
    expect(b.draftModelBytes).toBeGreaterThan(0)
  })

  it('refuses a draft URL on a host not allowed, naming /draft/url', async () => {
    const res = await postJson('/api/v1/plan/vram-fit', {
      model: 'llama-3.1-8b',
      draft: { url: 'https://example.com/d.gguf' },
    })
    expect(res.status).toBe(422)
    expect((await problemOf(res)).errors?.[0]?.pointer).toBe('/draft/url')
  })
})

describe('POST /api/v1/plan/vram-fit: runtimes and the settings they apply', () => {
  type Settings = {
    contextLength: number
    ubatch: number
    parallel: number
    kvUnified: boolean
    fromProfile: { field: string; rule: string }[]
  }
  type Answer = {
    runtime: { id: string; crossNode: boolean }
    results: {
      settings: Settings
      hostMemory: { totalBytes: number; fits: boolean | null; note: string }
      notes: string[]
    }[]
  }

  it("qwen2.5:14b with runtime ollama on CARAXES answers with Ollama's context and batch, and says so", async () => {
    const res = await post({ model: 'qwen2.5:14b', runtime: 'ollama', targets: ['caraxes'] })
    expect(res.status).toBe(200)
    const body = await res.json<Answer>()
    expect(body.runtime).toMatchObject({ id: 'ollama', crossNode: false })
    const s = body.results[0]!.settings
    expect(s).toMatchObject({ contextLength: 4096, ubatch: 512, parallel: 1 })
    expect(s.fromProfile.map((f) => f.field)).toEqual(expect.arrayContaining(['contextLength', 'ubatch']))
    expect(body.results[0]!.hostMemory.note).toContain('free -b')
  })

  it('llama-server defaults to 4 unified slots; llama.cpp takes separate K/V types, -ts and -nkvo', async () => {
    const server = await (
      await post({ model: 'llama3.1', runtime: 'llama-server', targets: ['meraxes'] })
    ).json<Answer>()
    expect(server.results[0]!.settings).toMatchObject({ parallel: 4, kvUnified: true })
    const res = await post({
      model: 'llama-3.1-70b',
      runtime: 'llama.cpp',
      contextLength: 4096,
      cacheTypeK: 'q8_0',
      cacheTypeV: 'q4_0',
      noKvOffload: true,
      tensorSplit: [3, 1],
      targets: ['meraxes', 'caraxes'],
    })
    expect(res.status).toBe(200)
    expect((await res.json<Answer>()).runtime.crossNode).toBe(true)
  })

  it.each([
    [{ model: 'llama-3.1-8b', runtime: 'vllm' }, 422, '/runtime'],
    [{ model: 'llama-3.1-8b', cacheTypeK: 'q8_0', cacheTypeV: 'f16' }, 422, '/cacheTypeV'],
    [{ model: 'llama-3.1-8b', noKvOffload: true }, 422, '/noKvOffload'],
    [
      { model: 'llama-3.1-8b', runtime: 'llama.cpp', tensorSplit: [1, 1], targets: ['meraxes'] },
      422,
      '/tensorSplit',
    ],
    [{ model: 'llama-3.1-8b', quantization: 'IQ2_XS', imatrix: false }, 422, '/imatrix'],
    // A name in a body that names nothing is a 422 at its pointer (api/src/http/plan-input.ts: a 404 is for
    // paths). Not tag-shaped (name:tag), so the edge does not ask the Ollama registry for it.
    [{ model: 'deepseek-r1-14b-typo' }, 422, '/model'],
    [
      {
        model: {
          ...tinyArch,
          llamaCppArchitecture: 'mamba',
        },
      },
      422,
      '/model/llamaCppArchitecture',
    ],
    [
      {
        model: {
          ...tinyArch,
          moe: { experts: 1, activeExperts: 1, expertFfnSize: 64 },
        },
      },
      422,
      '/model/moe/experts',
    ],
  ])('%o → %i problem+json pointing at %s', async (body, status, pointer) => {
    const res = await post(body)
    expect(res.status).toBe(status)
    const problem = await res.json<{ errors: { pointer: string }[] }>()
    expect(problem.errors.map((e) => e.pointer)).toContain(pointer)
  })
})
