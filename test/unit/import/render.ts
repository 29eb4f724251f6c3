/**
 * Renders a catalog node as each host command would print it, for round-trip tests. Output
 * shapes follow lspci(8) (-nn, -k, -vmm), proxmox/pve-common SysFSTools.pm `lspci()` (pvesh)
 * and the Arch wiki IOMMU-group loop. Devices without an address cannot be printed.
 */
import type { NodeRecord, PciDevice } from '../../../api/src/domain/catalog/schemas.ts'

const CLASS_NAMES: Record<string, string> = {
  '0107': 'Serial Attached SCSI controller',
  '0108': 'Non-Volatile memory controller',
  '0200': 'Ethernet controller',
  '0280': 'Network controller',
  '0300': 'VGA compatible controller',
  '0403': 'Audio device',
  '0604': 'PCI bridge',
  '0c03': 'USB controller',
  '0c80': 'Serial bus controller',
  '1300': 'Non-Essential Instrumentation',
}

type Addressed = PciDevice & { address: string }

function addressed(node: NodeRecord): Addressed[] {
  return node.devices
    .filter((d): d is Addressed => d.address !== null)
    .sort((a, b) => a.address.localeCompare(b.address))
}

const short = (address: string) => address.slice(5)
const [v, d] = [(id: string) => id.slice(0, 4), (id: string) => id.slice(5)]

function lspciLine(x: Addressed, domain: boolean): string {
  const className = CLASS_NAMES[x.classCode] ?? 'Class'
  const address = domain ? x.address : short(x.address)
  return `${address} ${className} [${x.classCode}]: ${x.vendorName} ${x.name} [${x.vendorDevice}] (rev a1)`
}

/** `lspci -nnk` (-D with `domain`, -v adds the Flags line with the IOMMU group). */
export function renderNnk(node: NodeRecord, options: { domain?: boolean; verbose?: boolean } = {}): string {
  return (
    addressed(node)
      .map((x) => {
        const lines = [lspciLine(x, options.domain ?? false)]
        if (x.subsystem) lines.push(`\tSubsystem: ${x.vendorName} Device [${x.subsystem}]`)
        if (options.verbose)
          lines.push(
            `\tFlags: bus master, fast devsel, latency 0, IRQ 42, IOMMU group ${x.iommuGroup}`,
            '\tMemory at f6000000 (32-bit, non-prefetchable) [size=16M]',
          )
        if (x.driver) lines.push(`\tKernel driver in use: ${x.driver}`, `\tKernel modules: ${x.driver}`)
        return lines.join('\n')
      })
      .join('\n') + '\n'
  )
}

/** `lspci -nnD -vmm -k`. */
export function renderVmm(node: NodeRecord): string {
  return addressed(node)
    .map((x) => {
      const lines = [
        `Slot:\t${x.address}`,
        `Class:\t${CLASS_NAMES[x.classCode] ?? 'Class'} [${x.classCode}]`,
        `Vendor:\t${x.vendorName} [${v(x.vendorDevice)}]`,
        `Device:\t${x.name} [${d(x.vendorDevice)}]`,
      ]
      if (x.subsystem)
        lines.push(`SVendor:\tSome Vendor [${v(x.subsystem)}]`, `SDevice:\tDevice [${d(x.subsystem)}]`)
      lines.push('Rev:\ta1')
      if (x.driver) lines.push(`Driver:\t${x.driver}`, `Module:\t${x.driver}`)
      lines.push(`IOMMUGroup:\t${x.iommuGroup}`)
      return lines.join('\n') + '\n'
    })
    .join('\n')
}

/** `pvesh get /nodes/<node>/hardware/pci --pci-class-blacklist "" --output-format json`. */
export function renderPvesh(node: NodeRecord): string {
  return JSON.stringify(
    addressed(node).map((x) => ({
      class: `0x${x.classCode}00`,
      device: `0x${d(x.vendorDevice)}`,
      device_name: x.name,
      id: x.address,
      iommugroup: x.iommuGroup,
      subsystem_device: `0x${x.subsystem ? d(x.subsystem) : '0000'}`,
      subsystem_vendor: `0x${x.subsystem ? v(x.subsystem) : '0000'}`,
      vendor: `0x${v(x.vendorDevice)}`,
      vendor_name: x.vendorName,
    })),
  )
}

/** The IOMMU-group loop: `IOMMU Group N:` headers (default) or one line per device. */
export function renderLoop(node: NodeRecord, oneLine = false): string {
  const devices = addressed(node)
  if (oneLine)
    return devices.map((x) => `IOMMU Group ${x.iommuGroup} ${lspciLine(x, false)}`).join('\n') + '\n'
  const groups = [...new Set(devices.map((x) => x.iommuGroup))].sort((a, b) => a - b)
  return (
    groups
      .map((g) =>
        [
          `IOMMU Group ${g}:`,
          ...devices.filter((x) => x.iommuGroup === g).map((x) => `\t${lspciLine(x, false)}`),
        ].join('\n'),
      )
      .join('\n') + '\n'
  )
}

/** `find /sys/kernel/iommu_groups/ -type l`. */
export function renderSysfs(node: NodeRecord): string {
  return (
    addressed(node)
      .map((x) => `/sys/kernel/iommu_groups/${x.iommuGroup}/devices/${x.address}`)
      .join('\n') + '\n'
  )
}
