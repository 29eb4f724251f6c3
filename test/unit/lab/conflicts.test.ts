/**
 * Each conflict between planners that the lab planner exists to see: a fixture that trips it
 * and one that passes. Fixtures are the documented architecture (data/architecture/) changed
 * by an RFC 6902 patch, as a user would send them.
 */
import { describe, expect, it } from 'vitest'
import { CUDA_CONTEXT_BYTES } from '../../../api/src/domain/vram/placement.ts'
import { AI_DEV, CORPUS, GIB, MIB, OLLAMA_PROD, patched, plan, rules, seed, vm, withRam } from './fixtures.ts'

const blocks = (p: ReturnType<typeof plan>) => p.findings.filter((f) => f.severity === 'block')
const PROD_MODELS = `/services/${OLLAMA_PROD}/models`

describe('the seed architecture', () => {
  it('holds: no blocking finding; unknowns name the command that settles them', () => {
    const p = plan(seed)
    expect(p.verdict).toBe('holds')
    expect(blocks(p)).toEqual([])
    expect(p.findings.filter((f) => f.severity === 'unknown').every((f) => f.command !== null)).toBe(true)
  })

  it('unknown RAM is an unknown finding naming free -b', () => {
    const ram = plan(seed).findings.find((f) => f.source.rule === 'C20')!
    expect(ram).toMatchObject({
      severity: 'unknown',
      command: 'free -b',
      pointer: `/guests/${AI_DEV}/memoryBytes`,
    })
    // The passthrough rule keeps its name and its page on this server beside its id.
    expect(ram.source).toMatchObject({ planner: 'passthrough', rule: 'C20', docsUrl: '/rules/#c20' })
    expect(ram.source.name).toMatch(/^[a-z-]+$/)
  })

  it('counts one CUDA context per Ollama runner and the margin once per GPU', () => {
    const gpu = plan(seed).gpus.find((g) => g.node === 'meraxes')!
    const models = gpu.resident.reduce(
      (s, m) => s + m.weightsBytes + m.kvCacheBytes + m.computeBufferBytes,
      0,
    )
    // Ollama ml/device.go: 457 MiB minimum per CUDA context; one runner (process) per loaded model.
    expect(CUDA_CONTEXT_BYTES).toBe(457 * MIB)
    // The runtime's fit margin once per GPU: llama.cpp common/common.h fit_params_target, 1 GiB.
    expect(gpu.residentBytes).toBe(models + 3 * 457 * MIB + 1024 * MIB)
    expect(gpu.marginBytes).toBe(1024 * MIB)
    expect(gpu.resident.every((m) => m.cudaContextBytes === 457 * MIB)).toBe(true)
    expect(gpu.freeBytes).toBe(24 * GIB - gpu.residentBytes)
  })
})

describe('models that each fit the 3090 Ti alone but not together', () => {
  const three = (resident: boolean) =>
    patched(
      { op: 'remove', path: `${PROD_MODELS}/3` },
      {
        op: 'replace',
        path: `${PROD_MODELS}/2`,
        value: { model: 'gemma3:12b', quantization: 'Q4_K_M', resident },
      },
    )

  it('trips: qwen2.5:14b + llama3.1:8b + gemma3:12b resident overflow 24 GiB', () => {
    const p = plan(three(true))
    const gpu = p.gpus.find((g) => g.node === 'meraxes')!
    expect(gpu.resident.every((m) => m.aloneVerdict === 'fits')).toBe(true)
    expect(gpu.freeBytes).toBeLessThan(0)
    const f = blocks(p).find((x) => x.source.rule === 'resident-set')!
    expect(f.pointer).toBe(PROD_MODELS)
    expect(f.message).toMatch(/Drop qwen2\.5:14b \(ollama-prod\) from the resident set/)
  })

  it('passes: gemma3:12b on demand is a swap warning, not a block', () => {
    const p = plan(three(false))
    expect(p.verdict).toBe('holds')
    expect(p.findings.find((f) => f.pointer === `${PROD_MODELS}/2`)?.severity).toBe('warn')
  })
})

describe('the SN850X passed to a VM while it holds the host model store', () => {
  const sn850x = vm('meraxes', 300, 'nvme-vm', ['0000:01:00.0'])

  it('trips', () => {
    const f = blocks(plan(patched({ op: 'add', path: '/guests/-', value: sn850x })))
    expect(f.map((x) => `${x.source.rule} ${x.pointer}`)).toEqual([
      `drive-passed-through /services/${OLLAMA_PROD}/modelStore`,
    ])
  })

  it('passes once the store moves to the SN770', () => {
    const p = plan(
      patched(
        { op: 'add', path: '/guests/-', value: sn850x },
        { op: 'replace', path: `/services/${OLLAMA_PROD}/modelStore/on`, value: 'meraxes-sn770-2tb' },
      ),
    )
    expect(blocks(p)).toEqual([])
    expect(p.drives.find((d) => d.storageId === 'meraxes-sn850x-4tb')!.owner).toBe('nvme-vm')
  })
})

describe('both HBAs passed to a NAS VM on CARAXES while MERAXES fine-tunes from its dataset', () => {
  const nas = vm('caraxes', 120, 'nas', ['05:00.0', '07:00.0'])

  it("trips: the HBA disks leave the host with ai-dev's disks on them", () => {
    const f = blocks(plan(patched({ op: 'add', path: '/guests/-', value: nas })))
    expect(f.map((x) => x.pointer)).toEqual([`/guests/${AI_DEV}/disks/0`, `/guests/${AI_DEV}/disks/1`])
  })

  it('the dataset read is priced over the 1 Gb/s link with its bottleneck', () => {
    const flow = plan(seed).flows.find((x) => x.dataset === 'finetune-corpus')!
    // 1000 Mb/s / 8 × 0.94 TCP payload = 117.5 MB/s (1448 of 1538 bytes per frame); 120 GB / 117.5 MB/s.
    expect(flow.bottleneck).toMatchObject({ kind: 'network', MBps: 117.5 })
    expect(flow.seconds).toBeCloseTo(120e9 / 117.5e6, 0)
    expect(flow.lowerBound).toBe(true)
  })

  it('trips when the reads need more than a day; one read a night is a warning', () => {
    const often = plan(patched({ op: 'replace', path: `/datasets/${CORPUS}/readsPerDay`, value: 100 }))
    expect(blocks(often).map((f) => f.source.rule)).toEqual(['dataset-read'])
    expect(plan(seed).findings.find((f) => f.source.rule === 'dataset-read')?.severity).toBe('warn')
  })
})

describe('devices of one IOMMU group given to two guests', () => {
  it('trips: 0a:00.1 and 0a:00.3 (group 22) in two VMs', () => {
    const p = plan(
      patched(
        { op: 'add', path: '/guests/-', value: vm('meraxes', 301, 'usb-a', ['0a:00.1']) },
        { op: 'add', path: '/guests/-', value: vm('meraxes', 302, 'usb-b', ['0a:00.3']) },
      ),
    )
    expect(blocks(p).map((f) => `${f.source.rule} ${f.pointer}`)).toEqual([
      'C8 /guests/2/devices',
      'C8 /guests/3/devices',
    ])
  })

  it('passes: the whole slot in one VM', () => {
    expect(
      plan(patched({ op: 'add', path: '/guests/-', value: vm('meraxes', 301, 'usb-a', ['0a:00']) })).verdict,
    ).toBe('holds')
  })
})

describe('a GPU passed to a VM while a host service still expects it', () => {
  const gpuVm = vm('meraxes', 310, 'gpu-vm', ['0d:00'])

  it('trips for every host service on MERAXES', () => {
    const f = blocks(plan(patched({ op: 'add', path: '/guests/-', value: gpuVm })))
    expect(f.map((x) => `${x.source.rule} ${x.pointer}`)).toEqual([
      'gpu-owner /services/2/runsOn',
      'gpu-owner /services/4/runsOn',
    ])
  })

  it('passes when the services move into that VM', () => {
    const p = plan(
      patched(
        { op: 'add', path: '/guests/-', value: { ...gpuVm, memoryBytes: 32 * GIB } },
        { op: 'replace', path: '/services/2/runsOn', value: 'gpu-vm' },
        { op: 'replace', path: '/services/4/runsOn', value: 'gpu-vm' },
      ),
    )
    expect(blocks(p)).toEqual([])
    expect(p.gpus.find((g) => g.node === 'meraxes')!.owner).toBe('gpu-vm')
  })
})

describe("pinned guest memory against the node's RAM", () => {
  const usbVm = (memoryBytes: number) =>
    patched({ op: 'add', path: '/guests/-', value: vm('caraxes', 121, 'usb-vm', ['10:00.3'], memoryBytes) })
  const ram32 = withRam('caraxes', 32 * GIB)

  it('trips: 16 + 16 GiB pinned + 5.2 GiB reserve > 32 GiB', () => {
    // Reserve: 2 GiB for the host (pve-docs System Requirements) + ZFS ARC 10 % of RAM (pve-docs local-zfs) = 5.2 GiB.
    const f = blocks(plan(usbVm(16 * GIB), ram32))
    expect(f).toHaveLength(1)
    expect(f[0]!).toMatchObject({
      source: { planner: 'passthrough', rule: 'C20' },
      pointer: `/guests/${AI_DEV}/memoryBytes`,
    })
    expect(f[0]!.message).toContain('37.2 GiB of 32.0 GiB')
  })

  it('passes with 8 GiB (29.2 of 32 GiB: a warning above 90 %)', () => {
    expect(rules(usbVm(8 * GIB), ram32)).toContain(`warn C20 /guests/${AI_DEV}/memoryBytes`)
    expect(plan(usbVm(8 * GIB), ram32).verdict).toBe('holds')
  })
})

describe("all guest memory against the node's RAM", () => {
  it('without passthrough VMs, unknown RAM asks for free -b', () => {
    expect(plan(seed).findings.find((f) => f.source.rule === 'memory-total')).toMatchObject({
      severity: 'unknown',
      command: 'free -b',
      pointer: '/guests/1/memoryBytes',
    })
  })

  it('an overcommitted node warns; one with room says nothing', () => {
    // The 4 GiB container + reserve 2 GiB + 10 % of 4 GiB (pve-docs) = 6.4 GiB > 4 GiB.
    expect(
      plan(seed, withRam('meraxes', 4 * GIB)).findings.find((f) => f.source.rule === 'memory-total')
        ?.severity,
    ).toBe('warn')
    expect(
      plan(seed, withRam('meraxes', 64 * GIB)).findings.some((f) => f.source.rule === 'memory-total'),
    ).toBe(false)
  })
})
