/** The storage planner's public surface, for routes, the VRAM planner and the docs site. */
export { deriveStorageTiers, groupTiers } from './tiers.ts'
export { planStorageTier } from './plan-storage-tier.ts'
export { planTransfer, listNetworkLinks } from './transfer.ts'
export { loadSecondsFromNode, type LoadTime } from './load.ts'
export { TIER_RULES, CAPACITY_TIER_MIN_BYTES, FAST_TIER_MIN_READ_MBPS } from './devices.ts'
export { TCP_EFFICIENCY, FREE_SPACE_RESERVE } from './rates.ts'
export { PlanInputError } from '../plan-input-error.ts'
