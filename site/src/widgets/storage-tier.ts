/**
 * <storage-tier-planner purpose size-gb node api>: where should this data live, and how long
 * does it take to load and to copy (POST /api/v1/plan/storage-tier, one item).
 */
import type {
  CopyTime,
  LoadTime,
  StorageItemPlan,
  StoragePlan,
} from '../../../api/src/domain/storage/plan-schemas.ts'
import type { Purpose } from '../../../api/src/domain/storage/schemas.ts'
import { PlannerElement, define, type Check, type PlannerCall } from './base.ts'
import { oneOf, positive, slug } from './checks.ts'
import { append, field, h, option, replace } from './dom.ts'
import { formatCapacity, formatMBps, formatSeconds, orDash } from '../lib/format.ts'

interface NodeSummary {
  id: string
  name: string
}

/** PurposeSchema's values (api/src/domain/storage/schemas.ts), with what each means. */
const PURPOSES: Record<Purpose, string> = {
  'model-store': 'Model store (GGUF repository)',
  'model-cache': 'Model cache (hot models)',
  dataset: 'Dataset',
  'vm-disk': 'VM disk',
  scratch: 'Scratch',
  backup: 'Backup',
}
/** sizeBytes ≤ 10^15 (MAX_BYTES): 1,000,000 GB. */
const MAX_GB = 1_000_000

export class StorageTierPlanner extends PlannerElement {
  protected readonly heading = 'Storage tier'
  protected readonly checks: Record<string, Check> = {
    purpose: oneOf(Object.keys(PURPOSES)),
    'size-gb': positive(MAX_GB),
    node: slug,
  }

  protected async setup(): Promise<void> {
    const nodes = await this.list<NodeSummary>('/api/v1/nodes')
    this.checks.node = (v) => slug(v) ?? oneOf(nodes.map((n) => n.id))(v)
    const purpose = this.preset('purpose', 'model-store')
    const node = this.preset('node', '')
    append(this.form, [
      field(
        'Purpose',
        h(
          'select',
          { name: 'purpose' },
          ...Object.entries(PURPOSES).map(([id, label]) => option(id, label, id === purpose)),
        ),
      ),
      field(
        'Size (GB)',
        h('input', {
          name: 'size-gb',
          type: 'number',
          required: true,
          min: 0.001,
          max: MAX_GB,
          step: 'any',
          inputmode: 'decimal',
          value: this.preset('size-gb', '40'),
        }),
        '1 GB = 10⁹ bytes',
      ),
      field(
        'Read by',
        h(
          'select',
          { name: 'node' },
          option('', 'Any node', node === ''),
          ...nodes.map((n) => option(n.id, n.name, n.id === node)),
        ),
      ),
      h('button', { type: 'submit' }, 'Plan'),
    ])
  }

  /** Runs only after update() checked the values: size-gb is a positive number here, never "". */
  protected plan(v: Record<string, string>): PlannerCall {
    const item = {
      name: 'widget',
      purpose: v.purpose,
      sizeBytes: Math.max(1, Math.round(Number(v['size-gb']) * 1e9)),
      readers: v.node ? [v.node] : [],
    }
    return { path: '/api/v1/plan/storage-tier', body: { items: [item] } }
  }

  protected render(answer: unknown): void {
    const item = (answer as StoragePlan).items[0]
    if (!item) return
    const r = item.recommended
    replace(
      this.results,
      h(
        'div',
        { class: 'head' },
        h('strong', {}, `${formatCapacity(item.sizeBytes)} of ${PURPOSES[item.purpose]}`),
        h(
          'span',
          { class: `verdict ${r ? 'v-ok' : 'v-bad'}`, 'data-field': 'verdict', 'data-value': item.verdict },
          r ? 'Placed' : 'Does not fit',
        ),
      ),
      r
        ? h(
            'dl',
            { class: 'stats' },
            stat('Tier', 'tier', r.tier, r.tier),
            stat('Device', 'device', `${r.node}:${r.storageId}`, `${r.label} (${r.node})`),
            stat('Left after', 'capacityLeftBytes', r.capacityLeftBytes, formatCapacity(r.capacityLeftBytes)),
          )
        : h('p', { 'data-field': 'whyNot' }, item.whyNot ?? ''),
      r ? h('p', { class: 'note', 'data-field': 'reason' }, r.reason) : null,
      item.loadTimes.length
        ? timesTable('Load times', ['Reader', 'Into', 'Time', 'Limited by'], item.loadTimes.map(loadRow))
        : null,
      item.copyTimes.length
        ? timesTable('Copy times', ['To node', 'Time', 'Limited by'], item.copyTimes.map(copyRow))
        : null,
      warnings(item),
    )
  }
}

function stat(label: string, name: string, value: string | number, shown: string): HTMLElement {
  return h('div', {}, h('dt', {}, label), h('dd', { 'data-field': name, 'data-value': value }, shown))
}

function seconds(name: string, value: number | null): HTMLElement {
  return h(
    'td',
    { 'data-field': name, 'data-value': value === null ? 'null' : value },
    orDash(value, formatSeconds),
  )
}

function limit(b: LoadTime['bottleneck']): string {
  return b ? `${b.name} (${formatMBps(b.MBps)})` : '—'
}

function loadRow(t: LoadTime): HTMLElement {
  return h(
    'tr',
    {},
    h('td', {}, t.reader),
    h('td', {}, t.sinkName),
    seconds('loadSeconds', t.seconds),
    h('td', {}, t.reason ?? limit(t.bottleneck)),
  )
}

function copyRow(t: CopyTime): HTMLElement {
  return h(
    'tr',
    {},
    h('td', {}, t.toNode),
    seconds('copySeconds', t.seconds),
    h('td', {}, limit(t.bottleneck), ...t.unknowns.map((u) => h('small', {}, h('br'), u))),
  )
}

function timesTable(caption: string, heads: string[], rows: HTMLElement[]): HTMLElement {
  return h(
    'table',
    {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...heads.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, ...rows),
  )
}

function warnings(item: StorageItemPlan): HTMLElement | null {
  return item.warnings.length
    ? h('ul', { class: 'notes' }, ...item.warnings.map((w) => h('li', {}, w.message)))
    : null
}

define('storage-tier-planner', StorageTierPlanner)
