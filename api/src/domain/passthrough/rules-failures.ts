/**
 * The failures homelab users hit most once the config is accepted: BAR space, power states,
 * resets, the boot GPU, guest drivers, PCIe error floods, NIC and Bluetooth surprises. Each
 * rule answers from the catalog where it can and says `unknown`, with the host command,
 * where it cannot. Reasoning and sources: docs/research/passthrough-rules.md, section 7.
 */
import { gpuModelOf } from '../catalog/lookup.ts'
import type { PciDevice } from '../catalog/schemas.ts'
import {
  AX200_BLUETOOTH_USB_ID,
  NO_FLR_VENDORS,
  NO_SRIOV_NICS,
  OVMF_DEFAULT_MMIO64_BYTES,
  isGpu,
} from './knowledge.ts'
import { fail, list, pass, unknown, type Outcome, type Rule, type VmRuleInput } from './rule-kit.ts'
import { label, unique, vfioFunctions } from './scenario.ts'

const GIB = 1024 ** 3
const passed = ({ vm }: VmRuleInput): PciDevice[] => unique(vfioFunctions(vm))
const gpusOf = (input: VmRuleInput): PciDevice[] => passed(input).filter((d) => isGpu(d) && d.role === 'gpu')
const vmidOf = ({ vm }: VmRuleInput): string => (vm.vmid === null ? '<vmid>' : String(vm.vmid))
const sysfs = (d: PciDevice, file: string) => `cat /sys/bus/pci/devices/${d.address}/${file}`
const labels = (ds: readonly PciDevice[]) => ds.map(label)

/** The smallest power of two ≥ n: a resizable BAR is sized in powers of two. */
function pow2AtLeast(n: number): number {
  return 2 ** Math.ceil(Math.log2(n))
}

function c29(input: VmRuleInput): Outcome {
  if (input.vm.bios !== 'ovmf') return pass("SeaBIOS: OVMF's 64-bit MMIO window does not apply.")
  const rows = gpusOf(input).map((d) => {
    const model = gpuModelOf(input.scenario.catalog, d)
    return { d, barBytes: model ? pow2AtLeast(model.vramBytes) : null }
  })
  if (rows.length === 0) return pass('No GPU is passed.')
  const unsized = rows.filter((r) => r.barBytes === null).map((r) => r.d)
  if (unsized.length > 0) {
    return unknown(
      `${list(labels(unsized))} has no GPU model in the catalog, so its VRAM (the size of a resizable BAR) is unknown.`,
      `lspci -vv -s ${unsized[0]!.address} | grep -i -A3 -e 'Region' -e 'Resizable BAR'`,
      { devices: labels(unsized) },
    )
  }
  const window = `OVMF's default 64-bit MMIO window of ${OVMF_DEFAULT_MMIO64_BYTES / GIB} GiB`
  const tooBig = rows.filter((r) => r.barBytes! >= OVMF_DEFAULT_MMIO64_BYTES)
  const bar = (r: (typeof rows)[number]) => `${r.barBytes! / GIB} GiB BAR`
  const fix =
    'Disable Resizable BAR (and Above 4G decoding if unneeded) in the host firmware, or give OVMF a larger ' +
    `window: qm set ${vmidOf(input)} --cpu host,phys-bits=host, or args: -fw_cfg ` +
    `name=opt/ovmf/X-PciMmio64Mb,string=65536.`
  const on = tooBig.filter((r) => r.d.resizableBar === 'enabled')
  if (on.length > 0) {
    const what = list(on.map((r) => `${label(r.d)} (${bar(r)} with Resizable BAR on)`))
    return fail(
      `${what} does not fit ${window}: the guest shows "BAR0 is 0M" (Linux) or Code 12 (Windows).`,
      {
        devices: on.map((r) => label(r.d)),
        fix,
      },
    )
  }
  const open = tooBig.filter((r) => r.d.resizableBar === null)
  if (open.length > 0) {
    const what = list(open.map((r) => `${label(r.d)} maps a ${bar(r)}`))
    return unknown(
      `With Resizable BAR on, ${what}, which does not fit ${window} ("BAR0 is 0M", Code 12); ` +
        'whether the host enabled it is not in the catalog.',
      `lspci -vv -s ${open[0]!.d.address} | grep -i -A3 'Resizable BAR'`,
      { devices: open.map((r) => label(r.d)), fix },
    )
  }
  return pass(`${list(rows.map((r) => `${label(r.d)}: at most a ${bar(r)}`))}, within ${window}.`)
}

function c30(input: VmRuleInput): Outcome {
  // GPUs and NVMe drives are the devices reported stuck in D3cold after a VM stops.
  const prone = passed(input).filter((d) => (isGpu(d) && d.role === 'gpu') || d.classCode === '0108')
  if (prone.length === 0)
    return pass('No GPU or NVMe drive is passed: no D3cold report is known for the others.')
  return unknown(
    `Whether ${list(labels(prone))} wakes from D3cold after the VM stops is not in the catalog; ` +
      '"Unable to power on device, stuck in D3" at the next start is the symptom.',
    `${sysfs(prone[0]!, 'd3cold_allowed')}; dmesg | grep -i 'stuck in D3'`,
    {
      devices: labels(prone),
      fix:
        'If the next start fails with "stuck in D3": options vfio-pci disable_idle_d3=1 in ' +
        '/etc/modprobe.d/vfio.conf, then update-initramfs -u -k all.',
    },
  )
}

/** Why a function resets without FLR: what sysfs says, else what its vendor is known for. */
function noFlrReason(d: PciDevice): string {
  if (d.resetMethods !== null) return `reset_method: ${d.resetMethods.join(' ')}`
  return `${NO_FLR_VENDORS[d.vendorDevice.slice(0, 4)]} implement no FLR`
}

function c31(input: VmRuleInput): Outcome {
  const fns = passed(input)
  if (fns.length === 0) return pass('No function goes to vfio-pci.')
  const none = fns.filter((d) => d.resetMethods !== null && d.resetMethods.length === 0)
  if (none.length > 0) {
    return fail(
      `${list(labels(none))} reports no reset method: after the VM stops the device keeps its state, ` +
        'and a restart may need a host reboot.',
      {
        severity: 'warn',
        devices: labels(none),
        command: sysfs(none[0]!, 'reset_method'),
        fix: 'Pass every group on the slot so a bus reset works; otherwise plan for host reboots.',
      },
    )
  }
  const noFlr = fns.filter((d) =>
    d.resetMethods === null
      ? NO_FLR_VENDORS[d.vendorDevice.slice(0, 4)] !== undefined
      : !d.resetMethods.includes('flr'),
  )
  if (noFlr.length > 0) {
    const reasons = [...new Set(noFlr.map(noFlrReason))].join('; ')
    return fail(
      `${list(labels(noFlr))} (${reasons}): the kernel resets by power state or bus instead, which needs ` +
        'the VM to own the groups a bus reset touches (C14).',
      { severity: 'info', devices: labels(noFlr), command: sysfs(noFlr[0]!, 'reset_method') },
    )
  }
  const open = fns.filter((d) => d.resetMethods === null)
  if (open.length > 0) {
    return unknown(
      `The reset method of ${list(labels(open))} is not in the catalog.`,
      sysfs(open[0]!, 'reset_method'),
      {
        severity: 'info',
        devices: labels(open),
      },
    )
  }
  return pass(`${list(labels(fns))} reset by FLR.`)
}

function c32(input: VmRuleInput): Outcome {
  const gpus = gpusOf(input)
  if (gpus.length === 0) return pass('No GPU is passed.')
  const { node } = input.scenario
  const onlyGpu = node.devices.filter((d) => isGpu(d) && d.role === 'gpu').length === 1
  // boot_vga read from the host wins; otherwise the node's only GPU must be the one the firmware used.
  const boot = gpus.filter((d) => d.bootVga === true || (d.bootVga === null && onlyGpu))
  if (boot.length > 0) {
    const why = (d: PciDevice) => `${label(d)} (${d.bootVga ? 'boot_vga=1' : `${node.id}'s only GPU`})`
    const cuda = boot.some((d) => d.driver === 'nvidia')
      ? ", and the host's CUDA workloads (driver nvidia) lose it"
      : ''
    return fail(
      `${list(boot.map(why))} is the boot VGA: the firmware ran its ROM and drove the host console${cuda}. ` +
        'Some cards then need a clean ROM image in the VM.',
      {
        severity: 'warn',
        devices: labels(boot),
        command: sysfs(boot[0]!, 'boot_vga'),
        fix:
          "If the guest shows no output or Code 43, dump the card's ROM on another host (or before the host " +
          'uses it) and set romfile=<file> under /usr/share/kvm/; move host CUDA work to another GPU.',
      },
    )
  }
  const open = gpus.filter((d) => d.bootVga === null)
  if (open.length > 0) {
    return unknown(
      `Whether ${list(labels(open))} is the boot VGA is not in the catalog.`,
      sysfs(open[0]!, 'boot_vga'),
      {
        severity: 'warn',
        devices: labels(open),
      },
    )
  }
  return pass(`${list(labels(gpus))} is not the boot VGA (boot_vga=0).`)
}

/** NVIDIA's first driver branch that allows GeForce passthrough in Windows (support answer 5173). */
const R465 = 465

function c33(input: VmRuleInput): Outcome {
  const nvidia = gpusOf(input).filter((d) => d.vendorDevice.startsWith('10de:'))
  const { guestOs, guestNvidiaDriver } = input.vm
  if (nvidia.length === 0) return pass('No NVIDIA GPU is passed.')
  if (guestOs !== null && guestOs !== 'windows')
    return pass(`The guest is ${guestOs}: the Windows Code 43 block does not apply.`)
  const devices = labels(nvidia)
  if (guestOs === null) {
    return unknown(
      `The guest OS is not given: a Windows guest with an NVIDIA driver older than R${R465} stops ` +
        `${list(devices)} with Code 43.`,
      `qm config ${vmidOf(input)} | grep ostype`,
      { severity: 'warn', devices },
    )
  }
  if (guestNvidiaDriver === null) {
    return unknown(
      `Windows guest: the NVIDIA driver version is not given; before R${R465} GeForce cards stop with Code 43 in a VM.`,
      'nvidia-smi (in the guest)',
      { severity: 'warn', devices },
    )
  }
  if (guestNvidiaDriver < R465) {
    return fail(
      `Windows guest with NVIDIA driver ${guestNvidiaDriver}: before R${R465} the driver refuses ` +
        `GeForce cards in a VM (Code 43).`,
      {
        devices,
        fix: `Install driver R${R465} or later in the guest.`,
      },
    )
  }
  return pass(
    `Windows guest with NVIDIA driver ${guestNvidiaDriver} (R${R465} or later allows GeForce passthrough).`,
  )
}

function c34(input: VmRuleInput): Outcome {
  const fns = passed(input)
  const { node } = input.scenario
  if (fns.length === 0) return pass('No function goes to vfio-pci.')
  if (!/ryzen|amd/i.test(node.platform.cpu ?? ''))
    return pass(`${node.id} is no AMD Ryzen platform: no AER flood pattern is known for it.`)
  return unknown(
    'On Ryzen boards, GPUs and NICs at ASPM L1 often flood the host log with corrected AER errors ' +
      `("PCIe Bus Error: severity=Corrected") once passed through; whether ${node.id} does is not in the catalog.`,
    "journalctl -k -b | grep -c 'PCIe Bus Error'",
    {
      severity: 'warn',
      devices: labels(fns),
      fix:
        'If the log floods: pcie_aspm=off on the kernel command line (or ' +
        'pcie_aspm.policy=performance); pci=noaer only hides the messages.',
    },
  )
}

function c35(input: VmRuleInput): Outcome {
  const rtl8125 = labels(passed(input).filter((d) => d.vendorDevice === '10ec:8125'))
  if (rtl8125.length === 0) return pass('No RTL8125 is passed.')
  const fix =
    'In OPNsense install the os-realtek-re plugin; in FreeBSD/pfSense the net/realtek-re-kmod port (if_re_load="YES").'
  const { guestOs } = input.vm
  if (guestOs === 'freebsd') {
    return fail(
      `${list(rtl8125)} (RTL8125) in a FreeBSD guest: the base system's re(4) driver does not ` +
        `run it reliably; it needs Realtek's driver.`,
      { devices: rtl8125, fix },
    )
  }
  if (guestOs === null) {
    return unknown(
      `${list(rtl8125)} is an RTL8125: a FreeBSD guest (OPNsense, pfSense) needs Realtek's re ` +
        `driver for it; the guest OS is not given.`,
      'uname -a (in the guest)',
      { severity: 'info', devices: rtl8125, fix },
    )
  }
  return pass(`The guest is ${guestOs}: its in-tree driver (Linux r8169) runs the RTL8125.`)
}

function c36(input: VmRuleInput): Outcome {
  const ax200 = labels(passed(input).filter((d) => d.vendorDevice === '8086:2723'))
  if (ax200.length === 0) return pass('No Intel AX200 is passed.')
  return fail(
    `${list(ax200)} (AX200) brings Wi-Fi only: its Bluetooth is a USB device ` +
      `(${AX200_BLUETOOTH_USB_ID}) on a host USB ` +
      'controller, not part of this PCIe function.',
    {
      severity: 'info',
      devices: ax200,
      command: `lsusb -d ${AX200_BLUETOOTH_USB_ID}`,
      fix: `For Bluetooth in the VM add usb0: host=${AX200_BLUETOOTH_USB_ID}, or pass the USB controller it hangs off.`,
    },
  )
}

function c37(input: VmRuleInput): Outcome {
  const nics = passed(input).filter((d) => d.classCode === '0200')
  if (nics.length === 0) return pass('No Ethernet controller is passed.')
  const open = nics.filter((d) => NO_SRIOV_NICS[d.vendorDevice] === undefined)
  if (open.length > 0) {
    return unknown(
      `Whether ${list(labels(open))} offers SR-IOV virtual functions is not in the catalog.`,
      sysfs(open[0]!, 'sriov_totalvfs'),
      { severity: 'info', devices: labels(open) },
    )
  }
  return fail(
    `${list(nics.map((d) => `${label(d)} (${NO_SRIOV_NICS[d.vendorDevice]})`))} has no SR-IOV: ` +
      '"a dedicated NIC per VM" means a whole NIC per VM, not a virtual function.',
    {
      severity: 'info',
      devices: labels(nics),
      fix: 'Give other VMs virtio NICs on a bridge, or add a NIC with SR-IOV (e.g. Intel I350, X710).',
    },
  )
}

export const FAILURE_RULES: readonly Rule<VmRuleInput>[] = [
  {
    id: 'C29',
    name: 'large-bar-mmio-window',
    title: 'Large BAR and the OVMF 64-bit MMIO window',
    severity: 'error',
    sources: ['edk2MemDetect', 'pveDocsPassthrough'],
    evaluate: c29,
    doc: {
      what:
        "A passed GPU's BARs fit OVMF's 64-bit MMIO window: with Resizable BAR on, BAR1 is as large as " +
        'the VRAM rounded up to a power of two (32 GiB for a 24 GB card).',
      why:
        'OVMF\'s default window is 32 GiB; a BAR that does not fit is left unassigned: "BAR0 is 0M" in ' +
        'Linux, Code 12 in Windows.',
      fix:
        'Disable Resizable BAR in the host firmware, or enlarge the window (cpu host,phys-bits=host, or ' +
        '-fw_cfg name=opt/ovmf/X-PciMmio64Mb,string=65536).',
      command: "lspci -vv -s <address> | grep -i -A3 'Resizable BAR'",
    },
  },
  {
    id: 'C30',
    name: 'd3cold-wake',
    title: 'Stuck in D3cold after the VM stops',
    severity: 'warn',
    sources: ['vfioPciCore', 'kernelSysfsPci'],
    evaluate: c30,
    doc: {
      what: 'Whether a passed GPU or NVMe drive comes back from its idle power state.',
      why:
        'vfio-pci puts idle devices into D3; some do not wake, and the next VM start fails with "Unable ' +
        'to power on device, stuck in D3".',
      fix: 'options vfio-pci disable_idle_d3=1, then update-initramfs -u -k all.',
      command: 'cat /sys/bus/pci/devices/<address>/d3cold_allowed',
    },
  },
  {
    id: 'C31',
    name: 'reset-method',
    title: 'Reset method the host reports',
    severity: 'warn',
    sources: ['kernelSysfsPci', 'qemuVfioPci'],
    evaluate: c31,
    doc: {
      what:
        'How the kernel can reset each passed function (sysfs reset_method); NVIDIA GPUs and Realtek NICs ' +
        'implement no FLR.',
      why:
        'Without FLR the reset falls back to power state or secondary bus reset, which needs the VM to ' +
        'own every group on the bus; with no method at all the device keeps its state between VM starts.',
      fix: 'Pass every group on the slot; plan for a host reboot when no reset method is reported.',
      command: 'cat /sys/bus/pci/devices/<address>/reset_method',
    },
  },
  {
    id: 'C32',
    name: 'boot-vga',
    title: 'GPU is the boot VGA',
    severity: 'warn',
    sources: ['kernelSysfsPci', 'pveDocsPassthrough'],
    evaluate: c32,
    doc: {
      what: "Whether a passed GPU is the one the firmware initialised (boot_vga=1), or the node's only GPU.",
      why:
        "The firmware ran the card's ROM and drives the host console on it; the host loses its console " +
        'and any CUDA work, and some cards need a clean ROM image (romfile) in the VM.',
      fix: 'Dump the ROM where the card is not the boot GPU and set romfile=; keep host CUDA on another GPU.',
      command: 'cat /sys/bus/pci/devices/<address>/boot_vga',
    },
  },
  {
    id: 'C33',
    name: 'windows-nvidia-code43',
    title: 'Windows NVIDIA driver before R465',
    severity: 'error',
    sources: ['nvidia5173'],
    evaluate: c33,
    doc: {
      what: 'A Windows guest with a passed NVIDIA GeForce runs driver R465 or later.',
      why:
        'Before R465 the GeForce driver refuses to run in a VM and the device stops with Code 43; NVIDIA ' +
        'lifted this with R465.',
      fix: 'Install R465 or later in the guest.',
      command: 'nvidia-smi (in the guest)',
    },
  },
  {
    id: 'C34',
    name: 'aer-aspm-flood',
    title: 'AER/ASPM error floods',
    severity: 'warn',
    sources: ['kernelPciePortAer', 'kernelParams'],
    evaluate: c34,
    doc: {
      what: 'Whether a Ryzen host floods its log with corrected PCIe AER errors from the passed devices.',
      why:
        'Corrected AER errors at ASPM L1 are common on Ryzen boards with GPUs and NICs; the flood fills ' +
        'the journal and slows the host.',
      fix:
        'pcie_aspm=off (or pcie_aspm.policy=performance) on the kernel command line; pci=noaer only hides ' +
        'the messages.',
      command: "journalctl -k -b | grep -c 'PCIe Bus Error'",
    },
  },
  {
    id: 'C35',
    name: 'rtl8125-freebsd',
    title: 'RTL8125 in FreeBSD/OPNsense',
    severity: 'warn',
    sources: ['realtekReKmod'],
    evaluate: c35,
    doc: {
      what: "A passed RTL8125 in a FreeBSD guest (OPNsense, pfSense) gets Realtek's re driver.",
      why:
        "The base system's re(4) does not run the RTL8125 reliably; the realtek-re-kmod port (OPNsense " +
        'plugin os-realtek-re) does.',
      fix: 'Install os-realtek-re (OPNsense) or net/realtek-re-kmod (FreeBSD, pfSense).',
      command: 'pkg info realtek-re-kmod (in the guest)',
    },
  },
  {
    id: 'C36',
    name: 'ax200-bluetooth-usb',
    title: 'AX200 Bluetooth is a USB device',
    severity: 'info',
    sources: ['btusb'],
    evaluate: c36,
    doc: {
      what: "Passing the AX200's PCIe function brings its Wi-Fi, not its Bluetooth.",
      why:
        "The AX200's Bluetooth is a separate USB device (8087:0029, driver btusb) on a host USB " +
        'controller.',
      fix: 'Add usb0: host=8087:0029, or pass the USB controller it hangs off.',
      command: 'lsusb -d 8087:0029',
    },
  },
  {
    id: 'C37',
    name: 'no-sriov-nic',
    title: 'NICs without SR-IOV',
    severity: 'info',
    sources: ['igbMain', 'kernelSysfsPci'],
    evaluate: c37,
    doc: {
      what: 'Whether a passed NIC could be shared as SR-IOV virtual functions.',
      why:
        'None of the lab\'s NICs (RTL8111/8168, RTL8125, I211) has SR-IOV: "a dedicated NIC per VM" means ' +
        'a whole NIC per VM.',
      fix: 'Use virtio NICs on a bridge for the other VMs, or add a NIC with SR-IOV.',
      command: 'cat /sys/bus/pci/devices/<address>/sriov_totalvfs',
    },
  },
]
