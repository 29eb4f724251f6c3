/**
 * The importer's shapes: what each host-output parser yields (HostDevice), what went wrong
 * line by line (UnparsedLine), and the request/answer of `POST /api/v1/import`.
 * Formats and normalisation rules: docs/research/host-formats.md.
 */
import { z } from 'zod'
import { NodeSchema, PciAddressSchema, PciClassSchema, PciIdSchema, SlugSchema } from '../catalog/schemas.ts'

export const IMPORT_FORMATS = ['pvesh-json', 'lspci-vmm', 'lspci-nnk', 'iommu-loop', 'sysfs-find'] as const

export const ImportFormatSchema = z.enum(IMPORT_FORMATS).meta({
  id: 'ImportFormat',
  description:
    'pvesh-json: `pvesh get /nodes/<node>/hardware/pci --pci-class-blacklist "" --output-format ' +
    'json`; lspci-vmm: `lspci -nnD -vmm -k`; lspci-nnk: `lspci -nnk` (-D, -v optional; with ' +
    '-PP each device\'s upstream bridge is read too); iommu-loop: the "IOMMU Group N:" shell ' +
    'loop (header + indented `lspci -nns` lines, or one line per device); sysfs-find: `find ' +
    '/sys/kernel/iommu_groups/ -type l`.',
})
export type ImportFormat = z.infer<typeof ImportFormatSchema>

/** Largest text of one input: a full `lspci -nnvk` of a big host is ~200 KiB. */
export const MAX_INPUT_CHARS = 512 * 1024

/**
 * One PCI function as a host's output reports it. An absent field means the format does not
 * carry it; `null` means the host says there is none (no subsystem, no driver bound).
 */
export const HostDeviceSchema = z
  .object({
    address: PciAddressSchema,
    classCode: PciClassSchema.optional(),
    vendorDevice: PciIdSchema.optional(),
    subsystem: z.union([PciIdSchema, z.null()]).optional(),
    driver: z.string().nullable().optional(),
    /** -1 = no IOMMU group (IOMMU off), as Proxmox reports it. */
    iommuGroup: z.int().min(-1).optional(),
    /** The bridge the device sits behind (`lspci -PP`); null = a root-complex device. */
    upstreamBridge: PciAddressSchema.nullable().optional(),
    vendorName: z.string().optional(),
    deviceName: z.string().optional(),
    /** lspci -nnk's one text for vendor and device ("NVIDIA Corporation TU104 [...]"). */
    description: z.string().optional(),
    /** Every input that listed the device: `<format>: <input name>`, most trusted first. */
    sources: z.array(z.string()),
    /** For a field filled from another input than `sources[0]` when inputs were merged. */
    fieldSources: z.record(z.string(), z.string()).optional(),
  })
  .meta({ id: 'HostDevice' })
export type HostDevice = z.infer<typeof HostDeviceSchema>

/** A line of input no parser rule accepted: reported, never dropped silently. */
export const UnparsedLineSchema = z
  .object({ line: z.int().min(1), text: z.string(), reason: z.string() })
  .meta({ id: 'UnparsedLine' })
export type UnparsedLine = z.infer<typeof UnparsedLineSchema>

export interface ParsedInput {
  format: ImportFormat
  name: string
  devices: HostDevice[]
  unparsed: UnparsedLine[]
}

/** The fields drift detection compares (rule C27 inventory-drift), named as in the catalog. */
export const COMPARED_FIELDS = [
  'vendorDevice',
  'subsystem',
  'classCode',
  'iommuGroup',
  'driver',
  'upstreamBridge',
] as const
export type ComparedField = (typeof COMPARED_FIELDS)[number]

const FieldValue = z.union([z.string(), z.int(), z.null()])

export const FieldChangeSchema = z
  .object({ field: z.enum([...COMPARED_FIELDS, 'address']), catalog: FieldValue, host: FieldValue })
  .meta({ id: 'FieldChange' })
export type FieldChange = z.infer<typeof FieldChangeSchema>

export const ImportDiffSchema = z
  .object({
    /** true when the catalog has no such node: the whole document is new. */
    nodeAdded: z.boolean(),
    devices: z.object({
      added: z.array(HostDeviceSchema),
      /** In the catalog, absent from the host's output: reported, never deleted. */
      removedFromHost: z.array(
        z.object({ address: PciAddressSchema.nullable(), label: z.string(), vendorDevice: PciIdSchema }),
      ),
      changed: z.array(
        z.object({ address: PciAddressSchema, label: z.string(), changes: z.array(FieldChangeSchema) }),
      ),
      unchanged: z.int().min(0),
    }),
    groups: z.object({
      added: z.array(z.int()),
      removedFromHost: z.array(z.int()),
      /** Groups whose member set differs (addresses), when the host reports groups. */
      changed: z.array(
        z.object({ id: z.int(), catalogMembers: z.array(z.string()), hostMembers: z.array(z.string()) }),
      ),
    }),
  })
  .meta({
    id: 'ImportDiff',
    description:
      'Drift between the host output and the catalog (rule C27 inventory-drift, docs/research/passthrough-rules.md).',
  })
export type ImportDiff = z.infer<typeof ImportDiffSchema>

export const ImportConflictSchema = z
  .object({
    address: PciAddressSchema,
    field: z.string(),
    kept: FieldValue,
    ignored: FieldValue,
    keptFrom: z.string(),
    ignoredFrom: z.string(),
  })
  .meta({
    id: 'ImportConflict',
    description:
      'Two inputs disagree; the preferred format (pvesh, lspci -vmm, lspci -nnk, group listings:' +
      ' docs/research/host-formats.md) wins.',
  })
export type ImportConflict = z.infer<typeof ImportConflictSchema>

export const ImportRequestSchema = z
  .object({
    node: SlugSchema.meta({ example: 'caraxes', description: 'Node id; need not be in the catalog yet.' }),
    inputs: z
      .array(
        z.object({
          format: ImportFormatSchema.optional().meta({ description: 'Detected from the text when absent.' }),
          name: z.string().max(200).optional().meta({
            description: 'A label for provenance, e.g. the file name.',
            example: 'caraxes-lspci.txt',
          }),
          text: z.string().min(1).max(MAX_INPUT_CHARS),
        }),
      )
      .min(1)
      .max(8),
  })
  .meta({
    id: 'ImportRequest',
    example: {
      node: 'caraxes',
      inputs: [
        {
          text:
            '0e:00.0 VGA compatible controller [0300]: NVIDIA Corporation TU104 [GeForce RTX ' +
            '2080 SUPER] [10de:1e81] (rev a1)\n\tKernel driver in use: nvidia\n',
        },
      ],
    },
  })
export type ImportRequest = z.infer<typeof ImportRequestSchema>

export const ImportAnswerSchema = z
  .object({
    node: NodeSchema,
    diff: ImportDiffSchema,
    inputs: z.array(
      z.object({
        name: z.string(),
        format: ImportFormatSchema,
        devices: z.int(),
        unparsed: z.array(UnparsedLineSchema),
      }),
    ),
    conflicts: z.array(ImportConflictSchema),
    /** Host devices that could not become records (e.g. sysfs gives no vendor:device). */
    skipped: z.array(z.object({ address: PciAddressSchema, reason: z.string() })),
    notes: z.array(z.string()),
  })
  .meta({
    id: 'ImportAnswer',
    description:
      'The node document the import would write (nothing is stored) and its drift against the catalog.',
  })
export type ImportAnswer = z.infer<typeof ImportAnswerSchema>
