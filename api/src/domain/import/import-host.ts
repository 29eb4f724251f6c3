/**
 * The whole import, shared by `npm run import` and `POST /api/v1/import`: parse each input,
 * merge them, plan the edits to the node's document, apply them, validate the result with
 * NodeSchema and the catalog's cross-checks, and diff the host against the catalog.
 */
import { crossCheckNode, type Catalog } from '../catalog/catalog.ts'
import { findNode } from '../catalog/lookup.ts'
import type { NodeRecord } from '../catalog/schemas.ts'
import { diffHost } from './diff.ts'
import { mergeInputs } from './merge-inputs.ts'
import { parseInput, type RawInput } from './parse-input.ts'
import { applyPatches, type Patch } from './patches.ts'
import { catalogNames, type PciNames } from './pci-names.ts'
import { planNodeImport } from './plan-node.ts'
import type { ImportAnswer, ParsedInput } from './schemas.ts'
import { validNode } from './valid-node.ts'

export interface PreparedImport extends ImportAnswer {
  patches: Patch[]
}

export interface PrepareOptions {
  /** The node's stored document (plain data), when the caller has the file; else the catalog's record. */
  existing?: unknown
  /** Names from a local pci.ids, tried before the catalog's. */
  names?: PciNames[]
  /** Appended to provenance sources, e.g. " (2026-11-29)". */
  sourceSuffix?: string
}

export function prepareImport(
  nodeId: string,
  inputs: readonly RawInput[],
  catalog: Catalog,
  options: PrepareOptions = {},
): PreparedImport {
  const parsed: ParsedInput[] = inputs.map((input, i) => parseInput(input, i))
  const { devices: host, conflicts } = mergeInputs(parsed)
  const catalogNode = findNode(catalog, nodeId) ?? null
  const existing = options.existing !== undefined ? options.existing : catalogNode
  const source = parsed.map((p) => `${p.format}: ${p.name}`).join('; ') + (options.sourceSuffix ?? '')
  const plan = planNodeImport({
    nodeId,
    existing,
    host,
    source,
    suffix: options.sourceSuffix ?? '',
    names: [...(options.names ?? []), catalogNames(catalog.nodes)],
    models: catalog,
  })
  const node = validNode(applyPatches(existing, plan.patches))
  const issues = crossCheckNode(node, catalog).map((i) => `${i.path.join('.')}: ${i.message}`)
  const existingNode: NodeRecord | null =
    existing === null ? null : validNode(existing, 'the stored node document')
  return {
    node,
    patches: plan.patches,
    diff: diffHost(existingNode, host),
    inputs: parsed.map((p) => ({
      name: p.name,
      format: p.format,
      devices: p.devices.length,
      unparsed: p.unparsed,
    })),
    conflicts,
    skipped: plan.skipped,
    notes: [...plan.notes, ...issues],
  }
}

/** The API's answer: what the import would write, nothing stored. */
export function importHost(nodeId: string, inputs: readonly RawInput[], catalog: Catalog): ImportAnswer {
  const { patches: _patches, ...answer } = prepareImport(nodeId, inputs, catalog)
  return answer
}
