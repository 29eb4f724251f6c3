/**
 * The /widgets/ configurator: pick a planner, its settings, a theme and iframe or web
 * component; see it live and copy the snippet (with the site's configured origin) and the CSP
 * lines a wiki needs. The page shows the default snippet without it. Budget:
 * test/unit/budgets.test.ts.
 */
import {
  cspLines,
  embedPath,
  snippet,
  WIDGETS,
  type EmbedChoice,
  type EmbedForm,
  type Theme,
  type WidgetName,
} from '../lib/embed-snippets.ts'
import { h, replace } from '../widgets/dom.ts'

const form = document.querySelector<HTMLFormElement>('#embed-config')

/** A form field's text; a missing field (or a file, which this form has none of) reads as ''. */
function fieldText(data: FormData, name: string): string {
  const value = data.get(name)
  return typeof value === 'string' ? value : ''
}

function choiceOf(f: HTMLFormElement): { choice: EmbedChoice; form: EmbedForm } {
  const data = new FormData(f)
  const widget = fieldText(data, 'widget') as WidgetName
  const params: Record<string, string> = {}
  for (const p of WIDGETS[widget].params) params[p.query] = fieldText(data, `${widget}.${p.query}`)
  return {
    choice: { widget, params, theme: fieldText(data, 'theme') as Theme },
    form: fieldText(data, 'form') as EmbedForm,
  }
}

/** The live preview: the same embed, from this site (relative URLs), as the snippet describes it. */
function preview(box: HTMLElement, choice: EmbedChoice, embedForm: EmbedForm): void {
  const w = WIDGETS[choice.widget]
  if (embedForm === 'iframe') {
    replace(
      box,
      h('iframe', {
        'data-homelab-planner': '',
        title: `${w.title} (preview)`,
        allow: 'clipboard-write',
        src: embedPath(choice),
        style: 'width:100%;border:0;min-height:200px',
      }),
    )
    return
  }
  const element = document.createElement(w.element)
  for (const p of w.params) {
    const value = choice.params[p.query]?.trim()
    if (value) element.setAttribute(p.attribute, value)
  }
  if (choice.theme !== 'auto') element.setAttribute('theme', choice.theme)
  replace(box, element)
}

function start(f: HTMLFormElement): void {
  const origin = f.dataset.origin ?? location.origin
  const code = document.querySelector<HTMLElement>('#embed-snippet code')
  const csp = document.querySelector<HTMLElement>('#embed-csp')
  const box = document.querySelector<HTMLElement>('#embed-preview')
  const status = document.querySelector<HTMLElement>('#embed-copied')
  const update = () => {
    const { choice, form: embedForm } = choiceOf(f)
    for (const set of f.querySelectorAll<HTMLFieldSetElement>('fieldset[data-widget]'))
      set.hidden = set.dataset.widget !== choice.widget
    if (code) code.textContent = snippet(origin, choice, embedForm)
    if (csp) replace(csp, ...cspLines(origin, embedForm).map((line) => h('li', {}, h('code', {}, line))))
    if (box) preview(box, choice, embedForm)
    if (status) status.textContent = ''
  }
  f.addEventListener('change', update)
  f.addEventListener('submit', (e) => {
    e.preventDefault()
    update()
  })
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(code?.textContent ?? '')
      if (status) status.textContent = 'Copied.'
    } catch {
      if (status) status.textContent = 'Copy failed: select the snippet and press Ctrl+C.'
    }
  }
  document.querySelector('#embed-copy')?.addEventListener('click', () => void copy())
  for (const el of document.querySelectorAll<HTMLElement>('[data-needs-js]')) el.hidden = false
  update()
}

if (form) start(form)
