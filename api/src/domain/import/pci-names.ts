/**
 * Vendor and device names for imported devices. lspci/pvesh output already carries the
 * host's own pci.ids names; otherwise the PCI ID database (Debian's pci.ids, parsed here from
 * the text a caller read), then the names the catalog already uses, then a few vendor names.
 * No npm package: `pci-ids` (the only one) downloads pci.ids from GitHub in a postinstall hook.
 */
import type { NodeRecord } from '../catalog/schemas.ts'
import { knownName } from './normalise.ts'
import type { HostDevice } from './schemas.ts'

export interface PciNames {
  /** Where the names come from, for provenance: "pci.ids", "catalog". */
  label: string
  vendors: Map<string, string>
  /** Keyed `vvvv:dddd`. */
  devices: Map<string, string>
}

/** Parses pci.ids ("vvvv  Name", "\tdddd  Name"); stops at the class section ("C xx"). */
export function parsePciIds(text: string, label = 'pci.ids'): PciNames {
  const names: PciNames = { label, vendors: new Map(), devices: new Map() }
  let vendor: string | undefined
  for (const line of text.split('\n')) {
    if (line.startsWith('C ')) break
    const v = /^([0-9a-f]{4})\s+(.+)$/.exec(line)
    if (v) {
      vendor = v[1]!
      names.vendors.set(vendor, v[2]!.trim())
      continue
    }
    const d = /^\t([0-9a-f]{4})\s+(.+)$/.exec(line)
    if (d && vendor) names.devices.set(`${vendor}:${d[1]}`, d[2]!.trim())
  }
  return names
}

/** The names the catalog's devices already carry (pci.ids 2023.04.11 per data/nodes/*.yaml). */
export function catalogNames(nodes: readonly NodeRecord[]): PciNames {
  const names: PciNames = { label: 'catalog', vendors: new Map(BUILTIN_VENDORS), devices: new Map() }
  for (const d of nodes.flatMap((n) => n.devices)) {
    names.devices.set(d.vendorDevice, d.name)
    names.vendors.set(d.vendorDevice.slice(0, 4), d.vendorName)
  }
  return names
}

// Vendors common in homelab hosts, as pci.ids 2023.04.11 spells them.
const BUILTIN_VENDORS: [string, string][] = [
  ['1000', 'Broadcom / LSI'],
  ['1002', 'Advanced Micro Devices, Inc. [AMD/ATI]'],
  ['1022', 'Advanced Micro Devices, Inc. [AMD]'],
  ['10b5', 'PLX Technology, Inc.'],
  ['10de', 'NVIDIA Corporation'],
  ['10ec', 'Realtek Semiconductor Co., Ltd.'],
  ['144d', 'Samsung Electronics Co Ltd'],
  ['14e4', 'Broadcom Inc. and subsidiaries'],
  ['15b3', 'Mellanox Technologies'],
  ['15b7', 'Sandisk Corp'],
  ['1b21', 'ASMedia Technology Inc.'],
  ['1c5c', 'SK hynix'],
  ['8086', 'Intel Corporation'],
]

/** vendorName and name for a host device; IDs stand in where no source knows it. */
export function namesFor(
  d: HostDevice & { vendorDevice: string },
  tables: readonly PciNames[],
): { vendorName: string; name: string } {
  const vendorId = d.vendorDevice.slice(0, 4)
  const tableVendor = tables.map((t) => t.vendors.get(vendorId)).find((v) => v !== undefined)
  const tableDevice = tables.map((t) => t.devices.get(d.vendorDevice)).find((v) => v !== undefined)
  const vendorName = d.vendorName ?? tableVendor ?? vendorId
  // lspci -nnk prints "<vendor> <device>" as one text: cut the vendor off when we know it.
  const fromDescription =
    d.description !== undefined && d.description.startsWith(`${vendorName} `)
      ? knownName(d.description.slice(vendorName.length + 1))
      : undefined
  const name = d.deviceName ?? fromDescription ?? tableDevice ?? knownName(d.description) ?? d.vendorDevice
  return { vendorName, name }
}
