/**
 * <vram-fit-planner node model quantization runtime context-length api>: does a model fit the
 * lab's GPUs (POST /api/v1/plan/vram-fit) as a runtime runs it, with the VRAM breakdown as a
 * stacked bar.
 */
import type { VramFitAnswer, VramFitResult } from '../../../api/src/domain/vram/schemas.ts'
import type { LlmModel } from '../../../api/src/domain/vram/model-schemas.ts'
import { PlannerElement, define, type Check, type PlannerCall } from './base.ts'
import { int, oneOf, slug, text } from './checks.ts'
import { append, field, h, option, replace } from './dom.ts'
import { formatBytes, formatNumber, formatSeconds, formatTokens, orDash } from '../lib/format.ts'

interface NodeSummary {
  id: string
  name: string
  gpus: { label: string; vramBytes: number | null }[]
}
interface QuantizationInfo {
  quantization: string
}

/** RuntimeSchema's values (a type-only import cannot carry them); the API judges the rest. */
const RUNTIMES = [
  ['ollama', 'Ollama'],
  ['llama-server', 'llama-server'],
  ['llama.cpp', 'llama.cpp'],
] as const

const VERDICTS = {
  fits: ['Fits', 'v-ok'],
  'partial-offload': ['Partial offload', 'v-warn'],
  'does-not-fit': ['Does not fit', 'v-bad'],
} as const

type Breakdown = NonNullable<VramFitResult['breakdown']>
/** The bar's segments, in the order llama.cpp allocates them. */
const SEGMENTS: {
  key: 'weights' | 'kv' | 'compute' | 'overhead' | 'free'
  label: string
  bytes: (b: Breakdown) => number
}[] = [
  { key: 'weights', label: 'Weights on GPU', bytes: (b) => b.weightsGpuBytes },
  { key: 'kv', label: 'KV cache', bytes: (b) => b.kvCacheBytes },
  { key: 'compute', label: 'Compute buffer', bytes: (b) => b.computeBufferBytes },
  { key: 'overhead', label: 'Overhead', bytes: (b) => b.overheadBytes },
  { key: 'free', label: 'Free', bytes: (b) => b.freeGpuBytes },
]

export class VramFitPlanner extends PlannerElement {
  protected readonly heading = 'VRAM fit'
  protected readonly checks: Record<string, Check> = {
    node: slug,
    model: text(1, 200),
    quantization: (v) =>
      /^[A-Za-z0-9_]{2,16}$/.test(v) ? null : 'expected a quantization preset such as "Q4_K_M"',
    runtime: oneOf(RUNTIMES.map(([id]) => id)),
    'context-length': int(1, 16_777_216),
  }

  protected async setup(): Promise<void> {
    const [nodes, models, quants] = await Promise.all([
      this.list<NodeSummary>('/api/v1/nodes'),
      this.list<LlmModel>('/api/v1/models'),
      this.list<QuantizationInfo>('/api/v1/quantizations'),
    ])
    const gpuNodes = nodes.filter((n) => n.gpus.length > 0)
    // Known values are now known: an unknown one is named before any plan is asked for.
    this.checks.node = (v) => slug(v) ?? oneOf(gpuNodes.map((n) => n.id))(v)
    this.checks.quantization = oneOf(quants.map((q) => q.quantization))
    const node = this.preset('node', '')
    const model = this.preset('model', models.find((m) => m.id === 'llama-3.1-8b')?.id ?? models[0]?.id ?? '')
    const quant = this.preset('quantization', '')
    const modelSelect = h(
      'select',
      { name: 'model' },
      ...models.map((m) => option(m.id, m.name, m.id === model)),
      // An Ollama tag or other id the list lacks: kept, and the API judges it.
      models.some((m) => m.id === model) ? null : option(model, model, true),
    )
    append(this.form, [
      field(
        'Node',
        h(
          'select',
          { name: 'node' },
          option('', 'All GPUs of the lab', node === ''),
          ...gpuNodes.map((n) =>
            option(n.id, `${n.name} (${n.gpus.map((g) => g.label).join(', ')})`, n.id === node),
          ),
        ),
      ),
      field('Model', modelSelect),
      field(
        'Quantization',
        h(
          'select',
          { name: 'quantization' },
          option('', 'Model default', quant === ''),
          ...quants.map((q) => option(q.quantization, q.quantization, q.quantization === quant)),
        ),
      ),
      field(
        'Runtime',
        h(
          'select',
          { name: 'runtime' },
          ...RUNTIMES.map(([id, name]) => option(id, name, id === this.preset('runtime', 'ollama'))),
        ),
      ),
      field(
        'Context (tokens)',
        h('input', {
          name: 'context-length',
          type: 'number',
          required: true,
          min: 1,
          max: 16_777_216,
          step: 1,
          inputmode: 'numeric',
          value: this.preset('context-length', '8192'),
        }),
      ),
      h('button', { type: 'submit' }, 'Plan'),
    ])
  }

  protected plan(v: Record<string, string>): PlannerCall {
    const body: Record<string, unknown> = {
      model: v.model,
      runtime: v.runtime,
      contextLength: Number(v['context-length']),
    }
    if (v.quantization) body.quantization = v.quantization
    body.targets = v.node ? [v.node] : 'all'
    return { path: '/api/v1/plan/vram-fit', body }
  }

  protected render(answer: unknown): void {
    const a = answer as VramFitAnswer
    const shown = a.results.slice(0, 4)
    replace(
      this.results,
      h(
        'p',
        { class: 'note' },
        `${a.model.name} ${a.model.quantization} on ${a.runtime.name}: file size ${formatBytes(a.model.weightsBytes)} `,
        `(all weights), ${formatTokens(a.settings.contextLength)} of context.`,
      ),
      a.recommendation ? h('p', { 'data-field': 'recommendation' }, a.recommendation.reason) : null,
      ...shown.map((r) => resultCard(r)),
      a.results.length > shown.length
        ? h(
            'p',
            { class: 'note' },
            `${a.results.length - shown.length} more GPU combinations in the API answer.`,
          )
        : null,
      a.warnings.length ? h('ul', { class: 'notes' }, ...a.warnings.map((w) => h('li', {}, w))) : null,
    )
  }
}

function stat(label: string, name: string, value: number | null, shown: string): HTMLElement {
  return h(
    'div',
    {},
    h('dt', {}, label),
    h('dd', { 'data-field': name, 'data-value': value === null ? 'null' : value }, shown),
  )
}

function resultCard(r: VramFitResult): HTMLElement {
  const [verdict, tone] = VERDICTS[r.verdict]
  const vram = r.target.gpus.reduce((sum, g) => sum + g.vramBytes, 0)
  return h(
    'div',
    { class: 'card', 'data-target': r.target.label },
    h(
      'div',
      { class: 'head' },
      h('strong', {}, r.target.label),
      h('span', { class: `verdict ${tone}`, 'data-field': 'verdict', 'data-value': r.verdict }, verdict),
      h('span', { class: 'note' }, `${formatBytes(vram)} VRAM`),
    ),
    r.breakdown ? breakdownBar(r.breakdown, vram) : null,
    h(
      'dl',
      { class: 'stats' },
      stat(
        'GPU layers',
        'gpuLayers',
        r.gpuLayers,
        r.gpuLayers === null ? '—' : `${r.gpuLayers} / ${r.totalLayers}`,
      ),
      r.cpuMoeLayers === null
        ? null
        : stat(
            'Experts on CPU',
            'cpuMoeLayers',
            r.cpuMoeLayers,
            `first ${r.cpuMoeLayers} layers (--n-cpu-moe ${r.cpuMoeLayers})`,
          ),
      stat(
        'Largest context',
        'maxContextLength',
        r.maxContextLength,
        orDash(r.maxContextLength, formatTokens),
      ),
      stat(
        'Tokens/s',
        'tokensPerSecond',
        r.tokensPerSecond,
        orDash(r.tokensPerSecond, (n) => formatNumber(n, 1)),
      ),
      stat(
        'Tokens/s at full context',
        'tokensPerSecondAtFullContext',
        r.tokensPerSecondAtFullContext,
        orDash(r.tokensPerSecondAtFullContext, (n) => formatNumber(n, 1)),
      ),
      stat('Load time', 'loadSeconds', r.loadSeconds, orDash(r.loadSeconds, formatSeconds)),
    ),
    r.tokensPerSecondReason ? h('p', { class: 'note' }, r.tokensPerSecondReason) : null,
    r.notes.length ? h('ul', { class: 'notes' }, ...r.notes.map((n) => h('li', {}, n))) : null,
  )
}

function breakdownBar(b: Breakdown, vram: number): HTMLElement {
  const parts = SEGMENTS.map((s) => ({ ...s, value: s.bytes(b) }))
  const total = Math.max(vram, b.totalGpuBytes)
  const summary = parts.map((p) => `${p.label} ${formatBytes(p.value)}`).join(', ')
  return h(
    'div',
    {},
    h(
      'div',
      { class: 'bar', role: 'img', 'aria-label': `VRAM use: ${summary}` },
      ...parts
        .filter((p) => p.key !== 'free' && p.value > 0)
        .map((p) => segment(p.key, `${p.label}: ${formatBytes(p.value)}`, p.value / total)),
    ),
    h(
      'ul',
      { class: 'legend' },
      ...parts.map((p) =>
        h(
          'li',
          {},
          h('i', { class: `seg-${p.key}`, 'aria-hidden': 'true' }),
          `${p.value < 0 ? 'Short by' : p.label} `,
          h(
            'span',
            { 'data-field': `${p.key}Bytes`, 'data-value': p.value },
            formatBytes(p.key === 'free' ? Math.abs(p.value) : p.value),
          ),
        ),
      ),
    ),
  )
}

/** Width set through CSSOM, not a style attribute, so a strict host CSP cannot strip it. */
function segment(key: string, title: string, share: number): HTMLElement {
  const el = h('span', { class: `seg-${key}`, title })
  el.style.width = `${(share * 100).toFixed(2)}%`
  return el
}

define('vram-fit-planner', VramFitPlanner)
