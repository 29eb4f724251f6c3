/**
 * The model-fit matrix's filters (AI placement page): target, quantization, family, runtime,
 * context and "fits only", kept in the URL (?target=…&quantization=…&family=…&runtime=…&context=…
 * &fits=1) so a filtered view can be linked. The page is complete without it: the built table shows
 * the default runtime and context. Loads /fit-matrix.json (the same cells, per runtime and context)
 * and redraws the table with DOM calls only. Budget: test/unit/budgets.test.ts.
 */
import type { FitCellText } from '../lib/fit-cell.ts'
import type { FitMatrixData } from '../lib/model-fit.ts'
import { append, h, replace } from '../widgets/dom.ts'

const FIELDS = ['target', 'quantization', 'family', 'runtime', 'context', 'fits'] as const
type Filters = Record<(typeof FIELDS)[number], string>

const form = document.querySelector<HTMLFormElement>('#fit-filters')
const table = document.querySelector<HTMLTableElement>('table.fit-matrix')
const status = document.querySelector<HTMLElement>('#fit-status')

function readForm(f: HTMLFormElement): Filters {
  const data = new FormData(f)
  const text = (k: string): string => {
    const value = data.get(k)
    return typeof value === 'string' ? value : ''
  }
  return Object.fromEntries(FIELDS.map((k) => [k, text(k)])) as Filters
}

/** URL → controls; a value the form does not offer is dropped (the select keeps its default). */
function applyUrl(f: HTMLFormElement): void {
  const query = new URLSearchParams(location.search)
  for (const name of FIELDS) {
    const value = query.get(name)
    const control = f.elements.namedItem(name)
    if (value === null) continue
    if (control instanceof HTMLInputElement) control.checked = value === '1'
    else if (control instanceof HTMLSelectElement && [...control.options].some((o) => o.value === value))
      control.value = value
  }
}

function writeUrl(filters: Filters, defaults: Filters): void {
  const query = new URLSearchParams()
  for (const name of FIELDS) if (filters[name] !== defaults[name]) query.set(name, filters[name])
  const search = query.size > 0 ? `?${query}` : ''
  history.replaceState(null, '', `${location.pathname}${search}${location.hash}`)
}

function cell(c: FitCellText, label: string): HTMLElement {
  const td = h(
    'td',
    { class: 'fit-cell', 'data-label': label },
    h('span', { class: `badge badge-${c.verdict}` }, c.verdict),
  )
  for (const line of c.lines) append(td, [h('br'), line])
  return td
}

function render(t: HTMLTableElement, data: FitMatrixData, filters: Filters): number {
  const shown = data.targets
    .map((_, i) => i)
    .filter((i) => filters.target === '' || data.targets[i] === filters.target)
  const cells = data.cells[filters.runtime]?.[filters.context] ?? []
  const head = ['Model', 'Preset', 'File size', ...shown.map((i) => data.targets[i]!)]
  if (t.tHead) replace(t.tHead, h('tr', {}, ...head.map((name) => h('th', { scope: 'col' }, name))))
  const rows = data.rows.flatMap((r, ri) => {
    const row = cells[ri] ?? []
    if (filters.quantization !== '' && r.quantization !== filters.quantization) return []
    if (filters.family !== '' && r.family !== filters.family) return []
    if (filters.fits === '1' && !shown.some((i) => row[i]?.verdict === 'fits')) return []
    return [
      h(
        'tr',
        { id: r.anchor },
        h('th', { scope: 'row' }, r.name, h('br'), h('span', { class: 'muted mono' }, r.id)),
        h('td', { class: 'mono', 'data-label': 'Preset' }, r.quantization),
        h('td', { class: 'fit-cell', 'data-label': 'File size' }, r.weights),
        ...shown.map((i) => cell(row[i] ?? { verdict: 'not-applicable', lines: [] }, data.targets[i]!)),
      ),
    ]
  })
  const body = t.tBodies[0]
  if (body) replace(body, ...rows)
  return rows.length
}

async function start(f: HTMLFormElement, t: HTMLTableElement): Promise<void> {
  const res = await fetch('/fit-matrix.json')
  if (!res.ok) return // the built table stays as it is
  const data = (await res.json()) as FitMatrixData
  const defaults = readForm(f)
  applyUrl(f)
  const update = () => {
    const filters = readForm(f)
    writeUrl(filters, defaults)
    const count = render(t, data, filters)
    if (status) status.textContent = `${count} of ${data.rows.length} model × preset rows shown.`
  }
  f.addEventListener('change', update)
  f.addEventListener('submit', (e) => e.preventDefault())
  f.hidden = false
  update()
}

if (form && table) void start(form, table)
