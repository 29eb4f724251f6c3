/**
 * One host output → devices + the lines no rule accepted. Detects the format when none is
 * given, and refuses text that is not PCI inventory at all (binary, empty, another tool's
 * output) with a PlanInputError pointing at the input's text (`/inputs/<index>/text`).
 */
import { PlanInputError } from '../plan-input-error.ts'
import { parseLspciText } from './parse-lspci-text.ts'
import { parseLspciVmm } from './parse-lspci-vmm.ts'
import { parsePvesh } from './parse-pvesh.ts'
import { parseSysfs } from './parse-sysfs.ts'
import { IMPORT_FORMATS, type ImportFormat, type ParsedInput } from './schemas.ts'

const BDF_START =
  /^(?:[0-9a-f]{4,8}:)?[0-9a-f]{2}:[01][0-9a-f]\.[0-7](?:\/[0-9a-f]{2}:[01][0-9a-f]\.[0-7])*\s/i

/** The format of a text, judged by its first meaningful line; null when none fits. */
export function detectFormat(text: string): ImportFormat | null {
  const first = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('#'))
  if (first === undefined) return null
  if (first.startsWith('[') || first.startsWith('{')) return 'pvesh-json'
  if (/^Slot:\s/.test(first)) return 'lspci-vmm'
  if (first.startsWith('/sys/kernel/iommu_groups')) return 'sysfs-find'
  if (/^IOMMU [Gg]roup\s+\d+/.test(first)) return 'iommu-loop'
  if (BDF_START.test(first)) return 'lspci-nnk'
  return null
}

// Other tools' output that users paste by mistake, named so the error says what it is.
const LOOKALIKES: [RegExp, string][] = [
  [/^Bus \d{3} Device \d{3}: ID [0-9a-f]{4}:[0-9a-f]{4}/m, 'lsusb (USB devices, not PCI)'],
  [/^\d+: [\w@.-]+: <[A-Z_,-]*>/m, '`ip a` (network interfaces)'],
  [/^\s*(?:IOMMU|DMAR|AMD-Vi)[^\n]*(?:enabled|Found|remapping)/im, 'dmesg'],
]

export interface RawInput {
  format?: ImportFormat | undefined
  name?: string | undefined
  text: string
}

/** Parses input number `index`; throws a PlanInputError when nothing in it is usable. */
export function parseInput(raw: RawInput, index: number): ParsedInput {
  const name = raw.name ?? `inputs[${index}]`
  checkText(raw.text, index)
  // Lines starting with # are annotations (fixture citations, notes): blanked, keeping numbers.
  const text = raw.text.replace(/^[ \t]*#.*$/gm, '')
  const format = raw.format ?? detectFormat(text)
  if (format === null) throw refuse(index, unknownFormatMessage(raw.text))
  const source = `${format}: ${name}`
  const { devices, unparsed } = parseAs(format, text, source, index)
  if (devices.length === 0) {
    const first = unparsed[0]
    const why = first ? `; line ${first.line} "${first.text.slice(0, 80)}": ${first.reason}` : ''
    throw refuse(index, `no PCI device found in the ${format} text${why}`)
  }
  return { format, name, devices, unparsed }
}

function parseAs(format: ImportFormat, text: string, source: string, index: number) {
  switch (format) {
    case 'pvesh-json':
      return parsePvesh(text, source, index)
    case 'lspci-vmm':
      return parseLspciVmm(text, source)
    case 'sysfs-find':
      return parseSysfs(text, source)
    case 'lspci-nnk':
    case 'iommu-loop':
      return parseLspciText(text, source)
  }
}

/** The error for input `index`: a 422 naming `/inputs/<index>/text` in the API, the file in the CLI. */
function refuse(index: number, message: string): PlanInputError {
  return new PlanInputError('invalid', `/inputs/${index}/text`, message)
}

function checkText(text: string, index: number) {
  if (text.includes('\u0000'))
    throw refuse(index, 'binary data (NUL bytes): paste the text the command prints')

  const control = text.match(/[\u0001-\u0008\u000e-\u001f\ufffd]/g)?.length ?? 0
  if (control > Math.max(8, text.length / 100))
    throw refuse(index, 'binary data (control characters): paste the text the command prints')
  if (text.trim() === '') throw refuse(index, 'empty text')
}

function unknownFormatMessage(text: string): string {
  const lookalike = LOOKALIKES.find(([re]) => re.test(text))?.[1]
  const first = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? ''
  const what = lookalike ? `this looks like ${lookalike}` : `the text starts "${first.trim().slice(0, 80)}"`
  return (
    `not the output of a supported command (${what}); expected one of: ` +
    `${IMPORT_FORMATS.join(', ')} (see npm run import -- --help)`
  )
}
