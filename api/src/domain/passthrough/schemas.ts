/**
 * Request and answer shapes of the passthrough planner: the IOMMU-group check
 * (GET /api/v1/nodes/{node}/iommu-groups/{group}/check) and the multi-VM plan
 * (POST /api/v1/plan/passthrough). Check ids are stable (C1-C28, then the later rules); each
 * rule's reasoning is in docs/research/passthrough-rules.md and on the site's /rules/ page.
 */
import { z } from 'zod'
import { DeviceRoleSchema, HostUseSchema, NodeIdSchema } from '../catalog/schemas.ts'

export const CHECK_IDS = [
  'C1',
  'C2',
  'C3',
  'C4',
  'C5',
  'C6',
  'C7',
  'C8',
  'C9',
  'C10',
  'C11',
  'C12',
  'C13',
  'C14',
  'C15',
  'C16',
  'C17',
  'C18',
  'C19',
  'C20',
  'C21',
  'C22',
  'C23',
  'C24',
  'C25',
  'C26',
  'C27',
  'C28',
  'C29',
  'C30',
  'C31',
  'C32',
  'C33',
  'C34',
  'C35',
  'C36',
  'C37',
] as const
export const CheckIdSchema = z.enum(CHECK_IDS).meta({ id: 'PassthroughCheckId' })
export type CheckId = z.infer<typeof CheckIdSchema>

export const SeveritySchema = z.enum(['block', 'error', 'warn', 'info']).meta({
  id: 'CheckSeverity',
  description:
    'block: never emit config; error: Proxmox/QEMU will refuse; warn: works with a risk; info: advice',
})
export type Severity = z.infer<typeof SeveritySchema>

export const CheckStatusSchema = z.enum(['pass', 'fail', 'unknown']).meta({
  id: 'CheckStatus',
  description: 'unknown: the catalog lacks the data; `command` says what to run on the host',
})
export type CheckStatus = z.infer<typeof CheckStatusSchema>

export const CheckResultSchema = z
  .object({
    id: CheckIdSchema,
    name: z.string().meta({
      description: 'What the rule checks, kept beside its stable id: C19 · network-in-use',
      example: 'network-in-use',
    }),
    title: z.string(),
    severity: SeveritySchema.meta({ description: 'What a failure of this check means' }),
    status: CheckStatusSchema,
    message: z.string(),
    /** PCI addresses (or labels, for devices without one) the result is about. */
    devices: z.array(z.string()),
    fix: z.string().nullable(),
    /** Command to run on the Proxmox host to settle an `unknown` (or to verify). */
    command: z.string().nullable(),
    source: z
      .string()
      .meta({ description: 'The public sources of the rule; its page lists them with links' }),
    docsUrl: z.string().meta({
      description: "The rule's page on this server: what, why, fix, host command, sources",
      example: '/rules/#c19',
    }),
  })
  .meta({ id: 'PassthroughCheck' })
export type CheckResult = z.infer<typeof CheckResultSchema>

export const MemberRoleSchema = z.enum(['target', 'sibling-function', 'bridge', 'other-endpoint']).meta({
  id: 'GroupMemberRole',
  description:
    'target: a requested function; sibling-function: another function of a ' +
    'requested slot; other-endpoint: a device of another slot that goes along',
})

export const GroupMemberSchema = z
  .object({
    address: z.string().nullable(),
    label: z.string(),
    vendorDevice: z.string(),
    subsystem: z.string().nullable(),
    classCode: z.string(),
    deviceRole: DeviceRoleSchema,
    role: MemberRoleSchema,
    hostDriver: z.string().nullable(),
    hostUse: z.array(HostUseSchema),
    hostCritical: z.boolean(),
  })
  .meta({ id: 'GroupMember' })
export type GroupMember = z.infer<typeof GroupMemberSchema>

export const HostLossSchema = z
  .object({
    address: z.string().nullable(),
    label: z.string(),
    hostDriver: z.string().nullable(),
    hostUse: z.array(HostUseSchema),
  })
  .meta({ id: 'HostLoss', description: 'A device the host gives up when the group goes to vfio-pci' })

export const ProxmoxApiCallSchema = z
  .object({
    method: z.enum(['POST', 'PUT']),
    path: z.string().meta({ example: '/nodes/caraxes/qemu/120/config' }),
    body: z
      .record(z.string(), z.union([z.string(), z.number(), z.array(z.string())]))
      .meta({ description: 'The JSON body of the Proxmox API call' }),
    pvesh: z.string().meta({ description: 'The same call as a pvesh command on the host' }),
  })
  .meta({ id: 'ProxmoxApiCall' })
export type ProxmoxApiCall = z.infer<typeof ProxmoxApiCallSchema>

export const ProxmoxVmConfigSchema = z
  .object({
    hostpci: z.array(z.string()).meta({ description: 'Lines of /etc/pve/qemu-server/<vmid>.conf' }),
    qmSet: z.string().nullable(),
    mappingCfg: z
      .string()
      .nullable()
      .meta({ description: '/etc/pve/mapping/pci.cfg sections; null when a subsystem is unknown' }),
    mappingCommands: z.array(z.string()),
    apiCalls: z.array(ProxmoxApiCallSchema).meta({
      description:
        'Proxmox API calls in order: the mappings (POST /cluster/mapping/pci), then the VM config (PUT)',
    }),
    terraform: z.string().nullable().meta({
      description: "HCL for the bpg/proxmox provider: hardware mappings and the VM's hostpci blocks",
    }),
    ansible: z.string().nullable().meta({ description: 'YAML tasks for community.general.proxmox_kvm' }),
  })
  .meta({ id: 'ProxmoxVmConfig' })
export type ProxmoxVmConfig = z.infer<typeof ProxmoxVmConfigSchema>

export const ProxmoxHostConfigSchema = z
  .object({
    vfioConf: z.array(z.string()).meta({ description: 'Lines of /etc/modprobe.d/vfio.conf' }),
    modules: z.array(z.string()).meta({ description: 'Lines of /etc/modules' }),
    kernelCmdline: z.array(z.string()).meta({ description: 'Additions to the kernel command line' }),
    blacklist: z.array(z.string()).meta({ description: 'Lines of /etc/modprobe.d/blacklist-gpu.conf' }),
    afterwards: z.array(z.string()).meta({ description: 'Commands to run after writing the files' }),
    notes: z.array(z.string()),
  })
  .meta({ id: 'ProxmoxHostConfig' })
export type ProxmoxHostConfig = z.infer<typeof ProxmoxHostConfigSchema>

export const ProxmoxConfigSchema = ProxmoxVmConfigSchema.extend(ProxmoxHostConfigSchema.shape).meta({
  id: 'ProxmoxConfig',
})
export type ProxmoxConfig = z.infer<typeof ProxmoxConfigSchema>

export const GroupVerdictSchema = z.enum(['clean', 'shared', 'needs-check', 'blocked']).meta({
  id: 'GroupVerdict',
  description:
    'clean: one device (with its functions and bridges); shared: devices of several slots go together; ' +
    'needs-check: a block/error check is unknown, run its command ' +
    'on the host first; blocked: a block/error check failed',
})
export type GroupVerdict = z.infer<typeof GroupVerdictSchema>

export const GroupCheckSchema = z
  .object({
    node: z.string(),
    group: z.int(),
    verdict: GroupVerdictSchema,
    summary: z.string(),
    members: z.array(GroupMemberSchema),
    /** Functions that go to the VM with the group's main device, in address order. */
    mustPassWith: z.array(z.string()),
    hostLoses: z.array(HostLossSchema),
    checks: z.array(CheckResultSchema),
    proxmox: ProxmoxConfigSchema,
    assumptions: z.array(z.string()),
  })
  .meta({ id: 'IommuGroupCheck' })
export type GroupCheck = z.infer<typeof GroupCheckSchema>

// ---------------------------------------------------------------- plan request

const AddressTextSchema = z.string().min(1).max(40).meta({
  description: 'PCI address: 0e:00.0, 0000:0e:00.0, or 0e:00 for every function of the slot',
  example: '0e:00',
})

export const DeviceSelectorSchema = z
  .union([
    AddressTextSchema,
    z.object({ address: AddressTextSchema, mdev: z.string().min(1).max(64).optional() }),
    z.object({ role: DeviceRoleSchema, mdev: z.string().min(1).max(64).optional() }),
  ])
  .meta({
    id: 'DeviceSelector',
    description:
      'An address, or the node\'s only device of a role ({ "role": "gpu" } = every function of its slot)',
  })
export type DeviceSelector = z.infer<typeof DeviceSelectorSchema>

export const VmRequestSchema = z
  .object({
    name: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$/,
        'expected a VM name such as "ollama" (letters, digits, dots, dashes)',
      ),
    vmid: z.int().min(100).max(999_999_999).optional(),
    devices: z.array(DeviceSelectorSchema).min(1).max(32),
    machine: z.enum(['q35', 'i440fx']).default('q35'),
    bios: z.enum(['ovmf', 'seabios']).default('ovmf'),
    pcie: z.boolean().optional().meta({ description: 'Defaults to true on q35' }),
    display: z
      .boolean()
      .default(false)
      .meta({ description: "The GPU is the VM's display (x-vga=1); compute-only VMs leave it off" }),
    memoryBytes: z
      .int()
      .min(16 * 1024 * 1024)
      .max(2 ** 50)
      .optional()
      .meta({ description: 'VM RAM; all of it is pinned while a device is passed' }),
    liveMigration: z
      .boolean()
      .default(false)
      .meta({ description: 'The VM must live-migrate or run under HA' }),
    guestOs: z
      .enum(['linux', 'windows', 'freebsd', 'other'])
      .optional()
      .meta({ description: 'The guest OS; FreeBSD covers OPNsense and pfSense' }),
    guestNvidiaDriver: z
      .int()
      .min(100)
      .max(999)
      .optional()
      .meta({ description: 'Major version of the NVIDIA driver in a Windows guest, e.g. 551', example: 551 }),
    efiDiskStorage: z
      .string()
      .regex(/^[a-z][a-z0-9._-]*[a-z0-9]$/i, 'expected a Proxmox storage id such as "local-lvm"')
      .max(64)
      .optional()
      .meta({
        description:
          'Storage for the OVMF EFI disk (qm set --efidisk0 <storage>:1); omitted with a vmid = the VM has one',
      }),
  })
  .meta({ id: 'PassthroughVm' })
export type VmRequest = z.infer<typeof VmRequestSchema>

export const ExistingAssignmentSchema = z
  .object({
    vm: z.string().min(1).max(63),
    hostpci: z
      .array(z.string().min(1).max(300))
      .max(16)
      .meta({ example: ['hostpci0: 0000:0e:00,pcie=1'] }),
  })
  .meta({ id: 'ExistingAssignment', description: "Another VM's hostpciN lines on the same node" })
export type ExistingAssignment = z.infer<typeof ExistingAssignmentSchema>

export const PassthroughPlanRequestSchema = z
  .object({
    node: NodeIdSchema,
    vms: z.array(VmRequestSchema).min(1).max(16),
    existing: z
      .array(ExistingAssignmentSchema)
      .max(64)
      .optional()
      .meta({ description: 'Omitted = unknown: the cross-VM check (C8) then says what to run' }),
    hostReserveBytes: z
      .int()
      .min(0)
      .max(2 ** 50)
      .optional()
      .meta({ description: 'RAM kept for the host; default 2 GiB + ZFS ARC (10% of RAM, at most 16 GiB)' }),
  })
  .superRefine((req, ctx) => {
    // Checks and config lines name VMs: two with one name would be indistinguishable.
    const seen = new Map<string, number>()
    req.vms.forEach((vm, i) => {
      const first = seen.get(vm.name)
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['vms', i, 'name'],
          message: `VM name "${vm.name}" is used twice (also /vms/${first}/name).`,
        })
      else seen.set(vm.name, i)
    })
  })
  .meta({
    id: 'PassthroughPlanRequest',
    example: {
      node: 'caraxes',
      vms: [{ name: 'ollama', devices: [{ role: 'gpu' }], memoryBytes: 17179869184 }],
      existing: [],
    },
  })
export type PassthroughPlanRequest = z.infer<typeof PassthroughPlanRequestSchema>
export type PassthroughPlanRequestInput = z.input<typeof PassthroughPlanRequestSchema>

// ---------------------------------------------------------------- plan answer

export const PlanVerdictSchema = z.enum(['ready', 'review', 'needs-check', 'blocked']).meta({
  id: 'PassthroughPlanVerdict',
  description:
    'ready: no failed check above info; review: warnings to acknowledge; ' +
    'needs-check: a block/error check is unknown, ' +
    'run its command on the host before applying the config; blocked: a block/error check failed, no config emitted',
})
export type PlanVerdict = z.infer<typeof PlanVerdictSchema>

export const VmPlanSchema = z
  .object({
    name: z.string(),
    verdict: PlanVerdictSchema,
    settings: z.object({
      machine: z.string(),
      bios: z.string(),
      pcie: z.boolean(),
      display: z.boolean(),
      memoryBytes: z.int().nullable(),
    }),
    entries: z.array(
      z.object({
        hostpci: z.string(),
        address: z.string(),
        allFunctions: z.boolean(),
        functions: z.array(z.string()),
        groups: z.array(z.int()),
      }),
    ),
    members: z.array(GroupMemberSchema),
    checks: z.array(CheckResultSchema),
    proxmox: ProxmoxVmConfigSchema,
  })
  .meta({ id: 'PassthroughVmPlan' })
export type VmPlan = z.infer<typeof VmPlanSchema>

export const PassthroughPlanSchema = z
  .object({
    node: z.string(),
    verdict: PlanVerdictSchema,
    summary: z.string(),
    vms: z.array(VmPlanSchema),
    checks: z.array(CheckResultSchema).meta({ description: 'Node-wide checks (host config, pinned RAM)' }),
    proxmox: ProxmoxHostConfigSchema,
    assumptions: z.array(z.string()),
  })
  .meta({ id: 'PassthroughPlan' })
export type PassthroughPlan = z.infer<typeof PassthroughPlanSchema>
