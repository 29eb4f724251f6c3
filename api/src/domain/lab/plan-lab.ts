/**
 * planLab(architecture, catalog): the whole lab checked at once by composing the planners —
 * passthrough per node (all guests as one plan), GPU residency (VRAM planner), drives and
 * model loads (storage planner), dataset reads across nodes (transfer planner) — plus the
 * conflicts between them that no single planner sees. Pure; bad references throw
 * PlanInputError with the pointer into the architecture.
 */
import type { Catalog } from '../catalog/catalog.ts'
import { defaultHostReserveBytes } from '../passthrough/rules-host.ts'
import type { Finding, GuestSummary, LabPlan, LabVerdict, NodeSummary } from './answer-schemas.ts'
import { configBundle } from './config.ts'
import { buildContext, type LabContext, type LabGpu, type LabService } from './context.ts'
import { finding } from './finding.ts'
import { planDrives } from './drives.ts'
import { planFlows } from './flows.ts'
import { planNodePassthrough, passthroughFindings, type NodePassthrough } from './passthrough-step.ts'
import { planGpu } from './residency.ts'
import type { Architecture } from './schemas.ts'

const GPU_RUNTIMES = new Set(['ollama', 'llama-server', 'finetune'])

const GPU_OWNER = { planner: 'lab' as const, rule: 'gpu-owner' }

/** Services that expect a GPU the architecture gives to someone else, or that get none. */
function gpuOwnerFindings(ctx: LabContext): Finding[] {
  return ctx.services.flatMap((s): Finding[] => {
    if (!GPU_RUNTIMES.has(s.service.runtime)) return []
    const owned = (g: LabGpu) => ctx.deviceOwner.get(`${g.node.id}/${g.device.address}`) ?? null
    const wrong = s.gpus.filter((g) =>
      s.guest?.guest.kind === 'vm' ? owned(g) !== s.guest : owned(g) !== null,
    )
    if (wrong.length > 0) {
      return wrong.map((g) => {
        const owner = owned(g)
        const gpu = `${g.node.name} ${g.model.name} (${g.device.address})`
        return finding(
          'block',
          GPU_OWNER,
          `${s.pointer}/gpus`,
          owner
            ? [
                `${s.service.name} (${s.service.runsOn}) expects ${gpu}, but it is passed to ` +
                  `guest ${owner.guest.name}:`,
                `run ${s.service.name} in ${owner.guest.name}, or stop passing the GPU.`,
              ]
            : `${s.service.name} runs in VM ${s.guest!.guest.name} but ${gpu} is not passed to ` +
                `it: add it to that guest's devices.`,
        )
      })
    }
    return s.gpus.length > 0 ? [] : [cpuOnlyFinding(ctx, s)]
  })
}

function cpuOnlyFinding(ctx: LabContext, s: LabService): Finding {
  const onNode = ctx.gpus.filter((g) => g.node.id === s.node.id)
  const at = `${s.pointer}/runsOn`
  if (s.guest?.guest.kind !== 'vm' && onNode.length > 0) {
    const owners = onNode.map(
      (g) => `${g.model.name} to ${ctx.deviceOwner.get(`${g.node.id}/${g.device.address}`)!.guest.name}`,
    )
    return finding('block', GPU_OWNER, at, [
      `${s.service.name} runs on ${s.service.runsOn} and expects a GPU, but ${s.node.name} passes every GPU to a guest`,
      `(${owners.join(', ')}): move ${s.service.name} into that guest or keep a GPU on the host.`,
    ])
  }
  return finding('warn', GPU_OWNER, at, [
    `${s.service.name} has no GPU (${s.service.runsOn} gets none): it runs on the CPU, many times slower.`,
    `Pass a GPU to ${s.service.runsOn} or name one in gpus.`,
  ])
}

const MEMORY = { planner: 'lab' as const, rule: 'memory-total' }

/**
 * All guests' memory + the host reserve against the node's RAM. Pinned memory (passthrough VMs)
 * is the passthrough planner's C20; this is the whole node, where ballooning and KSM can only
 * reclaim what the guests leave unused, so an overcommit is a warning.
 */
function memoryFindings(ctx: LabContext, passthrough: NodePassthrough[]): Finding[] {
  return ctx.catalog.nodes.flatMap((node): Finding[] => {
    const guests = ctx.guests.filter((g) => g.node.id === node.id)
    if (guests.length === 0) return []
    const ram = node.platform.hostMemoryBytes
    const at = `${guests.reduce((a, b) => (b.guest.memoryBytes > a.guest.memoryBytes ? b : a)).pointer}/memoryBytes`
    const total = guests.reduce((sum, g) => sum + g.guest.memoryBytes, 0)
    if (ram === null) {
      // With passthrough VMs, C20 already asks for the RAM.
      if (passthrough.some((np) => np.node.id === node.id)) return []
      return [
        finding(
          'unknown',
          MEMORY,
          at,
          `${node.name}'s RAM is not in the catalog; its guests ask for ${gib(total)} in all.`,
          'free -b',
        ),
      ]
    }
    const reserve =
      ctx.arch.nodes.find((n) => n.node.toLowerCase() === node.id)?.hostReserveBytes ??
      defaultHostReserveBytes(ram)
    if (total + reserve <= ram) return []
    return [
      finding('warn', MEMORY, at, [
        `${node.name}'s guests ask for ${gib(total)} + host reserve ${gib(reserve)} = ` +
          `${gib(total + reserve)} of ${gib(ram)}:`,
        'overcommitted, it relies on ballooning and KSM. Give the guests less memory or move one to another node.',
      ]),
    ]
  })
}

const gib = (b: number) => `${(b / 1024 ** 3).toFixed(1)} GiB`

function guestSummaries(ctx: LabContext, passthrough: NodePassthrough[]): GuestSummary[] {
  return ctx.guests.map((g) => {
    const plan = passthrough
      .find((np) => np.node.id === g.node.id)
      ?.plan.vms.find((vm) => vm.name === g.guest.name)
    return {
      node: g.node.id,
      name: g.guest.name,
      vmid: g.guest.vmid,
      kind: g.guest.kind,
      pointer: g.pointer,
      memoryBytes: g.guest.memoryBytes,
      pinned: g.guest.kind === 'vm' && g.functions.length > 0,
      devices: g.functions.map(({ device }) => ({
        address: device.address!,
        label: device.label,
        role: device.role,
      })),
      services: ctx.services.filter((s) => s.guest === g).map((s) => s.service.name),
      qmSet: plan?.proxmox.qmSet ?? null,
    }
  })
}

function nodeSummaries(
  ctx: LabContext,
  guests: GuestSummary[],
  passthrough: NodePassthrough[],
): NodeSummary[] {
  return ctx.catalog.nodes.map((node) => {
    const entry = ctx.arch.nodes.find((n) => n.node.toLowerCase() === node.id)
    const ram = node.platform.hostMemoryBytes
    return {
      node: node.id,
      name: node.name,
      hostMemoryBytes: ram,
      pinnedMemoryBytes: guests
        .filter((g) => g.node === node.id && g.pinned)
        .reduce((s, g) => s + g.memoryBytes, 0),
      hostReserveBytes: entry?.hostReserveBytes ?? (ram === null ? null : defaultHostReserveBytes(ram)),
      guests: guests.filter((g) => g.node === node.id).map((g) => g.name),
      hostServices: ctx.services
        .filter((s) => s.node.id === node.id && s.guest === null)
        .map((s) => s.service.name),
      passthroughVerdict: passthrough.find((np) => np.node.id === node.id)?.plan.verdict ?? null,
      leftOut: entry?.leftOut ?? [],
    }
  })
}

const ORDER = { block: 0, warn: 1, unknown: 2, info: 3 } as const

/** breaks: any block; needs-review: an unknown no command on the host settles; else holds. */
export function verdictOf(findings: readonly Finding[]): LabVerdict {
  if (findings.some((f) => f.severity === 'block')) return 'breaks'
  return findings.some((f) => f.severity === 'unknown' && f.command === null) ? 'needs-review' : 'holds'
}

function summaryOf(verdict: LabVerdict, findings: readonly Finding[]): string {
  const n = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length
  const word = verdict === 'needs-review' ? 'needs review' : verdict
  return [
    `The architecture ${word}: ${n('block')} blocking, ${n('warn')} warnings,`,
    `${n('unknown')} unknown (each names the command that settles it), ${n('info')} notes.`,
  ].join(' ')
}

const LAB_ASSUMPTIONS = [
  [
    'Resident models stay loaded together: each adds its weights, KV cache and compute buffer with every layer on',
    'the GPU, plus one CUDA context for its runner process (Ollama starts one runner per loaded model);',
    'the planner margin counts once per GPU.',
  ],
  ['A service spanning several GPUs is counted in full on each of them (conservative).'],
  [
    "Unset runtime settings take the runtime's defaults: Ollama 1 parallel sequence, f16 KV cache, flash attention",
    'auto (on for CUDA), 3 loaded models per GPU, context by VRAM (under 24 GiB 4k, 24-48 GiB 32k, more 256k;',
    "at most the model's trained context); llama-server --ctx-size 4096, --parallel 1, flash attention on.",
  ],
  [
    'A VM with passthrough pins all its RAM (no ballooning); containers and VMs without devices are not pinned.',
  ],
  ['The architecture lists every guest of a node: no other VM holds a device.'],
  [
    'A dataset on a drive passed to a guest is served by that guest; model stores and guest disks on it are not.',
  ],
  [
    "Datasets are read in full once per readsPerDay; reads from a guest disk run at its drive's rate",
    '(virtio overhead not modelled).',
  ],
].map((phrases) => phrases.join(' '))

export function planLab(architecture: Architecture, catalog: Catalog): LabPlan {
  const ctx = buildContext(architecture, catalog)
  const passthrough = planNodePassthrough(ctx)
  const gpus = ctx.gpus.map((g) => {
    const owner = ctx.deviceOwner.get(`${g.node.id}/${g.device.address}`)
    return planGpu(ctx, g, owner ? owner.guest.name : `host:${g.node.id}`)
  })
  const drives = planDrives(ctx)
  const flows = planFlows(ctx)
  const findings = [
    ...passthrough.flatMap(passthroughFindings),
    ...gpuOwnerFindings(ctx),
    ...memoryFindings(ctx, passthrough),
    ...gpus.flatMap((g) => g.findings),
    ...drives.findings,
    ...flows.findings,
  ].sort((a, b) => ORDER[a.severity] - ORDER[b.severity])
  const guests = guestSummaries(ctx, passthrough)
  const verdict = verdictOf(findings)
  return {
    verdict,
    summary: summaryOf(verdict, findings),
    findings,
    nodes: nodeSummaries(ctx, guests, passthrough),
    gpus: gpus.map((g) => g.summary),
    guests,
    drives: drives.drives,
    flows: flows.flows,
    config: configBundle(ctx, passthrough),
    assumptions: LAB_ASSUMPTIONS,
  }
}
