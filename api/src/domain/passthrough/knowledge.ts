/**
 * Device knowledge the catalog does not carry per device: which kernel modules drive a
 * function, which IDs repeat on a platform, reset quirks, vGPU paths. Every entry cites
 * a public source; docs/research/passthrough-rules.md explains how the rules use them.
 */
import type { PciDevice } from '../catalog/schemas.ts'

/** Commands that settle an unknown, run on the Proxmox host. */
export const HOST_COMMANDS = {
  cmdline: 'cat /proc/cmdline',
  iommu: "dmesg | grep -e AMD-Vi -e DMAR -e 'remapping'",
  pci: (node: string) =>
    `pvesh get /nodes/${node}/hardware/pci --pci-class-blacklist "" --output-format json`,
  topology: 'lspci -PP -nn',
  reset:
    'for d in /sys/bus/pci/devices/*; do echo "$(basename $d) $(cat $d/boot_vga 2>/dev/null) ' +
    '$(cat $d/reset_method 2>/dev/null)"; done',
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
 * Classes the host cannot lose whatever else is known (rule C6; truenas/middleware#13976 uses the same
 * classes): host bridge, ISA bridge, SMBus, system peripherals (IOMMU, DMA), encryption controllers
 * (AMD PSP 1022:1486).
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
 * IDs that repeat on Matisse/Starship platforms beyond what a seed inventory lists: the
 * CPU-side functions, and on X570 boards their chipset-side copies (B450 boards such as
 * CARAXES's have chipset USB 1022:43d5 instead). `options vfio-pci ids=` claims every device
 * with the ID at boot (kernel vfio-pci `ids` parameter), so these never go there.
 */
export const PLATFORM_SHARED_IDS: Record<string, string> = {
  '1022:149c':
    'the Matisse USB 3.0 controller ID repeats (X570 chipsets add two copies) and the catalog may not list every copy',
  '1022:1485': 'the Reserved SPP function 0 repeats on CPU and chipset slots',
  '1022:1486': 'the PSP crypto coprocessor is host-critical',
  '1022:1487': 'the Matisse HD Audio ID repeats on CPU-side slots',
}

/** IDs whose FLR the kernel disables (drivers/pci/quirks.c quirk_no_flr). */
export const NO_FLR_IDS = new Set(['1022:1487', '1022:149c', '1022:148c', '1022:7901'])

/**
 * Kernel modules that may claim a function before vfio-pci: the `softdep … pre: vfio-pci`
 * targets (pve-docs qm-pci-passthrough.adoc). NVIDIA VGA: lspci lists nvidiafb and
 * nouveau, plus the proprietary nvidia module.
 */
export function hostModules(d: PciDevice): string[] {
  if (d.vendorDevice.startsWith('10de:') && isGpu(d)) return ['nouveau', 'nvidia', 'nvidiafb']
  if (d.vendorDevice.startsWith('1002:') && isGpu(d)) return ['amdgpu', 'radeon']
  if (d.driver === null || d.driver === 'vfio-pci' || d.driver === 'pcieport') return []
  return [DRIVER_MODULE[d.driver] ?? d.driver]
}

/** Driver name (sysfs) → module name where they differ (xhci_hcd is module xhci_pci, nvidia-gpu is i2c_nvidia_gpu). */
const DRIVER_MODULE: Record<string, string> = { xhci_hcd: 'xhci_pci', 'nvidia-gpu': 'i2c_nvidia_gpu' }

/**
 * Drivers that only ever drive a GPU, so blacklisting them costs the host nothing when no
 * host-kept GPU of that vendor exists (pve-docs qm-pci-passthrough.adoc: blacklist nouveau, nvidiafb). Everything else
 * (snd_hda_intel, xhci_pci, nvme, r8169, igb, mpt3sas …) is never blacklisted (rule C16).
 */
export function blacklistableDrivers(d: PciDevice): string[] {
  if (d.vendorDevice.startsWith('10de:') && isGpu(d)) return ['nouveau', 'nvidiafb']
  if (d.vendorDevice.startsWith('1002:') && isGpu(d)) return ['amdgpu', 'radeon']
  return []
}

/** Board makers by subsystem vendor, for mapping descriptions (pci.ids 2023.04.11). */
export const SUBSYSTEM_VENDORS: Record<string, string> = {
  '3842': 'EVGA',
  '1043': 'ASUS',
  '1462': 'MSI',
  '1458': 'Gigabyte',
  '19da': 'Zotac',
  '1569': 'Palit',
  '10b0': 'Gainward',
}

export interface VgpuKnowledge {
  possible: 'no' | 'unsupported'
  detail: string
}

/**
 * vGPU (mdev) paths for consumer GeForce chips. The community vgpu_unlock spoofs a GeForce as
 * the datacenter card of the same chip (DualCoder/vgpu_unlock, file `vgpu_unlock`: Turing
 * 0x1e02-0x1ff9 → Quadro RTX 6000 0x1e30, Ampere 0x2200-0x2600 → RTX A6000 0x2230). Ampere
 * vGPU runs on SR-IOV, which consumer Ampere firmware does not offer (mbilker/vgpu_unlock-rs#39).
 */
export const VGPU: Record<string, VgpuKnowledge> = {
  '10de:1e81': {
    possible: 'unsupported',
    detail:
      'TU104 (RTX 2080 SUPER) can be spoofed as a Quadro RTX 6000 by the community vgpu_unlock, ' +
      'tied to old vGPU host driver branches, unlicensed and broken by kernel updates',
  },
  '10de:2203': {
    possible: 'no',
    detail:
      'GA102 (RTX 3090 Ti) has no vGPU path: vgpu_unlock would present it as an RTX A6000, but ' +
      'Ampere vGPU needs SR-IOV, which consumer Ampere firmware lacks ' +
      '(mbilker/vgpu_unlock-rs#39)',
  },
}

/**
 * AMD GPUs with the reset bug that gnif/vendor-reset handles, by device ID
 * (gnif/vendor-reset src/device-db.h: Polaris 10/11/12, Vega 10/20, Navi 10/12/14). Later
 * chips (RDNA2/3) reset on their own and are not on the list.
 */
const VENDOR_RESET_FAMILIES: Record<string, string> = {
  POLARIS10: '67c0 67c1 67c2 67c4 67c7 67c8 67c9 67ca 67cc 67cf 67d0 67df 6fdf',
  POLARIS11: '67e0 67e1 67e3 67e7 67e8 67e9 67eb 67ef 67ff',
  POLARIS12: '6980 6981 6985 6986 6987 6995 6997 699f',
  VEGA10: '6860 6861 6862 6863 6864 6867 6868 6869 686a 686b 686c 686d 686e 686f 687f',
  VEGA20: '66a0 66a1 66a2 66a3 66a4 66a7 66af 738c',
  NAVI10: '7310 7312 7318 7319 731a 731b 731e 731f',
  NAVI12: '7360 7362',
  NAVI14: '7340 7341 7347 734f',
}

/** The vendor-reset family of an AMD GPU ID (`1002:67df` → POLARIS10), or null. */
export function vendorResetFamily(vendorDevice: string): string | null {
  if (!vendorDevice.startsWith('1002:')) return null
  const id = vendorDevice.slice(5)
  return Object.entries(VENDOR_RESET_FAMILIES).find(([, ids]) => ids.split(' ').includes(id))?.[0] ?? null
}

/** Wi-Fi passthrough knowledge by ID (rule C25; joe-p/vfio-headless README for the AX200). */
export const WIFI: Record<string, { severity: 'warn' | 'info'; detail: string }> = {
  '10ec:c821': {
    severity: 'warn',
    detail: 'no reliable passthrough reports for the RTL8821CE (rtw88_8821ce): unverified',
  },
  '8086:2723': {
    severity: 'info',
    detail:
      'the AX200 (iwlwifi) is passed through in practice (joe-p/vfio-headless); client mode ' +
      'works, AP mode is often limited',
  },
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

/**
 * OVMF's default 64-bit PCI MMIO window when it sizes nothing from the guest's address width:
 * 32 GiB (edk2 OvmfPkg PcdPciMmio64Size 0x800000000; OvmfPkg/Library/PlatformInitLib
 * MemDetect.c reads the X-PciMmio64Mb override).
 */
export const OVMF_DEFAULT_MMIO64_BYTES = 32 * GIB

/**
 * Vendors whose devices of this lab implement no FLR (lspci -vv: DevCap "FLReset-"), so the
 * kernel resets them by power state or bus: NVIDIA GPUs and Realtek NICs.
 */
export const NO_FLR_VENDORS: Record<string, string> = { '10de': 'NVIDIA GPUs', '10ec': 'Realtek NICs' }

/**
 * NICs with no SR-IOV: Linux r8169 has no sriov_configure; igb's igb_probe_vfs skips the
 * I210/I211 family ("Virtualization features not supported").
 */
export const NO_SRIOV_NICS: Record<string, string> = {
  '10ec:8168': 'RTL8111/8168, driver r8169 has no SR-IOV',
  '10ec:8125': 'RTL8125, driver r8169 has no SR-IOV',
  '8086:1539': 'I211, igb supports SR-IOV only on 82576 and I350',
}

/** The AX200's Bluetooth: a USB device driven by btusb (drivers/bluetooth/btusb.c). */
export const AX200_BLUETOOTH_USB_ID = '8087:0029'
