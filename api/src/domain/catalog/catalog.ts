import { z } from 'zod'
import {
  DriveModelSchema,
  GpuModelSchema,
  NetworkLinkSchema,
  NicModelSchema,
  NodeSchema,
  SeedFindingSchema,
  type NodeRecord,
} from './schemas.ts'
import { LlmModelSchema } from '../vram/model-schemas.ts'

/** Everything in data/, validated: what the API serves and the site renders. */
export const CatalogSchema = z
  .object({
    nodes: z.array(NodeSchema),
    gpuModels: z.array(GpuModelSchema),
    driveModels: z.array(DriveModelSchema),
    nicModels: z.array(NicModelSchema),
    networkLinks: z.array(NetworkLinkSchema),
    seedFindings: z.array(SeedFindingSchema),
    llmModels: z.array(LlmModelSchema),
  })
  .meta({ id: 'Catalog' })
export type Catalog = z.infer<typeof CatalogSchema>

/** A problem found by a cross-check, located by its path inside one record. */
export interface CatalogIssue {
  path: (string | number)[]
  message: string
}

/** Checks a node against itself and the reference tables: what a schema alone cannot see. */
export function crossCheckNode(node: NodeRecord, catalog: Catalog): CatalogIssue[] {
  const issues: CatalogIssue[] = []
  const seen = new Map<string, number>()
  const groups = new Set(node.iommuGroups.map((g) => g.id))
  const models = new Set([
    ...catalog.gpuModels.map((m) => m.slug),
    ...catalog.driveModels.map((m) => m.slug),
    ...catalog.nicModels.map((m) => m.slug),
  ])
  node.devices.forEach((device, i) => {
    const at = ['devices', i]
    if (device.address !== null) {
      const first = seen.get(device.address)
      if (first !== undefined) {
        issues.push({
          path: [...at, 'address'],
          message: `duplicate PCI address ${device.address} (also devices[${first}])`,
        })
      }
      seen.set(device.address, i)
    }
    if (device.iommuGroup >= 0 && !groups.has(device.iommuGroup)) {
      issues.push({
        path: [...at, 'iommuGroup'],
        message: `unknown IOMMU group ${device.iommuGroup}: add it to iommuGroups`,
      })
    }
    if (device.hardwareModel !== null && !models.has(device.hardwareModel)) {
      issues.push({
        path: [...at, 'hardwareModel'],
        message: `unknown hardware model "${device.hardwareModel}"`,
      })
    }
  })
  const groupIds = new Set<number>()
  node.iommuGroups.forEach((group, i) => {
    if (groupIds.has(group.id))
      issues.push({ path: ['iommuGroups', i, 'id'], message: `duplicate IOMMU group ${group.id}` })
    groupIds.add(group.id)
  })
  node.storage.forEach((drive, i) => {
    if (!seen.has(drive.controller)) {
      issues.push({
        path: ['storage', i, 'controller'],
        message: `no device at ${drive.controller} on ${node.id}`,
      })
    }
    if (drive.driveModel !== null && !catalog.driveModels.some((m) => m.slug === drive.driveModel)) {
      issues.push({
        path: ['storage', i, 'driveModel'],
        message: `unknown drive model "${drive.driveModel}"`,
      })
    }
  })
  node.networkInterfaces.forEach((nic, i) => {
    if (!seen.has(nic.pciAddress)) {
      issues.push({
        path: ['networkInterfaces', i, 'pciAddress'],
        message: `no device at ${nic.pciAddress} on ${node.id}`,
      })
    }
    if (!catalog.nicModels.some((m) => m.slug === nic.nicModel)) {
      issues.push({
        path: ['networkInterfaces', i, 'nicModel'],
        message: `unknown NIC model "${nic.nicModel}"`,
      })
    }
  })
  return issues
}

/**
 * Storage and interface ids name a record lab-wide (a plan's `node:storageId`, a link's
 * endpoint), so they must be unique across nodes, not only within one.
 */
export function crossCheckIds(catalog: Catalog): { file: string; issue: CatalogIssue }[] {
  const seen = new Map<string, string>()
  return catalog.nodes.flatMap((node) =>
    (['storage', 'networkInterfaces'] as const).flatMap((kind) =>
      node[kind].flatMap((record, i) => {
        const first = seen.get(record.id)
        seen.set(record.id, first ?? node.id)
        if (first === undefined) return []
        return [
          {
            file: `nodes/${node.id}.yaml`,
            issue: {
              path: [kind, i, 'id'],
              message: `id "${record.id}" is already used on ${first}: ids are unique lab-wide`,
            },
          },
        ]
      }),
    ),
  )
}

/** Checks that every link endpoint names a known node and one of its interfaces. */
export function crossCheckLinks(catalog: Catalog): CatalogIssue[] {
  const issues: CatalogIssue[] = []
  catalog.networkLinks.forEach((link, i) => {
    link.endpoints.forEach((end, j) => {
      const node = catalog.nodes.find((n) => n.id === end.node)
      const path = ['links', i, 'endpoints', j]
      if (!node) issues.push({ path: [...path, 'node'], message: `unknown node "${end.node}"` })
      else if (!node.networkInterfaces.some((nic) => nic.id === end.interface)) {
        issues.push({
          path: [...path, 'interface'],
          message: `node ${end.node} has no interface "${end.interface}"`,
        })
      }
    })
  })
  return issues
}
