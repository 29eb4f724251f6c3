/**
 * How the widgets print the API's quantities (bytes, seconds, rates, token counts), used by
 * every widget and by the browser test that compares a widget with the API: the exact values
 * stay in data-value, rounding happens only here. Not everything numeric goes through it:
 * identifiers and small counts are printed as they come ("Group 31", "28 / 33" layers, "4 of
 * 6 checks"), and a check's limits as the API's schema states them ("at most 1000000"), so
 * they read the same as the IDs and limits in the API's own answers and docs.
 */

const GIB = 1024 ** 3
const MIB = 1024 ** 2

/** Binary units, as nvidia-smi and llama.cpp print memory: "4.30 GiB", "513 MiB". */
export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '−' : ''
  const abs = Math.abs(bytes)
  if (abs >= GIB) return `${sign}${(abs / GIB).toFixed(2)} GiB`
  if (abs >= MIB) return `${sign}${(abs / MIB).toFixed(0)} MiB`
  return `${sign}${(abs / 1024).toFixed(0)} KiB`
}

/** Decimal units, as drive vendors and the storage planner's own reasons write them: "3.56 TB", "40.0 GB". */
export function formatDiskBytes(bytes: number): string {
  const abs = Math.abs(bytes)
  const sign = bytes < 0 ? '−' : ''
  const [unit, scale] = abs >= 1e12 ? ['TB', 1e12] : abs >= 1e9 ? ['GB', 1e9] : ['MB', 1e6]
  return `${sign}${(abs / scale).toFixed(2)} ${unit}`
}

/** Durations: seconds below 2 min, then minutes, then hours, one decimal. */
export function formatSeconds(seconds: number): string {
  if (seconds < 120) return `${seconds.toFixed(1)} s`
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`
  return `${(seconds / 3600).toFixed(1)} h`
}

/** Plain counts and rates with thousands separators: "131,072", "161.5". */
export function formatNumber(value: number, decimals = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })
}

/** A null number of the API ("not computed") reads as a dash with the API's reason next to it. */
export function orDash<T>(value: T | null, format: (v: T) => string): string {
  return value === null ? '—' : format(value)
}
