/**
 * Normalisation shared by the parsers (docs/research/host-formats.md, "Normalisation"):
 * addresses as `dddd:bb:dd.f` lowercase with domain 0000 by default (Proxmox's
 * `normalize_pci_id`), IDs as 4 lowercase hex digits without `0x`.
 */
import type { HostDevice } from './schemas.ts'

const BDF = /^(?:([0-9a-f]{4,8}):)?([0-9a-f]{2}):([01][0-9a-f])\.([0-7])$/i

/** `0e:00.0` or `0000:0e:00.0` (any case) → `0000:0e:00.0`; null for anything else. */
export function normaliseAddress(text: string): string | null {
  const m = BDF.exec(text.trim())
  if (!m) return null
  const [, domain = '0000', bus, slot, fn] = m
  // The catalog's address schema has a 4-digit domain: a wider one (Intel VMD's 10000) cannot be stored.
  if (!/^0*[0-9a-f]{0,4}$/i.test(domain) || domain.replace(/^0+/, '').length > 4) return null
  return `${domain.slice(-4).padStart(4, '0')}:${bus}:${slot}.${fn}`.toLowerCase()
}

/** `0x10de` → `10de`; null when it is not a 16-bit hex number. */
export function hex4(text: unknown): string | null {
  if (typeof text !== 'string') return null
  const m = /^(?:0x)?([0-9a-f]{1,4})$/i.exec(text.trim())
  return m ? m[1]!.toLowerCase().padStart(4, '0') : null
}

/** sysfs's 24-bit class `0x030000` → lspci's 4-digit `0300`. */
export function classFromSysfs(text: unknown): string | null {
  if (typeof text !== 'string') return null
  const m = /^(?:0x)?([0-9a-f]{6})$/i.exec(text.trim())
  return m ? m[1]!.slice(0, 4).toLowerCase() : null
}

/** A subsystem of 0000:0000 is "none" (bridges often report it so in sysfs). */
export function subsystemOf(vendor: string | null, device: string | null): string | null {
  if (vendor === null || device === null) return null
  return vendor === '0000' && device === '0000' ? null : `${vendor}:${device}`
}

/** lspci prints "Device" (or "Device 2203") where pci.ids has no name: not a name. */
export function knownName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined
  const trimmed = name.trim()
  return trimmed === '' || /^Device(?: [0-9a-f]{4})?$/i.test(trimmed) ? undefined : trimmed
}

/** An IOMMU group number as text; null beyond 6 digits (no host has a million groups). */
export function groupNumber(text: string | undefined): number | null {
  return text !== undefined && /^\d{1,6}$/.test(text) ? Number(text) : null
}

/** Splits a text into lines, numbered from 1, without the line ending. */
export function numberedLines(text: string): { line: number; text: string }[] {
  return text.split(/\r?\n/).map((t, i) => ({ line: i + 1, text: t }))
}

/** A fresh device record carrying only its address and where it came from. */
export function hostDevice(address: string, source: string): HostDevice {
  return { address, sources: [source] }
}
