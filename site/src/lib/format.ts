/**
 * The one place the pages and the widgets turn the API's quantities into text (bytes inside,
 * units only on the way out). The exact values stay in the answers (and in the widgets'
 * data-value); rounding happens only here. Zod-free and dependency-free, so the widgets can
 * bundle it.
 */

const GIB = 1024 ** 3
const MIB = 1024 ** 2

/** VRAM and RAM are powers of two: 25769803776 → "24 GiB". */
export function formatGiB(bytes: number): string {
  const gib = bytes / GIB
  return `${Number.isInteger(gib) ? gib : gib.toFixed(1)} GiB`
}

/** Memory as nvidia-smi and llama.cpp print it (binary units): "4.30 GiB", "513 MiB". */
export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '−' : ''
  const abs = Math.abs(bytes)
  if (abs >= GIB) return `${sign}${(abs / GIB).toFixed(2)} GiB`
  if (abs >= MIB) return `${sign}${(abs / MIB).toFixed(0)} MiB`
  return `${sign}${(abs / 1024).toFixed(0)} KiB`
}

/** Drive capacities are decimal, as vendors rate them: 4000000000000 → "4 TB". */
export function formatCapacity(bytes: number | null): string {
  if (bytes === null) return 'unknown'
  const sign = bytes < 0 ? '−' : ''
  const abs = Math.abs(bytes)
  if (abs >= 1e12) return `${sign}${trim(abs / 1e12)} TB`
  if (abs >= 1e9) return `${sign}${trim(abs / 1e9)} GB`
  return `${sign}${trim(abs / 1e6)} MB`
}

/** 1000 → "1 Gb/s", 2500 → "2.5 Gb/s", 433 → "433 Mb/s". */
export function formatMbps(mbps: number): string {
  return mbps >= 1000 ? `${trim(mbps / 1000)} Gb/s` : `${mbps} Mb/s`
}

/** Seconds as people read them: 42 → "42 s", 3725 → "1 h 2 min". */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null) return '—'
  if (seconds < 10) return `${seconds.toFixed(1)} s`
  if (seconds < 120) return `${Math.round(seconds)} s`
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`
}

/**
 * Contexts as llama.cpp sizes them (K = 1024 tokens): a multiple of 256 in K, anything else
 * exact. 18944 → "18.5K tokens", 131072 → "128K tokens", 1000 → "1,000 tokens".
 */
export function formatTokens(tokens: number | null): string {
  if (tokens === null) return '—'
  const inK = tokens >= 1024 && tokens % 256 === 0
  return `${inK ? `${trim(tokens / 1024)}K` : formatNumber(tokens)} tokens`
}

/** Plain counts and rates with thousands separators: "131,072", "161.5". */
export function formatNumber(value: number, decimals = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })
}

/** Drive and link rates: 7300 → "7,300 MB/s", 1117.5 → "1,117.5 MB/s" (a decimal only where there is one). */
export function formatMBps(mbps: number | null): string {
  if (mbps === null) return 'unknown'
  return `${formatNumber(mbps, Number.isInteger(mbps) ? 0 : 1)} MB/s`
}

/** Memory bandwidth as spec sheets rate it (decimal): 1008 → "1,008 GB/s", 51.2 → "51.2 GB/s". */
export function formatGBps(gbps: number): string {
  return `${formatNumber(gbps, Number.isInteger(gbps) ? 0 : 1)} GB/s`
}

/** A count with its noun: (1, 'drive') → "1 drive", (3, 'drive') → "3 drives", (2, 'copy', 'copies'). */
export function formatCount(count: number, singular: string, plural = `${singular}s`): string {
  return `${formatNumber(count)} ${count === 1 ? singular : plural}`
}

/** A null number of the API ("not computed") reads as a dash, with the API's reason beside it. */
export function orDash<T>(value: T | null, format: (v: T) => string): string {
  return value === null ? '—' : format(value)
}

function trim(n: number): string {
  return String(Number(n.toFixed(2)))
}

/** Escapes text for HTML/SVG built as strings (the topology diagram). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** The model part of a NIC/drive slug, for short labels: realtek-rtl8168 → "RTL8168". */
export function shortModel(slug: string, vendor: string): string {
  const prefix = vendor.toLowerCase().split(/\s+/)[0] + '-'
  return (slug.startsWith(prefix) ? slug.slice(prefix.length) : slug).toUpperCase()
}
