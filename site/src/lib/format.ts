/** Display helpers shared by the pages; integers in bytes inside, units only on the way out. */

const GIB = 1024 ** 3

/** VRAM and RAM are powers of two: 25769803776 → "24 GiB". */
export function formatGiB(bytes: number): string {
  const gib = bytes / GIB
  return `${Number.isInteger(gib) ? gib : gib.toFixed(1)} GiB`
}

/** Drive capacities are decimal, as vendors rate them: 4000000000000 → "4 TB". */
export function formatCapacity(bytes: number | null): string {
  if (bytes === null) return 'unknown'
  if (bytes >= 1e12) return `${trim(bytes / 1e12)} TB`
  return `${trim(bytes / 1e9)} GB`
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

/** 131072 → "128K", 20480 → "20K", 1000 → "1000". */
export function formatTokens(tokens: number | null): string {
  if (tokens === null) return '—'
  return tokens >= 1024 && tokens % 1024 === 0 ? `${tokens / 1024}K` : String(tokens)
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
