/**
 * Runtime settings, GPU owners, links and the config bundle: how the lab planner reads each
 * runtime's settings (Ollama environment, llama-server flags) and what it emits for them.
 */
import { describe, expect, it } from 'vitest'
import { PlanInputError } from '../../../api/src/domain/plan-input-error.ts'
import { planVramFit } from '../../../api/src/domain/vram/plan-vram-fit.ts'
import { VramFitRequestSchema } from '../../../api/src/domain/vram/schemas.ts'
import { catalog, FINETUNE, GIB, MIB, OLLAMA_DEV, OLLAMA_PROD, patched, plan, seed, vm } from './fixtures.ts'

const llamaServer = {
  name: 'llama-14b',
  runsOn: 'host:meraxes',
  runtime: 'llama-server',
  llamaServer: { ctxSize: 16384, parallel: 2, cacheType: 'q8_0', flashAttn: true },
  modelStore: { on: 'meraxes-sn770-2tb' },
  models: [{ model: 'qwen2.5:14b', quantization: 'Q4_K_M', resident: true }],
}
const solo = () =>
  patched(
    { op: 'replace', path: `/services/${OLLAMA_PROD}/models`, value: [] },
    { op: 'add', path: '/services/-', value: llamaServer },
  )

function pointerOf(run: () => unknown): string {
  try {
    run()
  } catch (err) {
    if (err instanceof PlanInputError) return err.pointer
    throw err
  }
  return 'no error'
}

/** The pointer of the error planning the seed lab with `service` added; 'no error' when it plans. */
const pointerOfAdded = (service: object) =>
  pointerOf(() => plan(patched({ op: 'add', path: '/services/-', value: service })))

describe('llama-server', () => {
  it('splits --ctx-size over --parallel slots and counts one CUDA context for the process', () => {
    const gpu = plan(solo()).gpus.find((g) => g.node === 'meraxes')!
    const m = gpu.resident.find((x) => x.service === 'llama-14b')!
    // llama-server's -c is the total over the slots: 16384 for 2 slots of 8192 (the settings say so).
    expect([m.contextLength, m.parallel]).toEqual([16384, 2])
    expect(m.settings).toMatchObject({
      kvUnified: false,
      cacheTypeK: 'q8_0',
      cacheTypeV: 'q8_0',
      flashAttention: true,
    })
    // The same model through the VRAM planner directly, as llama-server with the same flags.
    const direct = planVramFit(
      VramFitRequestSchema.parse({
        model: 'qwen2.5:14b',
        quantization: 'Q4_K_M',
        runtime: 'llama-server',
        contextLength: 16384,
        parallel: 2,
        kvCacheType: 'q8_0',
        flashAttention: true,
        targets: ['meraxes'],
      }),
      catalog,
    )
    const b = direct.results[0]!.breakdown!
    expect(m.kvCacheBytes).toBe(b.kvCacheBytes)
    // One process: its CUDA context (457 MiB, Ollama ml/device.go) and --fit's 1 GiB kept free
    // (llama.cpp common/common.h fit_params_target): alone, exactly the VRAM planner's total.
    expect(gpu.residentBytes).toBe(
      m.weightsBytes + m.kvCacheBytes + m.computeBufferBytes + 457 * MIB + 1024 * MIB,
    )
    expect(gpu.residentBytes).toBe(b.totalGpuBytes)
  })

  it("emits the command line the plan assumed, and the model's load time from its store", () => {
    const p = plan(solo())
    const cmd = p.config.services.find((s) => s.name === 'llama-14b')!.commandLine!
    expect(cmd).toBe(
      'llama-server --model qwen2.5-14b-Q4_K_M.gguf --ctx-size 16384 --parallel 2 --n-gpu-layers 49 ' +
        '--ubatch-size 512 --flash-attn on --cache-type-k q8_0 --cache-type-v q8_0',
    )
    const m = p.gpus.find((g) => g.node === 'meraxes')!.resident[0]!
    // SN770: 5,150 MB/s sequential read (WD spec sheet) is slower than the 3090 Ti's PCIe 4.0 x16.
    expect(m.loadBottleneck).toMatch(/SN770/)
    expect(m.loadSeconds).toBeCloseTo(m.weightsBytes / 5150e6, 1)
  })

  it('one model per process; flags of another runtime are refused', () => {
    expect(
      pointerOfAdded({ ...llamaServer, models: [...llamaServer.models, { model: 'llama3.1:8b' }] }),
    ).toBe('/services/5/models')
    expect(pointerOfAdded({ ...llamaServer, ollama: { OLLAMA_NUM_PARALLEL: 2 } })).toBe('/services/5/ollama')
  })
})

describe('Ollama runtime profile', () => {
  it('a vision model alone takes exactly what the VRAM planner says: projector with the weights, margin once', () => {
    const gemma = patched({
      op: 'replace',
      path: `/services/${OLLAMA_PROD}/models`,
      value: [{ model: 'gemma3:27b', quantization: 'Q4_K_M', resident: true }],
    })
    const gpu = plan(gemma).gpus.find((g) => g.node === 'meraxes')!
    // ollama-prod's environment: OLLAMA_CONTEXT_LENGTH 8192, OLLAMA_NUM_PARALLEL 1, f16, flash attention.
    const direct = planVramFit(
      VramFitRequestSchema.parse({
        model: 'gemma3:27b',
        quantization: 'Q4_K_M',
        runtime: 'ollama',
        contextLength: 8192,
        parallel: 1,
        kvCacheType: 'f16',
        flashAttention: true,
        targets: ['meraxes'],
      }),
      catalog,
    ).results[0]!
    const projector = direct.settings!.projector!
    // Ollama llm/llama_server.go: the projector goes to the GPU, LLAMA_ARG_FIT_TARGET = projector + 1 GiB.
    expect(projector.onGpu).toBe(true)
    expect(gpu.resident[0]!.weightsBytes).toBe(direct.breakdown!.weightsGpuBytes + projector.bytes)
    expect(gpu.marginBytes).toBe(direct.settings!.fitMarginBytes - projector.bytes)
    // The planner's overhead holds the whole fit target (the projector inside it): the same total.
    expect(gpu.residentBytes).toBe(direct.breakdown!.totalGpuBytes)
  })
})

describe('Ollama settings', () => {
  it('writes the environment the plan was computed for', () => {
    const env = plan(seed).config.services.find((s) => s.name === 'ollama-prod')!.environment
    expect(env).toEqual([
      'Environment="OLLAMA_MAX_LOADED_MODELS=3"',
      'Environment="OLLAMA_NUM_PARALLEL=1"',
      'Environment="OLLAMA_KV_CACHE_TYPE=f16"',
      'Environment="OLLAMA_FLASH_ATTENTION=1"',
      'Environment="OLLAMA_CONTEXT_LENGTH=8192"',
      'Environment="OLLAMA_KEEP_ALIVE=-1"',
    ])
  })

  it("unset, the context follows Ollama's VRAM tiers (docs/context-length.mdx: 24-48 GiB → 32k, < 24 GiB → 4k)", () => {
    const p = plan(
      patched(
        { op: 'remove', path: `/services/${OLLAMA_PROD}/ollama` },
        { op: 'remove', path: `/services/${OLLAMA_DEV}/ollama` },
      ),
    )
    const context = (node: string) => p.gpus.find((g) => g.node === node)!.resident[0]!.contextLength
    expect(context('meraxes')).toBe(32768)
    expect(context('caraxes')).toBe(4096)
    expect(p.config.services.find((s) => s.name === 'ollama-prod')!.environment).toContain(
      'Environment="OLLAMA_CONTEXT_LENGTH=32768"',
    )
  })

  it('a quantized KV cache without flash attention is refused at the setting that causes it', () => {
    expect(
      pointerOf(() =>
        plan(
          patched({
            op: 'replace',
            path: `/services/${OLLAMA_DEV}/ollama/OLLAMA_FLASH_ATTENTION`,
            value: false,
          }),
        ),
      ),
    ).toBe(`/services/${OLLAMA_DEV}/ollama`)
  })

  it('more resident models than OLLAMA_MAX_LOADED_MODELS blocks', () => {
    const p = plan(
      patched({ op: 'replace', path: `/services/${OLLAMA_PROD}/ollama/OLLAMA_MAX_LOADED_MODELS`, value: 2 }),
    )
    expect(p.findings.find((f) => f.source.rule === 'max-loaded-models')).toMatchObject({
      severity: 'block',
      pointer: `/services/${OLLAMA_PROD}/ollama`,
    })
  })
})

describe('fine-tuning next to the resident models', () => {
  it('does not fit shared; exclusive runs with them unloaded', () => {
    const shared = plan(patched({ op: 'replace', path: `/services/${FINETUNE}/exclusive`, value: false }))
    expect(shared.findings.find((f) => f.source.rule === 'finetune')).toMatchObject({
      severity: 'block',
      pointer: `/services/${FINETUNE}/models/0`,
    })
    expect(plan(seed).findings.find((f) => f.source.rule === 'finetune')!.severity).toBe('info')
  })
})

describe('GPUs, NICs and links that go to guests', () => {
  it('a service in a VM without a GPU runs on the CPU (a warning)', () => {
    const p = plan(
      patched(
        {
          op: 'add',
          path: '/guests/-',
          value: { ...vm('meraxes', 320, 'cpu-vm', []), memoryBytes: 4 * GIB },
        },
        {
          op: 'add',
          path: '/services/-',
          value: {
            name: 'cpu-ollama',
            runsOn: 'cpu-vm',
            runtime: 'ollama',
            models: [{ model: 'llama3.2:3b' }],
          },
        },
      ),
    )
    expect(p.findings.find((f) => f.pointer === '/services/5/runsOn')).toMatchObject({
      severity: 'warn',
      source: { rule: 'gpu-owner' },
    })
  })

  it('a VM naming a GPU it is not given blocks', () => {
    const p = plan(
      patched(
        { op: 'add', path: '/guests/-', value: vm('meraxes', 320, 'no-gpu-vm', []) },
        {
          op: 'add',
          path: '/services/-',
          value: { name: 'wants-gpu', runsOn: 'no-gpu-vm', runtime: 'ollama', gpus: ['0d:00.0'], models: [] },
        },
      ),
    )
    expect(p.findings.find((f) => f.pointer === '/services/5/gpus')?.severity).toBe('block')
  })

  it("passing the link's NIC to a guest cuts the cross-node dataset read", () => {
    const p = plan(
      patched({ op: 'add', path: '/guests/-', value: vm('meraxes', 330, 'router', ['07:00.0']) }),
    )
    expect(p.findings.find((f) => f.source.rule === 'link-nic-passed')).toMatchObject({
      severity: 'block',
      pointer: '/datasets/0/readBy/0',
    })
  })
})
