/**
 * Device knowledge the catalog does not carry per device: which kernel modules drive a
 * function, which IDs repeat on a platform, reset quirks, vGPU paths. Every entry cites
 * shared/research/passthrough.md (RP) and, through it, the upstream source.
 */
import type { PciDevice } from '../catalog/schemas.ts'

export const RP = 'shared/research/passthrough.md'

/** Commands of RP §11, run on the Proxmox host. */
export const HOST_COMMANDS = {
  cmdline: 'cat /proc/cmdline',
  iommu: "dmesg | grep -e AMD-Vi -e DMAR -e 'remapping'",
  pci: (node: string) => `pvesh get /nodes/${node}/hardware/pci --pci-class-blacklist "" --output-format json`,
  topology: 'lspci -PP -nn',
  reset: 'for d in /sys/bus/pci/devices/*; do echo "$(basename $d) $(cat $d/boot_vga 2>/dev/null) $(cat $d/reset_method 2>/dev/null)"; done',
  network: 'ip route; cat /etc/network/interfaces; pvecm status',
  storage: 'findmnt /; zpool status; pvs',
  memory: 'free -b',
  vmConfigs: 'grep -H hostpci /etc/pve/qemu-server/*.conf',
  subsystem: (address: string) => `lspci -nnv -s ${address}`,
} as const

/** Bridges are skipped by Proxmox when it binds a group (SysFSTools.pm: devices with a pci_bus dir). */
export function isBridge(d: PciDevice): boolean {
  return d.classCode === '0604' || d.classCode === '0607'
}

export function isGpu(d: PciDevice): boolean {
  return d.classCode.startsWith('03')
}

/**
 * Classes the host cannot lose whatever else is known (RP §5 C6): host bridge, ISA bridge,
 * SMBus, system peripherals (IOMMU, DMA), encryption controllers (AMD PSP 1022:1486).
 */
export function criticalClass(d: PciDevice): string | null {
  if (d.classCode === '0600') return 'host bridge'
  if (d.classCode === '0601') return 'ISA bridge'
  if (d.classCode === '0c05') return 'SMBus controller'
  if (d.classCode.startsWith('08')) return 'system peripheral'
  if (d.classCode === '1080') return 'encryption controller (AMD PSP)'
  return null
}

/**
 * IDs that repeat on Matisse/Starship platforms outside the seed's inventory: the CPU-side
 * and chipset-side copies of the same functions (RP §3.2, §7.4). `vfio-pci ids=` would grab
 * every copy at boot (RP §2 rule 9).
 */
export const PLATFORM_SHARED_IDS: Record<string, string> = {
  '1022:149c': 'Matisse USB 3.0 controllers exist both on the CPU and the X570 chipset (RP §3.2, §7.4)',
  '1022:1485': 'the Reserved SPP function 0 repeats on CPU and chipset slots (RP §3.2, §7.4)',
  '1022:1486': 'the PSP crypto coprocessor is host-critical (RP §3.2)',
  '1022:1487': 'Matisse HD Audio repeats on CPU-side slots (RP §3.2)',
}

/** IDs whose FLR the kernel disables (drivers/pci/quirks.c quirk_no_flr; RP §3.2). */
export const NO_FLR_IDS = new Set(['1022:1487', '1022:149c', '1022:148c', '1022:7901'])

/**
 * Kernel modules that may claim a function before vfio-pci: the `softdep … pre: vfio-pci`
 * targets (pve-docs qm-pci-passthrough.adoc; RP §7). NVIDIA VGA: lspci lists nvidiafb and
 * nouveau, plus the proprietary nvidia module.
 */
export function hostModules(d: PciDevice): string[] {
  if (d.vendorDevice.startsWith('10de:') && isGpu(d)) return ['nouveau', 'nvidia', 'nvidiafb']
  if (d.vendorDevice.startsWith('1002:') && isGpu(d)) return ['amdgpu', 'radeon']
  if (d.driver === null || d.driver === 'vfio-pci' || d.driver === 'pcieport') return []
  return [DRIVER_MODULE[d.driver] ?? d.driver]
}

/** Driver name (sysfs) → module name where they differ (RP §3.1: xhci_hcd is module xhci_pci). */
const DRIVER_MODULE: Record<string, string> = { xhci_hcd: 'xhci_pci', 'nvidia-gpu': 'i2c_nvidia_gpu' }

/**
 * Drivers that only ever drive a GPU, so blacklisting them costs the host nothing when no
 * host-kept GPU of that vendor exists (RP §7.1: blacklist nouveau, nvidiafb). Everything else
 * (snd_hda_intel, xhci_pci, nvme, r8169, igb, mpt3sas …) is never blacklisted (RP §5 C16).
 */
export function blacklistableDrivers(d: PciDevice): string[] {
  if (d.vendorDevice.startsWith('10de:') && isGpu(d)) return ['nouveau', 'nvidiafb']
  if (d.vendorDevice.startsWith('1002:') && isGpu(d)) return ['amdgpu', 'radeon']
  return []
}

/** Board makers by subsystem vendor, for mapping descriptions (pci.ids 2023.04.11). */
export const SUBSYSTEM_VENDORS: Record<string, string> = {
  '3842': 'EVGA', '1043': 'ASUS', '1462': 'MSI', '1458': 'Gigabyte', '19da': 'Zotac', '1569': 'Palit', '10b0': 'Gainward',
}

export interface VgpuKnowledge {
  possible: 'no' | 'unsupported'
  detail: string
}

/** vGPU (mdev) paths for consumer GeForce chips (RP §4). */
export const VGPU: Record<string, VgpuKnowledge> = {
  '10de:1e81': {
    possible: 'unsupported',
    detail: 'TU104 (RTX 2080 SUPER) can only be spoofed as a Tesla T4 by the community vgpu_unlock (DualCoder/vgpu_unlock), tied to old vGPU host branches, unlicensed and broken by kernel updates',
  },
  '10de:2203': {
    possible: 'no',
    detail: 'GA102 (RTX 3090 Ti) has no vGPU path: Ampere vGPU is SR-IOV based, consumer firmware lacks it, and 0x2203 is not in vgpu_unlock\'s spoof list (mbilker/vgpu_unlock-rs#39)',
  },
}

/** Wi-Fi passthrough knowledge by ID (RP §3.3, §5 C25). */
export const WIFI: Record<string, { severity: 'warn' | 'info'; detail: string }> = {
  '10ec:c821': { severity: 'warn', detail: 'no reliable passthrough reports for the RTL8821CE (rtw88_8821ce): unverified' },
  '8086:2723': { severity: 'info', detail: 'the AX200 (iwlwifi) is passed through in practice (joe-p/vfio-headless); client mode works, AP mode is often limited' },
}

export const GIB = 1024 ** 3

/**
 * A slot's catalog functions are complete only if function 0 is among them: a PCI device
 * with several functions always implements function 0 (PCI Local Bus spec, "Multi-Function
 * Devices"), so a listing without it is missing at least that one.
 */
export function slotFullyKnown(functions: readonly PciDevice[]): boolean {
  return functions.some((d) => d.address?.endsWith('.0'))
}

export interface KnownNeighbour {
  fn: number
  vendorDevice: string
  what: string
}

/**
 * The other functions that sit in the same slot as a known function, for slots the catalog
 * lists only partly. AMD Matisse's CPU-side USB controller 1022:149c is function 3 of a slot
 * whose function 0 is the Reserved SPP 1022:1485, function 1 the PSP crypto coprocessor
 * 1022:1486 (driver ccp, host-critical) and function 4 the HD Audio 1022:1487: lspci listings
 * in the linux-pci patch "PCI: Avoid FLR for AMD Starship/Matisse Cryptographic Coprocessor"
 * (David Jaundrew, 2021); names from pci.ids.
 */
export const SLOT_NEIGHBOURS: Record<string, { fn: number; neighbours: KnownNeighbour[] }> = {
  '1022:149c': {
    fn: 3,
    neighbours: [
      { fn: 0, vendorDevice: '1022:1485', what: 'Starship/Matisse Reserved SPP' },
      { fn: 1, vendorDevice: '1022:1486', what: 'PSP crypto coprocessor (ccp), host-critical' },
      { fn: 4, vendorDevice: '1022:1487', what: 'Starship/Matisse HD Audio' },
    ],
  },
}
