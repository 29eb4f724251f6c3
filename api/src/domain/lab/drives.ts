/**
 * What each drive holds: guest disks, host model stores and datasets placed on it directly
 * (a model store or dataset on `<guest>/<disk>` sits inside that disk, which must hold it).
 * A drive whose controller goes to a guest leaves the host with everything on it.
 */
import type { DriveSummary, Finding } from './answer-schemas.ts'
import { resolveLocation, storageOwner, type LabContext, type Location } from './context.ts'
import { finding } from './finding.ts'
import { tierDevice } from './storage-step.ts'
import { FREE_SPACE_RESERVE } from '../storage/rates.ts'
import { sizeModel } from './vram-step.ts'

const gb = (b: number) => `${(b / 1e9).toFixed(1)} GB`
/** Lists the disks behind an HBA, or a drive's size, so its capacity can be recorded. */
const DISK_COMMAND = 'lsblk -b -d -o NAME,SIZE,MODEL,TRAN'

interface Use {
  kind: 'disk' | 'dataset' | 'model-store'
  name: string
  sizeBytes: number
  pointer: string
  at: Location
}

/** Space a model store takes: as given, else the files of its models. */
function storeBytes(ctx: LabContext, serviceIndex: number): number {
  const s = ctx.services[serviceIndex]!
  if (s.service.modelStore?.sizeBytes) return s.service.modelStore.sizeBytes
  return s.service.models.reduce((sum, _, j) => sum + sizeModel(ctx, s, j).answer.model.weightsBytes, 0)
}

function usesOf(ctx: LabContext): Use[] {
  const disks: Use[] = ctx.guests.flatMap((g) =>
    g.guest.disks.map((d, j) => ({
      kind: 'disk' as const,
      name: `${g.guest.name}/${d.name}`,
      sizeBytes: d.sizeBytes,
      pointer: `${g.pointer}/disks/${j}`,
      at: resolveLocation(ctx, `${g.guest.name}/${d.name}`, `${g.pointer}/disks/${j}`, g.node),
    })),
  )
  const stores: Use[] = ctx.services.flatMap((s, i) => {
    const store = s.service.modelStore
    if (!store) return []
    const pointer = `${s.pointer}/modelStore`
    const at = resolveLocation(ctx, store.on, `${pointer}/on`, s.node)
    return [
      {
        kind: 'model-store' as const,
        name: `${s.service.name} models`,
        sizeBytes: storeBytes(ctx, i),
        pointer,
        at,
      },
    ]
  })
  const datasets: Use[] = ctx.arch.datasets.map((d, i) => ({
    kind: 'dataset' as const,
    name: d.name,
    sizeBytes: d.sizeBytes,
    pointer: `/datasets/${i}`,
    at: resolveLocation(ctx, d.on, `/datasets/${i}/on`, null),
  }))
  return [...disks, ...stores, ...datasets]
}

/** Model stores and datasets inside one guest disk must fit in it. */
function diskFill(uses: Use[]): Finding[] {
  const inner = uses.filter((u) => u.kind !== 'disk' && u.at.disk)
  const byDisk = new Map<string, Use[]>()
  for (const u of inner) {
    const key = `${u.at.disk!.guest.guest.name}/${u.at.disk!.name}`
    byDisk.set(key, [...(byDisk.get(key) ?? []), u])
  }
  return [...byDisk].flatMap(([name, list]) => {
    const disk = list[0]!.at.disk!
    const used = list.reduce((s, u) => s + u.sizeBytes, 0)
    if (used <= disk.sizeBytes) return []
    const j = disk.guest.guest.disks.findIndex((d) => d.name === disk.name)
    const parts = list.map((u) => `${u.name} ${gb(u.sizeBytes)}`).join(' + ')
    return [
      finding(
        'block',
        { planner: 'storage', rule: 'guest-disk-fill' },
        `${disk.guest.pointer}/disks/${j}/sizeBytes`,
        `Guest disk ${name} is ${gb(disk.sizeBytes)} but holds ${parts} = ${gb(used)}: make it at least ${gb(used)}.`,
      ),
    ]
  })
}

const CAPACITY = { planner: 'storage' as const, rule: 'drive-capacity' }

function driveFindings(d: DriveSummary, onDrive: Use[], owner: string | null): Finding[] {
  // The owner serves the datasets on its drive itself (a NAS guest); disks and stores need the host.
  const hostSide = owner ? onDrive.filter((u) => u.kind !== 'dataset') : []
  const findings = hostSide.map((u) =>
    finding('block', { planner: 'lab', rule: 'drive-passed-through' }, u.pointer, [
      `${d.label} goes to guest ${owner} with its controller (passthrough), but ${u.kind} ` +
        `${u.name} needs it on the host:`,
      `move ${u.name} to another drive, or do not pass the drive's controller to ${owner}.`,
    ]),
  )
  if (d.usableBytes === null) {
    findings.push(
      finding(
        'unknown',
        CAPACITY,
        onDrive[0]!.pointer,
        [
          `${d.label} holds ${gb(d.usedBytes)} (${onDrive.map((u) => u.name).join(', ')}) but ` +
            `its capacity is not in the catalog:`,
          'record the disks behind it.',
        ],
        DISK_COMMAND,
      ),
    )
  } else if (d.usedBytes > d.usableBytes) {
    const usable = `${gb(d.usableBytes)} usable (${(1 - FREE_SPACE_RESERVE) * 100} % of ${gb(d.capacityBytes!)})`
    findings.push(
      finding('block', CAPACITY, onDrive[onDrive.length - 1]!.pointer, [
        `${d.label} holds ${gb(d.usedBytes)} (${onDrive.map((u) => `${u.name} ${gb(u.sizeBytes)}`).join(', ')}),`,
        `more than its ${usable}: move ${gb(d.usedBytes - d.usableBytes)} elsewhere.`,
      ]),
    )
  }
  return findings
}

export function planDrives(ctx: LabContext): { drives: DriveSummary[]; findings: Finding[] } {
  const uses = usesOf(ctx)
  const onDrives = uses.filter((u) => u.kind === 'disk' || !u.at.disk)
  const findings: Finding[] = diskFill(uses)
  const drives = ctx.catalog.nodes.flatMap((node) =>
    node.storage.map((storage) => {
      const owner = storageOwner(ctx, node, storage)
      const dev = tierDevice(ctx, node, storage)
      const onDrive = onDrives.filter((u) => u.at.node.id === node.id && u.at.storage.id === storage.id)
      const summary: DriveSummary = {
        node: node.id,
        storageId: storage.id,
        label: `${node.name} ${storage.label}`,
        owner: owner ? owner.guest.name : `host:${node.id}`,
        capacityBytes: dev.capacityBytes,
        usableBytes: dev.usableBytes,
        usedBytes: onDrive.reduce((s, u) => s + u.sizeBytes, 0),
        uses: onDrive.map((u) => ({
          kind: u.kind,
          name: u.name,
          sizeBytes: u.sizeBytes,
          pointer: u.pointer,
        })),
      }
      if (onDrive.length > 0) findings.push(...driveFindings(summary, onDrive, owner?.guest.name ?? null))
      return summary
    }),
  )
  return { drives, findings }
}
