/**
 * Unit helpers shared by every planner. Rates are decimal, as datasheets quote them:
 * 1 MB/s = 10^6 bytes per second.
 */
import type { PcieLink } from './schemas.ts'

/**
 * Usable PCIe bandwidth per lane and direction, MB/s, after line coding: Gen 1-2 8b/10b
 * (2.5/5 GT/s × 0.8 / 8), Gen 3+ 128b/130b (8 GT/s × 128/130 / 8 = 984.6 MB/s), doubling per
 * generation; Gen 6-7 PAM4 FLIT figures. PCI-SIG quotes 4.0 x16 as 31.5 GB/s per direction.
 */
export const PCIE_LANE_MBPS: Record<number, number> = {
  1: 250,
  2: 500,
  3: 984.6,
  4: 1969.2,
  5: 3938.5,
  6: 7563,
  7: 15125,
}

export function pcieMBps(link: PcieLink): number {
  return (PCIE_LANE_MBPS[link.generation] ?? 250) * link.lanes
}

/** Rounds for display in answers; computation keeps full precision until the edge. */
export function round(x: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}
