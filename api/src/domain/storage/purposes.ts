/**
 * Which tier each purpose prefers, and why. The planner ranks devices by this order after
 * "fits" and "local to a reader"; latency-sensitive or random items move the HBA tier last.
 */
import type { Purpose, TierId } from './schemas.ts'

export interface PurposeRule {
  order: TierId[]
  why: string
  /** Bulk data: placing it on the host OS drive is warned (caches and scratch are fine there). */
  bulk: boolean
  /** Loads into a GPU (model files) rather than host memory. */
  loadsIntoGpu: boolean
}

export const PURPOSE_RULES: Record<Purpose, PurposeRule> = {
  'model-store': {
    order: ['nvme-capacity', 'nvme-fast', 'nvme-standard', 'hba-mass'],
    why: 'a model repository: large, read sequentially at load (seed: "4TB+ NVMe for model repositories")',
    bulk: true,
    loadsIntoGpu: true,
  },
  'model-cache': {
    order: ['nvme-fast', 'nvme-standard', 'nvme-capacity', 'hba-mass'],
    why: 'hot models loaded often: fastest NVMe (seed: "NVMe SSDs for model loading and caching")',
    bulk: false,
    loadsIntoGpu: true,
  },
  dataset: {
    order: ['hba-mass', 'nvme-capacity', 'nvme-fast', 'nvme-standard'],
    why: 'large and mostly read: cheapest capacity first (seed: "HBA-connected mass storage for datasets")',
    bulk: true,
    loadsIntoGpu: false,
  },
  'vm-disk': {
    order: ['nvme-fast', 'nvme-capacity', 'nvme-standard', 'hba-mass'],
    why: 'random I/O and latency: NVMe with the most IOPS',
    bulk: true,
    loadsIntoGpu: false,
  },
  scratch: {
    order: ['nvme-fast', 'nvme-standard', 'nvme-capacity', 'hba-mass'],
    why: 'short-lived and write-heavy: fast NVMe; a cache or scratch area may share the OS drive',
    bulk: false,
    loadsIntoGpu: false,
  },
  backup: {
    order: ['hba-mass', 'nvme-capacity', 'nvme-standard', 'nvme-fast'],
    why: 'cold and sequential: the cheapest capacity, keep the fast tiers for live data',
    bulk: true,
    loadsIntoGpu: false,
  },
}

/** The tier order for one item: random or latency-sensitive data moves HBA disks (assumed hard disks) last. */
export function tierOrder(purpose: Purpose, randomOrLatency: boolean): TierId[] {
  const order = PURPOSE_RULES[purpose].order
  return randomOrLatency ? [...order.filter((t) => t !== 'hba-mass'), 'hba-mass'] : order
}

/** Purposes that rank a tier first or second: what the tier "suits". */
export function purposesSuiting(tier: TierId): Purpose[] {
  return (Object.keys(PURPOSE_RULES) as Purpose[]).filter((p) =>
    PURPOSE_RULES[p].order.slice(0, 2).includes(tier),
  )
}
