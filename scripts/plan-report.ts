/** The readable report of `npm run plan`: verdict, findings, GPUs, drives and flows as tables. */
import type { LabPlanAnswer } from '../api/src/domain/lab/answer-schemas.ts'
import { formatBytes, formatCapacity, formatSeconds } from '../site/src/lib/format.ts'

const CODES = { red: 31, yellow: 33, green: 32, cyan: 36, dim: 2, bold: 1 } as const
type Colour = keyof typeof CODES

function table(rows: string[][], paint: (row: number, col: number, text: string) => string): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)))
  return rows.map((r, i) =>
    r
      .map((cell, c) => paint(i, c, c === r.length - 1 ? cell : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd(),
  )
}

const SEVERITY_COLOUR: Record<string, Colour> = { block: 'red', warn: 'yellow', unknown: 'cyan', info: 'dim' }
const VERDICT_COLOUR: Record<string, Colour> = { holds: 'green', 'needs-review': 'yellow', breaks: 'red' }

export function formatPlanReport(a: LabPlanAnswer, options: { color: boolean; title: string }): string {
  const c = (colour: Colour, text: string) =>
    options.color ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text
  const head = (text: string) => c('bold', text)
  const lines: string[] = [
    `${head(options.title)}: ${c(VERDICT_COLOUR[a.verdict]!, a.verdict.toUpperCase())}`,
    a.summary,
    '',
  ]

  const shown = a.findings.filter((f) => f.severity !== 'info')
  if (shown.length > 0) {
    lines.push(head('Findings'))
    const rows = [
      ['SEVERITY', 'RULE', 'POINTER', 'WHAT TO CHANGE'],
      ...shown.map((f) => [
        f.severity,
        `${f.source.planner}/${f.source.rule}`,
        f.pointer,
        f.message + (f.command ? ` [run: ${f.command}]` : ''),
      ]),
    ]
    lines.push(
      ...table(rows, (r, col, t) =>
        r === 0 ? c('dim', t) : col === 0 ? c(SEVERITY_COLOUR[t.trim()] ?? 'dim', t) : t,
      ),
      '',
    )
  }

  lines.push(head('GPUs'))
  const gpuRows = [['GPU', 'OWNER', 'MODEL', 'WEIGHTS', 'KV', 'COMPUTE', 'CUDA', 'TOTAL']]
  for (const g of a.gpus) {
    const name = `${g.node} ${g.name}`
    for (const m of [...g.resident, ...g.onDemand]) {
      gpuRows.push([
        name,
        g.owner,
        `${m.model}${m.resident ? '' : ' (on demand)'}`,
        formatBytes(m.weightsBytes),
        formatBytes(m.kvCacheBytes),
        formatBytes(m.computeBufferBytes),
        formatBytes(m.cudaContextBytes),
        formatBytes(m.totalBytes),
      ])
    }
    if (g.finetune)
      gpuRows.push([
        name,
        g.owner,
        `${g.finetune.model} (${g.finetune.mode}${g.finetune.exclusive ? ', exclusive' : ''})`,
        '',
        '',
        '',
        '',
        formatBytes(g.finetune.totalBytes),
      ])
    gpuRows.push([
      name,
      g.owner,
      'resident set + margin',
      '',
      '',
      '',
      '',
      `${formatBytes(g.residentBytes)} of ${formatBytes(g.vramBytes)}, ${formatBytes(g.freeBytes)} free`,
    ])
  }
  lines.push(...table(gpuRows, (r, _, t) => (r === 0 ? c('dim', t) : t)), '')

  lines.push(head('Drives'))
  const driveRows = [['DRIVE', 'OWNER', 'USED', 'USABLE', 'HOLDS']]
  for (const d of a.drives) {
    driveRows.push([
      d.label,
      d.owner,
      formatCapacity(d.usedBytes),
      formatCapacity(d.usableBytes),
      d.uses.map((u) => `${u.name} (${u.kind})`).join(', ') || '—',
    ])
  }
  lines.push(...table(driveRows, (r, _, t) => (r === 0 ? c('dim', t) : t)))

  if (a.flows.length > 0) {
    lines.push('', head('Dataset reads'))
    const flowRows = [['DATASET', 'READER', 'FROM → TO', 'PER READ', 'BOTTLENECK']]
    for (const f of a.flows)
      flowRows.push([
        f.dataset,
        f.reader,
        `${f.from} → ${f.to}`,
        `${f.lowerBound ? '≥ ' : ''}${formatSeconds(f.seconds)}`,
        f.bottleneck?.name ?? 'unknown',
      ])
    lines.push(...table(flowRows, (r, _, t) => (r === 0 ? c('dim', t) : t)))
  }

  if (a.diff) {
    lines.push('', head('Changes to the findings'))
    if (a.diff.length === 0) lines.push('none')
    for (const d of a.diff) {
      const sign = d.change === 'appears' ? '+' : d.change === 'disappears' ? '-' : '~'
      const was = d.before && d.change === 'severity' ? `${d.before} → ` : ''
      const { severity, source, pointer, message } = d.finding
      lines.push(`${sign} ${was}${severity} ${source.rule} ${pointer}: ${message}`)
    }
  }
  return lines.join('\n')
}
