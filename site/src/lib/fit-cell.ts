/**
 * One model-fit matrix cell as text, the same on the page as built and in the filter island
 * (which imports only this and format.ts, so the planner stays out of the browser).
 */
import { formatNumber, formatTokens } from './format.ts'

export type FitVerdict = 'fits' | 'partial-offload' | 'does-not-fit' | 'not-applicable'

export interface FitCellText {
  verdict: FitVerdict
  /** Lines under the verdict: largest context, what runs from host RAM, decode speed, or why not. */
  lines: string[]
}

interface CellFacts {
  verdict: FitVerdict
  maxContextLength: number | null
  tokensPerSecond: number | null
  gpuLayers: number | null
  cpuMoeLayers: number | null
  totalLayers: number | null
  reason: string | null
}

export function fitCellText(c: CellFacts): FitCellText {
  const lines: string[] = []
  if (c.verdict === 'fits' && c.maxContextLength !== null)
    lines.push(`up to ${formatTokens(c.maxContextLength)}`)
  if (c.cpuMoeLayers !== null)
    lines.push(`experts of ${c.cpuMoeLayers} layers in host RAM (--n-cpu-moe ${c.cpuMoeLayers})`)
  else if (c.verdict === 'partial-offload') lines.push(`${c.gpuLayers} of ${c.totalLayers} layers on the GPU`)
  if (c.tokensPerSecond !== null) lines.push(`${formatNumber(c.tokensPerSecond, 1)} tokens/s`)
  if (c.verdict === 'not-applicable' && c.reason) lines.push(c.reason)
  return { verdict: c.verdict, lines }
}

/** The row's id on the page, so a link can point at one model and preset. */
export function fitRowAnchor(row: { model: { id: string }; quantization: string }): string {
  return `fit-${row.model.id.replace(/\./g, '-')}-${row.quantization.toLowerCase()}`
}
