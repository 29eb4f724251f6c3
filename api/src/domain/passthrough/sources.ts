/**
 * The public sources the passthrough rules stand on, each once: the rule table cites them by
 * key, results carry their labels, and the /rules/ page links them. The reasoning that ties
 * a source to a rule is written down in docs/research/passthrough-rules.md.
 */
export interface Source {
  label: string
  url: string
}

const gh = (repo: string, path: string) => `https://github.com/${repo}/blob/master/${path}`

export const SOURCES = {
  qemuServerPci: {
    label: 'qemu-server src/PVE/QemuServer/PCI.pm',
    url: gh('proxmox/qemu-server', 'src/PVE/QemuServer/PCI.pm'),
  },
  qemuMigrate: {
    label: 'qemu-server src/PVE/QemuMigrate.pm',
    url: gh('proxmox/qemu-server', 'src/PVE/QemuMigrate.pm'),
  },
  qemuApi: {
    label: 'qemu-server src/PVE/API2/Qemu.pm (check_hostpci_perm)',
    url: gh('proxmox/qemu-server', 'src/PVE/API2/Qemu.pm'),
  },
  sysfsTools: {
    label: 'pve-common src/PVE/SysFSTools.pm',
    url: gh('proxmox/pve-common', 'src/PVE/SysFSTools.pm'),
  },
  mappingPci: {
    label: 'pve-guest-common src/PVE/Mapping/PCI.pm (assert_valid)',
    url: gh('proxmox/pve-guest-common', 'src/PVE/Mapping/PCI.pm'),
  },
  pciEdit: {
    label: 'pve-manager www/manager6/qemu/PCIEdit.js',
    url: gh('proxmox/pve-manager', 'www/manager6/qemu/PCIEdit.js'),
  },
  pveDocsPassthrough: {
    label: 'pve-docs qm-pci-passthrough.adoc',
    url: gh('proxmox/pve-docs', 'qm-pci-passthrough.adoc'),
  },
  pveDocsQm: {
    label: 'pve-docs qm.adoc (Resource Mapping, Migration, NUMA)',
    url: gh('proxmox/pve-docs', 'qm.adoc'),
  },
  pveDocsZfs: {
    label: 'pve-docs local-zfs.adoc (ARC size default)',
    url: gh('proxmox/pve-docs', 'local-zfs.adoc'),
  },
  pveKernelAcs: {
    label: 'pve-kernel patches/kernel: ACS override patch',
    url: 'https://github.com/proxmox/pve-kernel/tree/master/patches/kernel',
  },
  kernelVfio: {
    label: 'Linux Documentation/driver-api/vfio.rst',
    url: 'https://docs.kernel.org/driver-api/vfio.html',
  },
  kernelQuirks: {
    label: 'Linux drivers/pci/quirks.c (quirk_no_flr)',
    url: gh('torvalds/linux', 'drivers/pci/quirks.c'),
  },
  kernelSysfsPci: {
    label: 'Linux Documentation/ABI/testing/sysfs-bus-pci (reset_method, boot_vga, sriov_totalvfs)',
    url: gh('torvalds/linux', 'Documentation/ABI/testing/sysfs-bus-pci'),
  },
  kernelParams: {
    label: 'Linux kernel-parameters.txt (pcie_aspm, pci=noaer, pcie_acs_override)',
    url: 'https://docs.kernel.org/admin-guide/kernel-parameters.html',
  },
  vfioPciCore: {
    label: 'Linux drivers/vfio/pci/vfio_pci.c (disable_idle_d3)',
    url: gh('torvalds/linux', 'drivers/vfio/pci/vfio_pci.c'),
  },
  qemuVfioPci: {
    label: 'QEMU hw/vfio/pci.c (bus reset: "depends on group N which is not owned")',
    url: gh('qemu/qemu', 'hw/vfio/pci.c'),
  },
  qemuBalloon: {
    label: 'QEMU commit c65ee433 (VFIO inhibits ballooning)',
    url: 'https://github.com/qemu/qemu/commit/c65ee433153b5925e183a00ebf568e160077c694',
  },
  edk2MemDetect: {
    label: 'edk2 OvmfPkg/Library/PlatformInitLib/MemDetect.c (64-bit MMIO window, X-PciMmio64Mb)',
    url: gh('tianocore/edk2', 'OvmfPkg/Library/PlatformInitLib/MemDetect.c'),
  },
  vgpuUnlock: {
    label: 'DualCoder/vgpu_unlock (spoof table in vgpu_unlock)',
    url: gh('DualCoder/vgpu_unlock', 'vgpu_unlock'),
  },
  vgpuUnlockRs39: {
    label: 'mbilker/vgpu_unlock-rs#39 (no SR-IOV on consumer Ampere)',
    url: 'https://github.com/mbilker/vgpu_unlock-rs/issues/39',
  },
  vendorReset: {
    label: 'gnif/vendor-reset src/device-db.h',
    url: gh('gnif/vendor-reset', 'src/device-db.h'),
  },
  truenas13976: {
    label: "truenas/middleware#13976 (critical devices in a GPU's group)",
    url: 'https://github.com/truenas/middleware/pull/13976',
  },
  pciIds: { label: 'pci.ids (PCI ID database)', url: 'https://pci-ids.ucw.cz/' },
  lspci: { label: 'lspci(8): -PP, -tv, -vmm', url: 'https://man7.org/linux/man-pages/man8/lspci.8.html' },
  nvidia5173: {
    label: 'NVIDIA support answer 5173 (GeForce passthrough from R465)',
    url: 'https://nvidia.custhelp.com/app/answers/detail/a_id/5173',
  },
  realtekReKmod: {
    label: 'FreeBSD port net/realtek-re-kmod',
    url: 'https://www.freshports.org/net/realtek-re-kmod/',
  },
  btusb: {
    label: 'Linux drivers/bluetooth/btusb.c (Intel AX200 Bluetooth 8087:0029 on USB)',
    url: gh('torvalds/linux', 'drivers/bluetooth/btusb.c'),
  },
  pciMultifunction: {
    label: 'Linux drivers/pci/probe.c (function 0 announces a multi-function device)',
    url: gh('torvalds/linux', 'drivers/pci/probe.c'),
  },
  matissePspPatch: {
    label:
      'linux-pci patch "PCI: Avoid FLR for AMD Starship/Matisse Cryptographic Coprocessor" (lspci of one Matisse slot)',
    url: 'https://lore.kernel.org/linux-pci/?q=Starship%2FMatisse+Cryptographic+Coprocessor',
  },
  igbMain: {
    label: 'Linux drivers/net/ethernet/intel/igb/igb_main.c (igb_probe_vfs: no SR-IOV on I210/I211)',
    url: gh('torvalds/linux', 'drivers/net/ethernet/intel/igb/igb_main.c'),
  },
  kernelPciePortAer: {
    label: 'Linux Documentation/PCI/pcieaer-howto.rst',
    url: 'https://docs.kernel.org/PCI/pcieaer-howto.html',
  },
} as const satisfies Record<string, Source>

export type SourceKey = keyof typeof SOURCES

/** This repository's write-up of a rule: docs/research/passthrough-rules.md, one section per rule. */
export const RULES_RESEARCH = 'docs/research/passthrough-rules.md'
