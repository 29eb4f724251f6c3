import { z } from 'zod'
import {
  GpuBackendSchema,
  GpuPassthroughSchema,
  GpuProvenanceSchema,
  GpuSegmentSchema,
  GpuVendorSchema,
  PublicSourceSchema,
} from './gpu-schemas.ts'
import { ProvenanceSchema } from './provenance.ts'

/** Lowercase slug: `meraxes`, `nvidia-rtx-3090-ti`. */
export const SlugSchema = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'expected a lowercase slug such as "meraxes"')

/**
 * A node id as a request names it: a slug, any case (lookups lowercase it), so
 * `/nodes/MERAXES` and `?node=meraxes` name the same node.
 */
export const NodeIdSchema = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$/, 'expected a node id such as "meraxes"')
  .meta({ description: 'Node id, e.g. "meraxes" (case-insensitive)', example: 'meraxes' })

/** Domain-qualified PCI address `dddd:bb:dd.f`, lowercase (Proxmox's normalised form). */
export const PciAddressSchema = z
  .string()
  .regex(/^[0-9a-f]{4}:[0-9a-f]{2}:[01][0-9a-f]\.[0-7]$/, 'expected a PCI address dddd:bb:dd.f')
  .meta({ id: 'PciAddress', example: '0000:0e:00.0' })

/** `vendor:device` (or subsystem `vendor:device`), 4 lowercase hex digits each. */
export const PciIdSchema = z
  .string()
  .regex(/^[0-9a-f]{4}:[0-9a-f]{4}$/, 'expected vendor:device as 4+4 lowercase hex digits')
  .meta({ id: 'PciId', example: '10de:2203' })

/** lspci-style class code: class and subclass, 4 hex digits (`0300` = VGA controller). */
export const PciClassSchema = z
  .string()
  .regex(/^[0-9a-f]{4}$/, 'expected a 4-hex-digit PCI class such as "0300"')

export const PcieLinkSchema = z
  .object({
    generation: z.int().min(1).max(7),
    lanes: z.union([z.literal(1), z.literal(2), z.literal(4), z.literal(8), z.literal(16)]),
  })
  .meta({ id: 'PcieLink' })
export type PcieLink = z.infer<typeof PcieLinkSchema>

const Sources = z.array(z.string().min(1)).min(1)

// ---------------------------------------------------------------- reference hardware models

/** The fields of a GPU record, without the cross-field checks (so summaries can pick from it). */
export const GpuModelFieldsSchema = z.object({
  slug: SlugSchema,
  vendor: GpuVendorSchema,
  name: z.string(),
  chip: z.string(),
  architecture: z.string(),
  segment: GpuSegmentSchema,
  /** CUDA compute capability, e.g. "7.5" (Turing); null for AMD and Intel cards. */
  computeCapability: z
    .string()
    .regex(/^\d+\.\d+$/)
    .nullable(),
  /** LLVM AMDGPU processor (ROCm's target), e.g. "gfx1100"; null for NVIDIA and Intel cards. */
  gfxTarget: z
    .string()
    .regex(/^gfx[0-9a-f]{3,4}$/, 'expected an LLVM AMDGPU target such as "gfx1100"')
    .nullable(),
  /** null when no pci.ids entry was checked for this card. */
  pciId: z.union([PciIdSchema, z.null()]),
  vramBytes: z.int().positive(),
  memoryType: z.string(),
  memoryBandwidthGBps: z.number().positive(),
  pcie: PcieLinkSchema,
  /** Dense FP16 tensor throughput; null when not recorded (or no matrix units). */
  fp16TensorTflops: z.number().positive().nullable(),
  supportsBf16: z.boolean(),
  /** FlashAttention-2 (PyTorch) needs Ampere or newer; llama.cpp has its own FA kernels. */
  supportsFlashAttention2: z.boolean(),
  /** Board power (total graphics / board power of the reference design). */
  tdpWatts: z.int().positive(),
  /** Expansion slots the reference design occupies. */
  slotWidth: z.number().min(1).max(5).multipleOf(0.5),
  cooling: z.enum(['active', 'passive']),
  backends: z.array(GpuBackendSchema).min(1),
  passthrough: GpuPassthroughSchema,
  /** Runtime facts a planner user should know (toolchain support, environment overrides, cooling). */
  notes: z.array(z.string().min(1)).default([]),
  provenance: GpuProvenanceSchema,
  sources: z.array(PublicSourceSchema).min(1),
})

export const GpuModelSchema = GpuModelFieldsSchema.superRefine((gpu, ctx) => {
  // Each vendor's own identifier is required so a card always names the toolchain target.
  if (gpu.vendor === 'NVIDIA' && gpu.computeCapability === null) {
    ctx.addIssue({
      code: 'custom',
      path: ['computeCapability'],
      message: 'an NVIDIA card needs its CUDA compute capability',
    })
  }
  if (gpu.vendor === 'AMD' && gpu.gfxTarget === null) {
    ctx.addIssue({ code: 'custom', path: ['gfxTarget'], message: 'an AMD card needs its LLVM gfx target' })
  }
}).meta({ id: 'GpuModel' })
export type GpuModel = z.infer<typeof GpuModelSchema>

export const DriveModelSchema = z
  .object({
    slug: SlugSchema,
    vendor: z.string(),
    name: z.string(),
    pciId: z.union([PciIdSchema, z.null()]),
    pcie: z.union([PcieLinkSchema, z.null()]),
    capacityBytes: z.int().positive(),
    sequentialReadMBps: z.number().positive(),
    sequentialWriteMBps: z.number().positive(),
    randomReadIops: z.int().positive().nullable(),
    randomWriteIops: z.int().positive().nullable(),
    /** Rated endurance in terabytes written; null when the vendor publishes none. */
    enduranceTbw: z.number().positive().nullable(),
    sources: Sources,
  })
  .meta({ id: 'DriveModel' })
export type DriveModel = z.infer<typeof DriveModelSchema>

export const NicModelSchema = z
  .object({
    slug: SlugSchema,
    vendor: z.string(),
    name: z.string(),
    pciId: PciIdSchema,
    medium: z.enum(['wired', 'wireless']),
    /** Highest link rate the controller supports (PHY rate for Wi-Fi). */
    speedMbps: z.int().positive(),
    sources: Sources,
  })
  .meta({ id: 'NicModel' })
export type NicModel = z.infer<typeof NicModelSchema>

// ---------------------------------------------------------------- per-node inventory

export const DeviceRoleSchema = z
  .enum([
    'gpu',
    'gpu-audio',
    'gpu-usb',
    'gpu-usb-c-ucsi',
    'sas-hba',
    'nvme',
    'pcie-switch-port',
    'ethernet',
    'wifi',
    'usb-controller',
    'non-essential-instrumentation',
    'other',
  ])
  .meta({ id: 'DeviceRole' })
export type DeviceRole = z.infer<typeof DeviceRoleSchema>

/** What the host itself needs a device for; any of these makes the device host-critical. */
export const HostUseSchema = z
  .enum(['management-nic', 'only-wired-nic', 'boot-disk', 'os-storage', 'host-console'])
  .meta({ id: 'HostUse' })
export type HostUse = z.infer<typeof HostUseSchema>

export const PciDeviceSchema = z
  .object({
    /** null when the source names the device but not its address. */
    address: PciAddressSchema.nullable(),
    /** The seed's own name for the device, e.g. "HBA-1". */
    label: z.string(),
    vendorName: z.string(),
    /** Device name from the PCI ID database (pci.ids). */
    name: z.string(),
    vendorDevice: PciIdSchema,
    subsystem: z.union([PciIdSchema, z.null()]),
    classCode: PciClassSchema,
    /** -1 = the device has no IOMMU group (IOMMU off), as Proxmox reports it. */
    iommuGroup: z.int().min(-1),
    driver: z.string().nullable(),
    role: DeviceRoleSchema,
    hostUse: z.array(HostUseSchema).default([]),
    /** Slug of the reference model (GPU, drive or NIC) this device is. */
    hardwareModel: SlugSchema.nullable().default(null),
    /**
     * The bridge (root or switch port) the device sits behind, from `lspci -PP`; null =
     * not imported. The passthrough planner's C7 uses it to see which devices share a port.
     */
    upstreamBridge: PciAddressSchema.nullable().default(null),
    /** sysfs `reset_method` (`flr`, `pm`, `bus` …), from the host; null = not read. */
    resetMethods: z
      .array(z.string().regex(/^[a-z_]+$/))
      .nullable()
      .default(null),
    /** sysfs `boot_vga`: the firmware initialised this GPU; null = not read. */
    bootVga: z.boolean().nullable().default(null),
    /** Resizable BAR as the host configured it (`lspci -vv`: "Resizable BAR"); null = not read. */
    resizableBar: z.enum(['enabled', 'disabled', 'unsupported']).nullable().default(null),
    notes: z.array(z.string()).default([]),
    provenance: ProvenanceSchema,
  })
  .meta({ id: 'PciDevice' })
export type PciDevice = z.infer<typeof PciDeviceSchema>

export const IommuGroupRecordSchema = z
  .object({
    id: z.int().min(0),
    notes: z.array(z.string()).default([]),
    provenance: ProvenanceSchema,
  })
  .meta({ id: 'IommuGroupRecord' })
export type IommuGroupRecord = z.infer<typeof IommuGroupRecordSchema>

export const StorageDeviceSchema = z
  .object({
    id: SlugSchema,
    label: z.string(),
    /** The PCI function that carries it: the NVMe controller itself, or the HBA. */
    controller: PciAddressSchema,
    attachment: z.enum(['nvme', 'hba']),
    driveModel: SlugSchema.nullable(),
    /** null = unknown (the seed does not list the disks behind the HBAs). */
    capacityBytes: z.int().positive().nullable(),
    hostUse: z.array(HostUseSchema).default([]),
    notes: z.array(z.string()).default([]),
    provenance: ProvenanceSchema,
  })
  .meta({ id: 'StorageDevice' })
export type StorageDevice = z.infer<typeof StorageDeviceSchema>

export const NetworkInterfaceSchema = z
  .object({
    id: SlugSchema,
    label: z.string(),
    pciAddress: PciAddressSchema,
    nicModel: SlugSchema,
    role: z.enum(['management', 'data', 'unused', 'unknown']),
    notes: z.array(z.string()).default([]),
    provenance: ProvenanceSchema,
  })
  .meta({ id: 'NetworkInterface' })
export type NetworkInterface = z.infer<typeof NetworkInterfaceSchema>

export const NodeSchema = z
  .object({
    id: SlugSchema,
    name: z.string(),
    summary: z.string(),
    platform: z.object({
      cpu: z.string().nullable(),
      board: z.string().nullable(),
      hostMemoryBytes: z.int().positive().nullable(),
      /** Effective host RAM bandwidth, for layers a GPU cannot hold. */
      hostMemoryBandwidthGBps: z.number().positive().nullable(),
      acsOverride: z.enum(['yes', 'no', 'suspected', 'unknown']),
      interruptRemapping: z.enum(['yes', 'no', 'unknown']),
      provenance: ProvenanceSchema,
    }),
    devices: z.array(PciDeviceSchema),
    iommuGroups: z.array(IommuGroupRecordSchema),
    storage: z.array(StorageDeviceSchema).default([]),
    networkInterfaces: z.array(NetworkInterfaceSchema).default([]),
    provenance: ProvenanceSchema,
  })
  .meta({ id: 'NodeRecord' })
export type NodeRecord = z.infer<typeof NodeSchema>
export type NodePlatform = NodeRecord['platform']

/**
 * A host nothing is known about yet: every fact null or unknown, with the provenance that says why
 * (a parsed record's, or the shorter one a record written for data/ carries).
 */
export function unknownPlatform<P>(provenance: P): Omit<NodePlatform, 'provenance'> & { provenance: P } {
  return {
    cpu: null,
    board: null,
    hostMemoryBytes: null,
    hostMemoryBandwidthGBps: null,
    acsOverride: 'unknown',
    interruptRemapping: 'unknown',
    provenance,
  }
}

// ---------------------------------------------------------------- lab-level records

export const NetworkLinkSchema = z
  .object({
    id: SlugSchema,
    label: z.string(),
    /** Interfaces joined by this link (through a switch the catalog does not model). */
    endpoints: z.array(z.object({ node: SlugSchema, interface: SlugSchema })).min(2),
    notes: z.array(z.string()).default([]),
    provenance: ProvenanceSchema,
  })
  .meta({ id: 'NetworkLink' })
export type NetworkLink = z.infer<typeof NetworkLinkSchema>

/** A claim of the seed document that the data contradicts or cannot back. */
export const SeedFindingSchema = z
  .object({
    id: SlugSchema,
    claim: z.string(),
    seedSection: z.string(),
    verdict: z.enum(['contradicted', 'corrected', 'unsupported']),
    finding: z.string(),
    source: z.string(),
  })
  .meta({ id: 'SeedFinding' })
export type SeedFinding = z.infer<typeof SeedFindingSchema>
