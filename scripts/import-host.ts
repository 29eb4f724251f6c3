/**
 * `npm run import -- --node <name> <file>...`: writes or updates data/nodes/<name>.yaml from a
 * host's own output (pvesh, lspci, the IOMMU-group listing). Edits are applied to the parsed
 * YAML document, so comments and hand-written facts stay; `--dry-run` prints the result.
 * Run `npm run import -- --help` for the commands to run on the host.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { isMap, isScalar, parseDocument, stringify, visit, type Document } from 'yaml'
import { loadCatalog } from '../api/scripts/load-catalog.ts'
import { SlugSchema } from '../api/src/domain/catalog/schemas.ts'
import { prepareImport } from '../api/src/domain/import/import-host.ts'
import type { RawInput } from '../api/src/domain/import/parse-input.ts'
import type { Patch } from '../api/src/domain/import/patches.ts'
import { parsePciIds, type PciNames } from '../api/src/domain/import/pci-names.ts'
import { ImportFormatSchema } from '../api/src/domain/import/schemas.ts'
import { summaryLines } from '../api/src/domain/import/summary.ts'
import { validNode } from '../api/src/domain/import/valid-node.ts'
import { PlanInputError } from '../api/src/domain/plan-input-error.ts'

export const USAGE =
  `Usage: npm run import -- --node <name> [--dry-run] [--data <dir>] [--format <format>] <file>...

Imports a host's PCI inventory into <data>/nodes/<name>.yaml (default data/). Several files
merge: e.g. lspci -nnk for drivers plus the group listing for IOMMU groups. The format of each
file is detected; --format <format> forces it for the next file. "-" reads standard input.

Run on the Proxmox host, one file per command:
  pvesh-json  pvesh get /nodes/$(hostname)/hardware/pci --pci-class-blacklist "" --output-format json > pvesh.json
  lspci-vmm   lspci -nnD -vmm -k > lspci-vmm.txt
  lspci-nnk   lspci -PP -nnk > lspci-nnk.txt        ` +
  `(-D and -v are understood too; -PP adds each device's upstream bridge)
  iommu-loop  for g in /sys/kernel/iommu_groups/*; do echo "IOMMU Group \${g##*/}:"; ` +
  `for d in $g/devices/*; do echo -e "\\t$(lspci -nns \${d##*/})"; done; done > groups.txt
  sysfs-find  find /sys/kernel/iommu_groups/ -type l > groups.txt

Best: pvesh (or lspci-vmm) plus lspci -PP -nnk for the PCIe tree; else lspci-nnk plus one group listing.
Nothing is deleted: a device the host does not list is reported and kept.
Names come from the output itself, else ${PCI_IDS_PATHS().join(' or ')}, else the catalog.
Options: --dry-run prints the YAML instead of writing; --help prints this.`

function PCI_IDS_PATHS() {
  return ['/usr/share/misc/pci.ids', '/usr/share/hwdata/pci.ids']
}

interface Args {
  node: string
  dryRun: boolean
  dataDir: string
  inputs: RawInput[]
}

function parseArgs(argv: readonly string[]): Args | string {
  const args: Args = { node: '', dryRun: false, dataDir: 'data', inputs: [] }
  let format: RawInput['format']
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--help' || arg === '-h') return USAGE
    else if (arg === '--dry-run') args.dryRun = true
    else if (arg === '--node') args.node = argv[++i] ?? ''
    else if (arg === '--data') args.dataDir = argv[++i] ?? 'data'
    else if (arg === '--format') {
      const parsed = ImportFormatSchema.safeParse(argv[++i])
      if (!parsed.success) return `--format: expected one of ${ImportFormatSchema.options.join(', ')}`
      format = parsed.data
    } else if (arg.startsWith('--')) return `unknown option ${arg}\n\n${USAGE}`
    else {
      if (arg !== '-' && !existsSync(arg)) return `no such file: ${arg}`
      args.inputs.push({
        format,
        name: arg === '-' ? 'stdin' : basename(arg),
        text: readFileSync(arg === '-' ? 0 : arg, 'utf8'),
      })
      format = undefined
    }
  }
  if (!SlugSchema.safeParse(args.node).success)
    return `--node: expected a lowercase node id such as "caraxes"\n\n${USAGE}`
  if (args.inputs.length === 0) return `no input file\n\n${USAGE}`
  return args
}

function localPciIds(): PciNames[] {
  const path = PCI_IDS_PATHS().find((p) => existsSync(p))
  return path ? [parsePciIds(readFileSync(path, 'utf8'), path)] : []
}

// Keys whose values data/nodes/*.yaml always quotes: YAML 1.1 readers take 0000:0e:00.0 for a
// base-60 number, and class codes such as "0300" would read back as integers.
const QUOTED_KEYS = new Set([
  'address',
  'vendorDevice',
  'subsystem',
  'classCode',
  'reason',
  'source',
  'seedSaid',
])

function quoteIfNeeded(key: unknown, value: unknown) {
  if (isScalar(value) && typeof value.value === 'string' && QUOTED_KEYS.has(String(key)))
    value.type = 'QUOTE_DOUBLE'
}

/** The style of data/nodes/*.yaml: provenance facts as one-line maps, IDs quoted. */
function styleNode(node: Parameters<typeof visit>[0]) {
  visit(node, {
    Map: (_, map) => {
      if (map.items.every((p) => isScalar(p.value))) map.flow = true
    },
    Pair: (_, pair) => quoteIfNeeded(isScalar(pair.key) ? pair.key.value : '', pair.value),
  })
}

/** Applies the import's edits to the YAML document; the rest of it is left as it was. */
function patchDocument(doc: Document, patches: readonly Patch[]) {
  for (const { path, value } of patches) {
    const node = doc.createNode(value)
    styleNode(node)
    quoteIfNeeded(path.at(-1), node)
    if (path[0] === 'iommuGroups' && isMap(node)) node.flow = true
    doc.setIn(path, node)
  }
}

/** yaml pads every flow collection; data/ writes `[a, b]` but `{ k: v }`: unpad the lists. */
function unpadFlowLists(text: string): string {
  return text
    .split('\n')
    .map((line) => (line.trimStart().startsWith('#') ? line : unpadLine(line)))
    .join('\n')
}

/** Drops the space after `[` and before `]` outside quoted scalars of one line. */
function unpadLine(line: string): string {
  let out = ''
  let quote: string | null = null
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!
    if (quote !== null) {
      if (ch === '\\' && quote === '"') out += ch + (line[++i] ?? '')
      else out += ch
      if (ch === quote) quote = null
      continue
    }
    // A quoted scalar starts only where a value can: not at an apostrophe inside plain text.
    if ((ch === '"' || ch === "'") && /(^|[:[{,-])\s*$/.test(out)) quote = ch
    if (ch === ' ' && (line[i - 1] === '[' || line[i + 1] === ']')) continue
    out += ch
  }
  return out
}

/** The file an error points at (`/inputs/<i>/…`); undefined when it is about the node document. */
function inputName(args: Args, pointer: string): string | undefined {
  const index = /^\/inputs\/(\d+)(?:\/|$)/.exec(pointer)?.[1]
  return index === undefined ? undefined : (args.inputs[Number(index)]?.name ?? `input ${index}`)
}

/** Returns the exit code; prints through `out`/`err` so tests can run it in-process. */
export function runImport(argv: readonly string[], out = console.log, err = console.error): number {
  const args = parseArgs(argv)
  if (typeof args === 'string') {
    ;(args === USAGE ? out : err)(args)
    return args === USAGE ? 0 : 2
  }
  const file = join(args.dataDir, 'nodes', `${args.node}.yaml`)
  const doc = existsSync(file) ? parseDocument(readFileSync(file, 'utf8')) : null
  const today = new Date().toISOString().slice(0, 10)
  try {
    const catalog = loadCatalog(args.dataDir)
    const prepared = prepareImport(args.node, args.inputs, catalog, {
      existing: doc ? doc.toJS() : null,
      names: localPciIds(),
      sourceSuffix: ` (imported ${today})`,
    })
    let text: string
    if (doc) {
      patchDocument(doc, prepared.patches)
      text = unpadFlowLists(doc.toString({ lineWidth: 0 }))
    } else {
      const header =
        `# ${args.node.toUpperCase()}: imported by npm run import on ${today}; ` +
        `platform facts unknown until measured.\n` +
        `# Provenance: \`default\` applies to every field a record does not list under \`fields\`.\n`
      const fresh = parseDocument(stringify(prepared.patches[0]!.value, { lineWidth: 0 }))
      styleNode(fresh)
      const groups = fresh.get('iommuGroups', true)
      visit(groups as Parameters<typeof visit>[0], {
        Map: (_, map) => {
          map.flow = true
        },
      })
      text = header + fresh.toString({ lineWidth: 0 })
    }
    validNode(parseDocument(text).toJS(), 'the YAML to write') // the file written is the document validated
    for (const line of summaryLines(args.node, prepared)) (args.dryRun ? err : out)(line)
    if (args.dryRun) out(text)
    else {
      writeFileSync(file, text)
      out(`wrote ${file}${doc ? ' (comments and layout kept)' : ''}`)
    }
    return 0
  } catch (e) {
    if (!(e instanceof PlanInputError)) throw e
    err(`${inputName(args, e.pointer) ?? file}: ${e.message}`)
    return 1
  }
}

if (import.meta.main) process.exitCode = runImport(process.argv.slice(2))
