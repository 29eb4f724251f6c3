/**
 * Rates and constants of the storage planner, each with its source. Rates are decimal: 1 MB/s =
 * 10^6 bytes per second, as drive datasheets quote them; link rates in Mbps are 10^6 bits/s.
 */

/** The largest size the planner accepts anywhere (1 PB): beyond it an input is a typo, not a plan. */
export const MAX_BYTES = 1e15

/**
 * Share of an Ethernet link's bit rate that TCP payload gets: 1448 B of payload (1500 MTU less
 * 20 B IP, 20 B TCP, 12 B timestamps) per 1538 B on the wire (+14 header, 4 FCS, 8 preamble,
 * 12 inter-frame gap) = 0.9415. Measured iperf3 on 1 GbE tops out near 941 Mbit/s.
 */
export const TCP_EFFICIENCY = 0.94

/** Payload MB/s of a link: Mbps × 10^6 / 8 × TCP efficiency. 1000 Mbps → 117.5 MB/s. */
export function linkPayloadMBps(speedMbps: number): number {
  return (speedMbps / 8) * TCP_EFFICIENCY
}

/**
 * Share of a drive's capacity planned as usable: 10 % stays free. OpenZFS "Workload Tuning →
 * Free Space" advises keeping pools above 10 % free (metaslabs switch to slow best-fit
 * allocation), and SSDs write-amplify more as they fill.
 */
export const FREE_SPACE_RESERVE = 0.1

export function usableBytes(capacityBytes: number): number {
  return Math.floor(capacityBytes * (1 - FREE_SPACE_RESERVE))
}

/** Seconds to move `bytes` at `MBps` (decimal megabytes per second). */
export function secondsAt(bytes: number, MBps: number): number {
  return bytes / (MBps * 1e6)
}

/** Years until a drive's rated TBW is written at `dailyWritesBytes` (host writes; write amplification not modelled). */
export function yearsToTbw(enduranceTbw: number, dailyWritesBytes: number): number {
  return (enduranceTbw * 1e12) / (dailyWritesBytes * 365)
}
