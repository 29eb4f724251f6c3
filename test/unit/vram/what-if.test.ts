/**
 * What-if targets of the VRAM planner: library cards in a lab node, inline cards, the whole
 * library, and the per-backend fixed costs. Expected values are worked out by hand in each test.
 */
import { describe, expect, it } from 'vitest'
import { GIB, MIB, catalog, plan, only, planError } from './helpers.ts'

describe('what-if: a library card in a lab node', () => {
  // NVIDIA spec pages: RTX 4090 and RTX 3090 Ti both have 24 GB at 1008 GB/s, and both run CUDA,
  // so in MERAXES's slot (PCIe 4.0 x16) a 4090 plans exactly like the 3090 Ti it would replace.
  it('plans an RTX 4090 in MERAXES exactly like the 3090 Ti there (same 24 GiB, 1008 GB/s, CUDA)', () => {
    const lab = only(plan({ model: 'qwen2.5-14b', contextLength: 16384, targets: ['meraxes'] }))
    const whatIf = only(
      plan({
        model: 'qwen2.5-14b',
        contextLength: 16384,
        targets: [{ gpu: 'nvidia-rtx-4090', node: 'meraxes' }],
      }),
    )
    expect(whatIf.target).toMatchObject({ label: 'MERAXES GeForce RTX 4090 (what-if)', crossNode: false })
    expect(whatIf.target.gpus[0]).toMatchObject({
      node: 'meraxes',
      gpu: 'nvidia-rtx-4090',
      backend: 'cuda',
      hypothetical: true,
    })
    expect(whatIf.breakdown).toEqual(lab.breakdown)
    expect(whatIf.tokensPerSecond).toBe(lab.tokensPerSecond)
    expect(whatIf.maxContextLength).toBe(lab.maxContextLength)
    expect(whatIf.loadSeconds).toBe(lab.loadSeconds)
  })

  // MERAXES's fastest drive is the WD SN850X: 7,300 MB/s sequential read (WD datasheet), below the
  // drive's PCIe 4.0 x4 (7,877 MB/s) and the GPU's PCIe 4.0 x16 (31,507 MB/s): load = bytes / 7.3 GB/s.
  it("prices the load time with the node's drives", () => {
    const a = plan({ model: 'llama-3.1-8b', targets: [{ gpu: 'nvidia-rtx-4090', node: 'meraxes' }] })
    expect(only(a).loadSeconds).toBe(Math.round((a.model.weightsBytes / 7.3e9) * 10) / 10)
  })

  it("caps the card's link at the slot of the node's GPU: a 4090 (PCIe 4.0) in CARAXES runs at 3.0 x16", () => {
    const r = only(plan({ model: 'llama-3.1-8b', targets: [{ gpu: 'nvidia-rtx-4090', node: 'caraxes' }] }))
    expect(r.notes).toContain(
      'GeForce RTX 4090 in CARAXES: assumed in the slot of its current GPU, which runs at PCIe 3.0 ' +
        "x16; the card runs at PCIe 3.0 x16, below the card's PCIe 4.0 x16.",
    )
    // CARAXES lists only HBA disks of unknown model: no read rate, so no load time (not a guess).
    expect(r.loadSeconds).toBeNull()
  })

  // PCIe 3.0: 8 GT/s × 128/130 / 8 = 984.6 MB/s per lane; an x1 riser is slower than the SN850X.
  it('lets a slow slot become the load bottleneck: an inline card on PCIe 3.0 x1 in MERAXES', () => {
    const a = plan({
      model: 'llama-3.1-8b',
      targets: [
        {
          vramBytes: 16 * GIB,
          memoryBandwidthGBps: 448,
          backend: 'cuda',
          node: 'meraxes',
          pcie: { generation: 3, lanes: 1 },
        },
      ],
    })
    expect(only(a).loadSeconds).toBe(Math.round((a.model.weightsBytes / 984.6e6) * 10) / 10)
  })

  it('adds a second, hypothetical card next to a lab GPU: one layer split in one node', () => {
    // Llama-3.1-70B Q4_K_M weighs ~39.6 GiB: more than 24 GiB, less than 2 × 24 GiB minus overheads.
    const r = only(
      plan({
        model: 'llama-3.1-70b',
        contextLength: 4096,
        targets: ['meraxes', { gpu: 'nvidia-rtx-3090', node: 'meraxes' }],
      }),
    )
    expect(r.target.crossNode).toBe(false)
    expect(r.target.gpus.map((g) => g.hypothetical)).toEqual([false, true])
    expect(r.verdict).toBe('fits')
    expect(r.notes).toContain(
      'GeForce RTX 3090 is a second card in MERAXES: it was priced in the slot of the GPU already ' +
        'there; a second slot is often narrower (check the board).',
    )
  })

  it('says that decode speed off CUDA uses the CUDA-calibrated efficiency', () => {
    const r = only(
      plan({
        model: 'gemma-3-27b',
        targets: [{ gpu: 'amd-rx-7900-xtx', node: 'meraxes', backend: 'vulkan' }],
      }),
    )
    expect(r.target.gpus[0]!.backend).toBe('vulkan')
    expect(r.notes).toContain(
      'Radeon RX 7900 XTX: tokens/s uses the bandwidth efficiency calibrated on CUDA (η = 0.74); ' +
        'vulkan is not calibrated and often decodes slower.',
    )
  })

  it("carries the card's runtime notes (CUDA 13 dropped Pascal) into the answer", () => {
    const r = only(plan({ model: 'llama-3.1-8b', targets: [{ gpu: 'nvidia-tesla-p40', node: 'meraxes' }] }))
    expect(
      r.notes.some((n) => n.startsWith('Tesla P40: CUDA 13 removed support for Maxwell, Pascal and Volta')),
    ).toBe(true)
  })
})

describe('what-if: per-backend fixed costs', () => {
  const overhead = (backend: 'cuda' | 'rocm' | 'vulkan' | 'sycl') =>
    only(
      plan({ model: 'llama-3.1-8b', targets: [{ vramBytes: 16 * GIB, memoryBandwidthGBps: 500, backend }] }),
    ).breakdown!.overheadBytes

  // ollama ml/device.go MinimumMemory: 457 MiB for every library but Metal; + the 512 MiB planner
  // margin, raised to the 1024 MiB every runtime profile keeps free (llama.cpp common/common.h
  // fit_params_target; Ollama passes --fit's target too): 457 + 1024 = 1481 MiB.
  it.each(['cuda', 'rocm', 'vulkan', 'sycl'] as const)(
    '%s: 457 MiB context + 1024 MiB --fit margin = 1481 MiB',
    (backend) => {
      expect(overhead(backend)).toBe(1481 * MIB)
    },
  )

  // Metal: 512 MiB (ollama ml/device.go) + the 1024 MiB --fit margin; usable memory is the working set:
  // ggml_metal_init logs recommendedMaxWorkingSetSize = 11453.25 MB on 16 GiB (2/3) and
  // 77309.41 MB on 96 GiB (3/4).
  it.each([
    [16, 11453246122],
    [96, 77309411328],
  ])('metal on %i GiB of unified memory: the GPU may use %i bytes, overhead 1536 MiB', (gib, workingSet) => {
    const r = only(
      plan({
        model: 'llama-3.1-8b',
        targets: [{ name: 'Mac', vramBytes: gib * GIB, memoryBandwidthGBps: 400, backend: 'metal' }],
      }),
    )
    expect(r.target.gpus[0]).toMatchObject({
      node: 'none',
      gpu: 'inline',
      name: 'Mac',
      vramBytes: workingSet,
      backend: 'metal',
    })
    expect(r.breakdown!.overheadBytes).toBe(1536 * MIB)
    expect(r.breakdown!.freeGpuBytes).toBe(workingSet - r.breakdown!.totalGpuBytes)
  })

  it('takes a working set read from the log instead of the default share', () => {
    const r = only(
      plan({
        model: 'llama-3.1-8b',
        targets: [
          {
            vramBytes: 24 * GIB,
            memoryBandwidthGBps: 120,
            backend: 'metal',
            metalWorkingSetBytes: 19_069_000_000,
          },
        ],
      }),
    )
    expect(r.target.gpus[0]!.vramBytes).toBe(19_069_000_000)
  })

  it('states every backend cost with its source among the assumptions', () => {
    const terms = plan({ model: 'llama-3.1-8b', targets: ['meraxes'] }).assumptions.map((a) => a.term)
    expect(terms).toEqual(
      expect.arrayContaining([
        'overhead (cuda)',
        'overhead (rocm)',
        'overhead (vulkan)',
        'overhead (sycl)',
        'overhead (metal)',
        'Metal working set',
      ]),
    )
  })

  it('leaves load time unpriced for a card without a node, and says why', () => {
    const r = only(
      plan({
        model: 'llama-3.1-8b',
        targets: [{ vramBytes: 16 * GIB, memoryBandwidthGBps: 500, backend: 'rocm' }],
      }),
    )
    expect(r.loadSeconds).toBeNull()
    expect(r.loadSecondsReason).toContain('no node')
  })
})

describe('what-if: "library" ranks every card as a single GPU', () => {
  const a = plan({ model: 'llama-3.1-70b', contextLength: 8192, targets: 'library' })

  it('answers once per library card, fits first, every one hypothetical, with a warning', () => {
    expect(a.results).toHaveLength(catalog.gpuModels.length)
    expect(a.results.every((r) => r.target.gpus.length === 1 && r.target.gpus[0]!.hypothetical)).toBe(true)
    const verdicts = a.results.map((r) => r.verdict)
    expect(verdicts.indexOf('partial-offload')).toBeGreaterThan(verdicts.lastIndexOf('fits'))
    expect(a.warnings.some((w) => w.startsWith('targets "library"'))).toBe(true)
  })

  // Llama-3.1-70B Q4_K_M: ~39.6 GiB of weights on the GPU, 8192 cells × 80 layers × 2 × 1024 × 2 B
  // = 2.5 GiB of KV, ~1 GiB context + margin and a compute buffer: ~44 GiB, above 40 GiB, below 48.
  it('fits Llama-3.1-70B Q4_K_M at 8k context exactly on the cards with 48 GiB or more', () => {
    const fits = a.results
      .filter((r) => r.verdict === 'fits')
      .map((r) => r.target.gpus[0]!.gpu)
      .sort()
    const big = catalog.gpuModels
      .filter((g) => g.vramBytes >= 48 * GIB)
      .map((g) => g.slug)
      .sort()
    expect(fits).toEqual(big)
  })

  it('ranks the fitting cards by decode speed: the 1.9 TB/s A100 80GB before the 960 GB/s RTX 6000 Ada', () => {
    const rank = (slug: string) => a.results.findIndex((r) => r.target.gpus[0]!.gpu === slug)
    expect(rank('nvidia-a100-80gb-pcie')).toBeLessThan(rank('nvidia-rtx-6000-ada'))
  })
})

describe('what-if: {"library": {…}} ranks a filtered part of the library in a lab node', () => {
  it("places every card of 16 GiB or more in CARAXES's slot, where CPU layers get its host RAM", () => {
    const a = plan({
      model: 'qwen2.5-32b',
      contextLength: 8192,
      targets: { library: { node: 'caraxes', minVramBytes: 16 * GIB } },
    })
    const expected = catalog.gpuModels.filter((g) => g.vramBytes >= 16 * GIB).length
    expect(a.results).toHaveLength(expected)
    expect(
      a.results.every((r) => r.target.gpus[0]!.node === 'caraxes' && r.target.gpus[0]!.vramBytes >= 16 * GIB),
    ).toBe(true)
    expect(a.warnings).toContain(
      `targets "library": ${expected} library cards, each alone in CARAXES's GPU slot.`,
    )
    // Qwen2.5-32B Q4_K_M (~18.5 GiB) overflows a 16 GiB card: the rest runs on CARAXES's 40 GB/s host RAM.
    const partial = a.results.find((r) => r.verdict === 'partial-offload')!
    expect(partial.tokensPerSecond).toBeGreaterThan(0)
  })

  it('plans each card on the first of its backends the filter lists', () => {
    const a = plan({ model: 'llama-3.1-8b', targets: { library: { vendor: ['AMD'], backend: ['vulkan'] } } })
    expect(a.results.every((r) => r.target.gpus[0]!.backend === 'vulkan')).toBe(true)
    expect(a.results.map((r) => r.target.gpus[0]!.gpu)).not.toContain('amd-instinct-mi100') // CDNA: ROCm only
  })

  it.each([
    [{ vendor: ['Intel' as const], minVramBytes: 64 * GIB }, 'invalid', '/targets/library'],
    [{ node: 'caraxis' }, 'not-found', '/targets/library/node'],
  ])('%j → %s at %s', (library, kind, pointer) => {
    expect(planError({ model: 'llama-3.1-8b', targets: { library } })).toMatchObject({ kind, pointer })
  })
})

describe('what-if: bad targets', () => {
  it.each([
    [{ gpu: 'nvidia-rtx-4095', node: 'caraxes' }, 'not-found', '/targets/0/gpu', 'nvidia-rtx-4090'],
    [{ gpu: 'nvidia-rtx-4090', node: 'caraxis' }, 'not-found', '/targets/0/node', 'caraxes'],
    [
      { gpu: 'nvidia-rtx-4090', node: 'caraxes', backend: 'rocm' as const },
      'invalid',
      '/targets/0/backend',
      'runs cuda, vulkan',
    ],
    [
      {
        vramBytes: 16 * GIB,
        memoryBandwidthGBps: 500,
        backend: 'cuda' as const,
        metalWorkingSetBytes: 8 * GIB,
      },
      'invalid',
      '/targets/0/metalWorkingSetBytes',
      'metal only',
    ],
    [
      { vramBytes: 16 * GIB, memoryBandwidthGBps: 500, backend: 'metal' as const, node: 'meraxes' },
      'invalid',
      '/targets/0/node',
      'unified memory',
    ],
    [
      {
        vramBytes: 16 * GIB,
        memoryBandwidthGBps: 500,
        backend: 'metal' as const,
        metalWorkingSetBytes: 17 * GIB,
      },
      'invalid',
      '/targets/0/metalWorkingSetBytes',
      'exceeds',
    ],
  ])('%j → %s at %s', (target, kind, pointer, detail) => {
    const err = planError({ model: 'llama-3.1-8b', targets: [target] })
    expect(err).toMatchObject({ kind, pointer })
    expect(err.message).toContain(detail)
  })

  it('points an unknown lab name at the what-if form', () => {
    expect(planError({ model: 'llama-3.1-8b', targets: ['nvidia-rtx-4090'] }).message).toContain(
      '{"gpu": "<library slug>", "node": "<node>"}',
    )
  })
})
