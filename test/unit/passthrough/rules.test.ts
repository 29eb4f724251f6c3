/**
 * Each rule of docs/research/passthrough-rules.md with a case that passes and one that trips it (fail, or unknown
 * where the catalog lacks the data). Fixtures are the seed catalog, cloned and edited.
 */
import { describe, expect, it } from 'vitest'
import type { Catalog } from '../../../api/src/domain/catalog/catalog.ts'
import { checkIommuGroup } from '../../../api/src/domain/passthrough/check-group.ts'
import { planPassthrough } from '../../../api/src/domain/passthrough/plan-passthrough.ts'
import {
  CHECK_IDS,
  PassthroughPlanRequestSchema,
  type CheckId,
  type CheckResult,
  type PassthroughPlanRequestInput,
  type VmRequest,
} from '../../../api/src/domain/passthrough/schemas.ts'
import { HOST_RULES, VM_SCOPED_RULES } from '../../../api/src/domain/passthrough/rules.ts'
import { SOURCES } from '../../../api/src/domain/passthrough/sources.ts'
import { SEED, check, deviceAt, fixture, nodeOf } from './fixtures.ts'

const GIB = 1024 ** 3
const group = (node: string, g: number, c: Catalog = SEED) => checkIommuGroup(node, g, c).checks
/** Checks of the first VM plus the node-wide ones. */
const plan = (
  node: string,
  vms: Partial<VmRequest>[],
  extra: Partial<PassthroughPlanRequestInput> = {},
  c: Catalog = SEED,
) => {
  const request = PassthroughPlanRequestSchema.parse({
    node,
    vms: vms.map((v, i) => ({ name: `vm${i}`, devices: [], ...v })),
    existing: [],
    ...extra,
  })
  const p = planPassthrough(request, c)
  return [...p.vms[0]!.checks, ...p.checks]
}
const gpu = (node = 'caraxes') =>
  [{ devices: [{ role: 'gpu' as const }] }].map((v) => ({ ...v, name: `on-${node}` }))

/** CARAXES with the Wi-Fi (0c:00.0) and the only NIC (0d:00.0) behind the given upstream ports. */
const behindPorts = (wifi: string, nic: string) =>
  fixture((c) => {
    deviceAt(c, 'caraxes', '0000:0c:00.0').upstreamBridge = wifi
    deviceAt(c, 'caraxes', '0000:0d:00.0').upstreamBridge = nic
  })
const withRam = (bytes: number) =>
  fixture((c) => {
    nodeOf(c, 'caraxes').platform.hostMemoryBytes = bytes
  })

interface Case {
  id: CheckId
  what: string
  run: () => CheckResult[]
  status: CheckResult['status']
  severity?: CheckResult['severity']
  says?: string
}

const CASES: Case[] = [
  { id: 'C1', what: 'every device has a group', run: () => group('caraxes', 31), status: 'pass' },
  {
    id: 'C1',
    what: 'a device without a group (IOMMU off)',
    run: () =>
      group(
        'caraxes',
        31,
        fixture((c) => {
          deviceAt(c, 'caraxes', '0000:0c:00.0').iommuGroup = -1
        }),
      ),
    status: 'fail',
    severity: 'error',
    says: '0000:0c:00.0',
  },
  {
    id: 'C2',
    what: 'interrupt remapping on',
    run: () =>
      group(
        'caraxes',
        31,
        fixture((c) => {
          nodeOf(c, 'caraxes').platform.interruptRemapping = 'yes'
        }),
      ),
    status: 'pass',
  },
  {
    id: 'C2',
    what: 'interrupt remapping off',
    run: () =>
      group(
        'caraxes',
        31,
        fixture((c) => {
          nodeOf(c, 'caraxes').platform.interruptRemapping = 'no'
        }),
      ),
    status: 'fail',
    severity: 'error',
  },
  { id: 'C2', what: 'interrupt remapping not recorded', run: () => group('caraxes', 31), status: 'unknown' },
  { id: 'C3', what: 'the GPU functions exist', run: () => group('caraxes', 31), status: 'pass' },
  {
    id: 'C3',
    what: 'a PLX port without an address',
    run: () => group('caraxes', 22),
    status: 'unknown',
    says: 'LSI-1',
  },
  { id: 'C4', what: 'no bridge', run: () => group('caraxes', 31), status: 'pass' },
  {
    id: 'C4',
    what: 'a group of bridges only',
    run: () => group('caraxes', 23),
    status: 'fail',
    severity: 'error',
    says: 'only bridges',
  },
  { id: 'C5', what: 'a GPU slot alone in its group', run: () => group('meraxes', 30), status: 'pass' },
  {
    id: 'C5',
    what: 'one function of the GPU',
    run: () => plan('caraxes', [{ devices: ['0e:00.0'] }]),
    status: 'fail',
    severity: 'warn',
    says: 'share the slot',
  },
  {
    id: 'C5',
    what: 'another slot in the group',
    run: () =>
      plan(
        'caraxes',
        [{ devices: ['0e:00'] }],
        {},
        fixture((c) => {
          deviceAt(c, 'caraxes', '0000:0c:00.0').iommuGroup = 31
        }),
      ),
    status: 'fail',
    severity: 'warn',
    says: 'Shared group 31',
  },
  { id: 'C6', what: 'the GPU group', run: () => group('caraxes', 31), status: 'pass' },
  {
    id: 'C6',
    what: "MERAXES's management NIC",
    run: () => group('meraxes', 28),
    status: 'fail',
    severity: 'block',
    says: 'management-nic',
  },
  {
    id: 'C6',
    what: 'an AMD PSP in the group',
    run: () =>
      group(
        'meraxes',
        22,
        fixture((c) => {
          deviceAt(c, 'meraxes', '0000:0a:00.1').classCode = '1080'
        }),
      ),
    status: 'fail',
    severity: 'block',
    says: 'encryption',
  },
  {
    id: 'C7',
    what: 'no ACS override',
    run: () =>
      group(
        'caraxes',
        31,
        fixture((c) => {
          nodeOf(c, 'caraxes').platform.acsOverride = 'no'
        }),
      ),
    status: 'pass',
  },
  {
    id: 'C7',
    what: "CARAXES's suspected override",
    run: () => group('caraxes', 31),
    status: 'fail',
    severity: 'warn',
    says: 'suspected',
  },
  // With the upstream bridges imported (lspci -PP): the Wi-Fi behind the same chipset port as
  // CARAXES's only NIC escalates to block; behind a port of its own it stays a warning.
  {
    id: 'C7',
    what: 'a passed device shares its port with the management NIC',
    run: () => group('caraxes', 29, behindPorts('0000:00:01.2', '0000:00:01.2')),
    status: 'fail',
    severity: 'block',
    says: 'which the host needs',
  },
  {
    id: 'C7',
    what: 'a passed device on a port of its own',
    run: () => group('caraxes', 29, behindPorts('0000:00:01.2', '0000:00:01.3')),
    status: 'fail',
    severity: 'warn',
    says: 'no host-critical device shares a port',
  },
  { id: 'C7', what: 'MERAXES not recorded', run: () => group('meraxes', 30), status: 'unknown' },
  {
    id: 'C8',
    what: 'no other VM holds the group',
    run: () => plan('caraxes', [{ devices: ['0e:00'] }]),
    status: 'pass',
  },
  {
    id: 'C8',
    what: 'a group split between two VMs',
    run: () => plan('caraxes', [{ devices: ['0e:00.0'] }, { devices: ['0e:00.1'] }]),
    status: 'fail',
    severity: 'error',
    says: 'also takes group 31',
  },
  {
    id: 'C8',
    what: 'an existing VM holds a function',
    run: () =>
      plan('caraxes', [{ devices: ['0e:00'] }], {
        existing: [{ vm: '101', hostpci: ['hostpci0: 0e:00.3'] }],
      }),
    status: 'fail',
    severity: 'error',
    says: '101',
  },
  {
    id: 'C8',
    what: 'existing VMs not given',
    run: () => plan('caraxes', [{ devices: ['0e:00'] }], { existing: undefined }),
    status: 'unknown',
  },
  {
    id: 'C9',
    what: 'each function once',
    run: () => plan('caraxes', [{ devices: ['0e:00'] }]),
    status: 'pass',
  },
  {
    id: 'C9',
    what: 'a function twice',
    run: () => plan('caraxes', [{ devices: ['0e:00', '0e:00.1'] }]),
    status: 'fail',
    severity: 'error',
    says: '0000:0e:00.1',
  },
  {
    id: 'C10',
    what: '16 entries',
    run: () => plan('caraxes', [{ devices: Array(16).fill('10:00.3') }]),
    status: 'pass',
  },
  {
    id: 'C10',
    what: '17 entries',
    run: () => plan('caraxes', [{ devices: Array(17).fill('10:00.3') }]),
    status: 'fail',
    severity: 'error',
    says: '17 hostpci',
  },
  { id: 'C11', what: 'q35 with pcie', run: () => plan('caraxes', gpu()), status: 'pass' },
  {
    id: 'C11',
    what: 'pcie=1 on i440fx',
    run: () => plan('caraxes', [{ ...gpu()[0], machine: 'i440fx', pcie: true }]),
    status: 'fail',
    severity: 'error',
    says: 'q35',
  },
  {
    id: 'C11',
    what: 'a GPU on SeaBIOS',
    run: () => plan('caraxes', [{ ...gpu()[0], bios: 'seabios' }]),
    status: 'fail',
    severity: 'info',
  },
  { id: 'C12', what: 'a compute-only GPU', run: () => plan('caraxes', gpu()), status: 'pass' },
  {
    id: 'C12',
    what: 'the GPU as display',
    run: () => plan('caraxes', [{ ...gpu()[0], display: true }]),
    status: 'fail',
    severity: 'warn',
    says: 'x-vga=1',
  },
  {
    id: 'C12',
    what: 'a display without a GPU',
    run: () => plan('caraxes', [{ devices: ['10:00.3'], display: true }]),
    status: 'fail',
    severity: 'error',
  },
  { id: 'C13', what: 'no mdev', run: () => plan('caraxes', gpu()), status: 'pass', says: 'vgpu_unlock' },
  {
    id: 'C13',
    what: 'mdev on the 2080 SUPER',
    run: () => plan('caraxes', [{ devices: [{ address: '0e:00.0', mdev: 'nvidia-222' }] }]),
    status: 'fail',
    severity: 'warn',
    says: 'unsupported',
  },
  {
    id: 'C13',
    what: 'mdev on the 3090 Ti',
    run: () => plan('meraxes', [{ devices: [{ address: '0d:00.0', mdev: 'nvidia-1' }] }]),
    status: 'fail',
    severity: 'error',
    says: 'no vGPU path',
  },
  {
    id: 'C13',
    what: 'mdev on all functions',
    run: () => plan('caraxes', [{ devices: [{ address: '0e:00', mdev: 'nvidia-222' }] }]),
    status: 'fail',
    severity: 'error',
    says: 'multifunction',
  },
  { id: 'C14', what: 'the whole GPU', run: () => group('caraxes', 31), status: 'pass' },
  // QEMU resets a slot only when the VM owns every group the reset touches (hw/vfio/pci.c,
  // "depends on group N which is not owned"): leaving out a function of the GPU's own group is
  // C5's business, one in another group makes the reset impossible.
  {
    id: 'C14',
    what: 'part of the GPU, its other functions in the same group',
    run: () => plan('caraxes', [{ devices: ['0e:00.0'] }]),
    status: 'pass',
  },
  {
    id: 'C14',
    what: 'a GPU function in another group',
    run: () =>
      plan(
        'caraxes',
        [{ devices: ['0e:00.0'] }],
        {},
        fixture((c) => {
          deviceAt(c, 'caraxes', '0000:0e:00.1').iommuGroup = 29
        }),
      ),
    status: 'fail',
    severity: 'warn',
    says: 'not its group',
  },
  // gnif/vendor-reset src/device-db.h lists 1002:67df (Polaris 10, RX 480/580), not 1002:73bf (Navi 21, RX 6800/6900).
  {
    id: 'C14',
    what: 'a Polaris GPU',
    run: () =>
      group(
        'meraxes',
        30,
        fixture((c) => {
          deviceAt(c, 'meraxes', '0000:0d:00.0').vendorDevice = '1002:67df'
        }),
      ),
    status: 'fail',
    severity: 'warn',
    says: 'POLARIS10',
  },
  {
    id: 'C14',
    what: 'an RDNA2 GPU',
    run: () =>
      group(
        'meraxes',
        30,
        fixture((c) => {
          deviceAt(c, 'meraxes', '0000:0d:00.0').vendorDevice = '1002:73bf'
        }),
      ),
    status: 'pass',
  },
  {
    id: 'C14',
    what: 'a Matisse USB controller (no FLR)',
    run: () => group('caraxes', 38),
    status: 'fail',
    severity: 'info',
    says: 'FLR',
  },
  { id: 'C15', what: 'GPU IDs nobody else has', run: () => group('caraxes', 31), status: 'pass' },
  {
    id: 'C15',
    what: 'one SAS3008 of two',
    run: () => group('caraxes', 26),
    status: 'fail',
    severity: 'warn',
    says: '0000:07:00.0',
  },
  {
    id: 'C15',
    what: 'Matisse USB 1022:149c',
    run: () => group('meraxes', 22),
    status: 'fail',
    severity: 'warn',
    says: '1022:149c',
  },
  { id: 'C16', what: 'GPU-only drivers', run: () => group('meraxes', 30), status: 'pass' },
  {
    id: 'C16',
    what: 'a second NVIDIA GPU stays on the host',
    run: () =>
      group(
        'meraxes',
        30,
        fixture((c) => {
          nodeOf(c, 'meraxes').devices.push({
            ...structuredClone(deviceAt(c, 'meraxes', '0000:0d:00.0')),
            address: '0000:0f:00.0',
            iommuGroup: 15,
            vendorDevice: '10de:2204',
          })
        }),
      ),
    status: 'fail',
    severity: 'warn',
    says: 'nouveau',
  },
  { id: 'C17', what: 'no storage', run: () => group('caraxes', 31), status: 'pass' },
  {
    id: 'C17',
    what: 'the boot NVMe',
    run: () => group('meraxes', 31),
    status: 'fail',
    severity: 'block',
    says: 'boot-disk',
  },
  { id: 'C17', what: 'an NVMe of unknown host use', run: () => group('meraxes', 15), status: 'unknown' },
  { id: 'C18', what: 'no HBA', run: () => group('caraxes', 31), status: 'pass' },
  {
    id: 'C18',
    what: 'an HBA',
    run: () => group('caraxes', 26),
    status: 'fail',
    severity: 'warn',
    says: 'IT firmware is recommended',
  },
  { id: 'C19', what: 'no NIC', run: () => group('caraxes', 31), status: 'pass' },
  {
    id: 'C19',
    what: "CARAXES's only wired NIC",
    run: () => group('caraxes', 30),
    status: 'fail',
    severity: 'block',
    says: 'only wired NIC',
  },
  {
    id: 'C19',
    what: 'the inter-node 2.5G NIC',
    run: () => group('meraxes', 27),
    status: 'fail',
    severity: 'warn',
    says: 'lab-lan',
  },
  { id: 'C19', what: 'Wi-Fi of unknown use', run: () => group('meraxes', 29), status: 'unknown' },
  {
    id: 'C20',
    what: 'node RAM unknown',
    run: () => plan('caraxes', [{ ...gpu()[0], memoryBytes: 8 * GIB }]),
    status: 'unknown',
    says: '8.0 GiB',
  },
  {
    id: 'C20',
    what: '16 of 32 GiB',
    run: () => plan('caraxes', [{ ...gpu()[0], memoryBytes: 16 * GIB }], {}, withRam(32 * GIB)),
    status: 'pass',
  },
  {
    id: 'C20',
    what: '26 of 32 GiB (over 90%)',
    run: () => plan('caraxes', [{ ...gpu()[0], memoryBytes: 26 * GIB }], {}, withRam(32 * GIB)),
    status: 'fail',
    severity: 'warn',
  },
  {
    id: 'C20',
    what: '64 of 32 GiB',
    run: () => plan('caraxes', [{ ...gpu()[0], memoryBytes: 64 * GIB }], {}, withRam(32 * GIB)),
    status: 'fail',
    severity: 'error',
    says: 'does not fit',
  },
  {
    id: 'C21',
    what: 'a node-bound VM',
    run: () => plan('caraxes', gpu()),
    status: 'pass',
    says: 'pinned to caraxes',
  },
  {
    id: 'C21',
    what: 'live migration asked',
    run: () => plan('caraxes', [{ ...gpu()[0], liveMigration: true }]),
    status: 'fail',
    severity: 'block',
    says: 'refuses to live-migrate',
  },
  {
    id: 'C22',
    what: "the 2080 SUPER's documented subsystem",
    run: () => group('caraxes', 31),
    status: 'pass',
  },
  {
    id: 'C22',
    what: 'an HBA without subsystem',
    run: () => group('caraxes', 26),
    status: 'unknown',
    says: 'none is emitted',
  },
  { id: 'C23', what: 'permissions', run: () => group('caraxes', 31), status: 'pass', says: 'root@pam' },
  {
    id: 'C24',
    what: 'a GPU that is not the console',
    run: () =>
      group(
        'caraxes',
        31,
        fixture((c) => {
          deviceAt(c, 'caraxes', '0000:0e:00.0').hostUse = []
        }),
      ),
    status: 'pass',
  },
  {
    id: 'C24',
    what: "the host's only GPU",
    run: () => group('caraxes', 31),
    status: 'fail',
    severity: 'warn',
    says: 'console',
  },
  { id: 'C25', what: 'no Wi-Fi', run: () => group('caraxes', 31), status: 'pass' },
  {
    id: 'C25',
    what: 'the RTL8821CE',
    run: () => group('caraxes', 29),
    status: 'fail',
    severity: 'warn',
    says: 'unverified',
  },
  {
    id: 'C25',
    what: 'the AX200',
    run: () => group('meraxes', 29),
    status: 'fail',
    severity: 'info',
    says: 'client',
  },
  {
    id: 'C26',
    what: 'node scoping',
    run: () => group('caraxes', 31),
    status: 'pass',
    says: 'meraxes are unrelated',
  },
  {
    id: 'C28',
    what: 'one function of a slot whose function 0 is known',
    run: () => plan('caraxes', [{ devices: ['0e:00.0'] }]),
    status: 'pass',
  },
  {
    id: 'C28',
    what: 'the Matisse USB function without its slot-mates',
    run: () => group('caraxes', 38),
    status: 'unknown',
    severity: 'block',
    says: 'lspci -s 10:00 -nn',
  },
  {
    id: 'C28',
    what: 'a seed-listed slot passed whole',
    run: () => group('caraxes', 31),
    status: 'unknown',
    says: 'not from the host',
  },
  // OVMF's default 64-bit window is 32 GiB (edk2 PcdPciMmio64Size 0x800000000); a resizable BAR is
  // the VRAM rounded up to a power of two: 8 GiB for the 2080 SUPER, 32 GiB for the 24 GB 3090 Ti.
  { id: 'C29', what: 'an 8 GB card', run: () => group('caraxes', 31), status: 'pass', says: '8 GiB BAR' },
  {
    id: 'C29',
    what: 'the 24 GB card, Resizable BAR not recorded',
    run: () => group('meraxes', 30),
    status: 'unknown',
    severity: 'error',
    says: '32 GiB BAR',
  },
  {
    id: 'C29',
    what: 'the 24 GB card with Resizable BAR on',
    run: () =>
      group(
        'meraxes',
        30,
        fixture((c) => {
          deviceAt(c, 'meraxes', '0000:0d:00.0').resizableBar = 'enabled'
        }),
      ),
    status: 'fail',
    severity: 'error',
    says: 'BAR0 is 0M',
  },
  {
    id: 'C29',
    what: 'the 24 GB card with Resizable BAR off',
    run: () =>
      group(
        'meraxes',
        30,
        fixture((c) => {
          deviceAt(c, 'meraxes', '0000:0d:00.0').resizableBar = 'disabled'
        }),
      ),
    status: 'pass',
  },
  { id: 'C30', what: 'a USB controller', run: () => group('caraxes', 38), status: 'pass' },
  {
    id: 'C30',
    what: 'an NVMe drive',
    run: () => group('meraxes', 15),
    status: 'unknown',
    severity: 'warn',
    says: 'stuck in D3',
  },
  {
    id: 'C31',
    what: 'a function that resets by FLR',
    run: () =>
      group(
        'meraxes',
        15,
        fixture((c) => {
          deviceAt(c, 'meraxes', '0000:01:00.0').resetMethods = ['flr', 'bus']
        }),
      ),
    status: 'pass',
  },
  {
    id: 'C31',
    what: 'an NVIDIA GPU (no FLR)',
    run: () => group('meraxes', 30),
    status: 'fail',
    severity: 'info',
    says: 'NVIDIA GPUs implement no FLR',
  },
  {
    id: 'C31',
    what: 'a function with no reset method',
    run: () =>
      group(
        'meraxes',
        15,
        fixture((c) => {
          deviceAt(c, 'meraxes', '0000:01:00.0').resetMethods = []
        }),
      ),
    status: 'fail',
    severity: 'warn',
    says: 'host reboot',
  },
  {
    id: 'C32',
    what: 'a GPU with boot_vga=0',
    run: () =>
      group(
        'caraxes',
        31,
        fixture((c) => {
          deviceAt(c, 'caraxes', '0000:0e:00.0').bootVga = false
        }),
      ),
    status: 'pass',
  },
  {
    id: 'C32',
    what: "the node's only GPU",
    run: () => group('caraxes', 31),
    status: 'fail',
    severity: 'warn',
    says: 'CUDA',
  },
  // NVIDIA support answer 5173: GeForce passthrough in Windows VMs from driver R465.
  {
    id: 'C33',
    what: 'a Linux guest',
    run: () => plan('caraxes', [{ ...gpu()[0], guestOs: 'linux' }]),
    status: 'pass',
  },
  {
    id: 'C33',
    what: 'Windows with driver 456',
    run: () => plan('caraxes', [{ ...gpu()[0], guestOs: 'windows', guestNvidiaDriver: 456 }]),
    status: 'fail',
    severity: 'error',
    says: 'Code 43',
  },
  {
    id: 'C33',
    what: 'Windows with driver 551',
    run: () => plan('caraxes', [{ ...gpu()[0], guestOs: 'windows', guestNvidiaDriver: 551 }]),
    status: 'pass',
  },
  {
    id: 'C34',
    what: 'an Intel host',
    run: () =>
      group(
        'caraxes',
        31,
        fixture((c) => {
          nodeOf(c, 'caraxes').platform.cpu = 'Intel Core i5-12400'
        }),
      ),
    status: 'pass',
  },
  {
    id: 'C34',
    what: 'a Ryzen host',
    run: () => group('caraxes', 31),
    status: 'unknown',
    severity: 'warn',
    says: 'PCIe Bus Error',
  },
  {
    id: 'C35',
    what: 'the RTL8125 for a Linux guest',
    run: () => plan('meraxes', [{ devices: ['07:00.0'], guestOs: 'linux' }]),
    status: 'pass',
  },
  {
    id: 'C35',
    what: 'the RTL8125 for OPNsense',
    run: () => plan('meraxes', [{ devices: ['07:00.0'], guestOs: 'freebsd' }]),
    status: 'fail',
    severity: 'warn',
    says: "Realtek's driver",
  },
  { id: 'C36', what: 'no AX200', run: () => group('meraxes', 30), status: 'pass' },
  {
    id: 'C36',
    what: 'the AX200',
    run: () => group('meraxes', 29),
    status: 'fail',
    severity: 'info',
    says: '8087:0029',
  },
  { id: 'C37', what: 'no NIC', run: () => group('meraxes', 30), status: 'pass' },
  {
    id: 'C37',
    what: 'the RTL8125',
    run: () => group('meraxes', 27),
    status: 'fail',
    severity: 'info',
    says: 'a whole NIC per VM',
  },
  {
    id: 'C27',
    what: 'seed data not read from the host',
    run: () => group('caraxes', 31),
    status: 'unknown',
    says: 'pvesh get /nodes/caraxes',
  },
  {
    id: 'C27',
    what: 'members imported from the host',
    run: () =>
      group(
        'meraxes',
        29,
        fixture((c) => {
          deviceAt(c, 'meraxes', '0000:09:00.0').provenance = {
            default: { status: 'imported', source: 'pvesh' },
            fields: {},
          }
        }),
      ),
    status: 'pass',
  },
  {
    id: 'C27',
    what: 'an existing entry the catalog lacks',
    run: () => plan('caraxes', gpu(), { existing: [{ vm: '101', hostpci: ['hostpci0: 0000:0f:00.0'] }] }),
    status: 'fail',
    severity: 'error',
    says: '0000:0f:00.0',
  },
]

describe('passthrough rules', () => {
  it.each(CASES)('$id: $what → $status', ({ id, run, status, severity, says }) => {
    const result = check(run(), id)
    expect(result.status).toBe(status)
    if (severity) expect(result.severity).toBe(severity)
    if (says) expect(`${result.message} ${result.command ?? ''}`).toContain(says)
    expect(result.name).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/)
    expect(result.docsUrl).toBe(`/rules/#${id.toLowerCase()}`)
    expect(result.source).not.toMatch(/shared\/|RP §/)
  })

  // C23 (permissions) and C26 (node scoping) are advice that holds for every plan: no catalog
  // state or request trips them, so they only ever pass.
  const ADVICE_ONLY = new Set(['C23', 'C26'])

  it('gives every rule a unique name, its docs text and public sources', () => {
    const rules = [...VM_SCOPED_RULES, ...HOST_RULES]
    expect(rules.map((r) => r.id).sort()).toEqual([...CHECK_IDS].sort())
    expect(new Set(rules.map((r) => r.name)).size).toBe(rules.length)
    for (const r of rules) {
      expect(
        [r.doc.what, r.doc.why, r.doc.fix].every((t) => t.length > 10),
        r.id,
      ).toBe(true)
      expect(r.sources.length, r.id).toBeGreaterThan(0)
      for (const k of r.sources) expect(SOURCES[k].url, `${r.id} ${k}`).toMatch(/^https:\/\//)
    }
  })

  it('has a passing and a tripping case for every other rule', () => {
    expect(new Set(CASES.map((c) => c.id)).size).toBe(CHECK_IDS.length)
    for (const id of new Set(CASES.map((c) => c.id).filter((i) => !ADVICE_ONLY.has(i)))) {
      const statuses = new Set(CASES.filter((c) => c.id === id).map((c) => c.status))
      expect(statuses.has('pass') && statuses.size > 1 ? id : `${id}: ${[...statuses].join(',')}`).toBe(id)
    }
  })
})
