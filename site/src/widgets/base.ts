/**
 * What every planner widget shares: a shadow root with its own styles, a form preset from the
 * element's attributes (checked like API input before anything is sent), a problem box that
 * shows the API's problem+json detail, and a results region announced to screen readers.
 */
import { ApiProblem, WHOLE_LIST, apiBase, callApi, isApiUrl, type ListPage } from './api.ts'
import { h, replace } from './dom.ts'
import { normalizedValue, queryParamOf, THEMES } from './params.ts'
import { STYLES } from './styles.ts'

/** Returns what is wrong with a value, or null; each mirrors a rule of the API's zod schema. */
export type Check = (value: string) => string | null

export interface PlannerCall {
  path: string
  body?: unknown
}

let sheet: CSSStyleSheet | null = null
function adoptStyles(root: ShadowRoot): void {
  try {
    sheet ??= new CSSStyleSheet()
    sheet.replaceSync(STYLES)
    root.adoptedStyleSheets = [sheet]
  } catch {
    root.appendChild(h('style', {}, STYLES)) // browsers without constructable stylesheets
  }
}

export abstract class PlannerElement extends HTMLElement {
  protected readonly root: ShadowRoot
  protected readonly form: HTMLFormElement
  private readonly problemBox: HTMLElement
  protected readonly results: HTMLElement
  private started = false
  private controller: AbortController | null = null

  /** Shown as the widget's title. */
  protected abstract readonly heading: string
  /**
   * Attribute (= form control name) → check; attributes absent from here are not read. An
   * empty control is an error when the control is `required` (no silent default is planned),
   * and means "not given" otherwise (a select's "Any node").
   */
  protected abstract readonly checks: Record<string, Check>
  /** Adds the form's controls, loading their options from the API where needed. */
  protected abstract setup(): Promise<void>
  /** The API call for the form's current values. */
  protected abstract plan(values: Record<string, string>): PlannerCall
  /** Shows an answer of the API in `this.results`. */
  protected abstract render(answer: unknown): void

  constructor() {
    super()
    this.root = this.attachShadow({ mode: 'open' })
    adoptStyles(this.root)
    this.form = h('form', { novalidate: true })
    this.problemBox = h('div', { class: 'problem', role: 'alert', hidden: true })
    this.results = h('div', { class: 'results', 'aria-live': 'polite' })
  }

  connectedCallback(): void {
    if (this.started) return
    this.started = true
    const titleId = `t-${this.localName}`
    this.root.append(
      h(
        'section',
        { class: 'planner', 'aria-labelledby': titleId },
        h('strong', { class: 'title', id: titleId }, this.heading),
        this.form,
        this.problemBox,
        this.results,
        h(
          'p',
          { class: 'foot' },
          'Computed by the ',
          h(
            'a',
            { href: `${this.apiOrigin()}/api/docs`, target: '_blank', rel: 'noopener' },
            'homelab-planner API',
          ),
          '.',
        ),
      ),
    )
    this.form.addEventListener('submit', (e) => {
      e.preventDefault()
      void this.update()
    })
    this.form.addEventListener('change', (e) => void this.changed(e.target))
    void this.start()
  }

  /** A control changed: plan again (widgets whose options depend on a control refresh them first). */
  protected async changed(_control: EventTarget | null): Promise<void> {
    await this.update()
  }

  /** The API base URL (checked in start(); a bad `api` attribute falls back to the script's origin). */
  protected apiOrigin(): string {
    const attr = this.getAttribute('api')
    return apiBase(attr !== null && isApiUrl(attr) ? attr : null, import.meta.url)
  }

  protected call<T>(path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    return callApi<T>(this.apiOrigin(), path, body, signal)
  }

  /** A list endpoint's items: the one place that knows how the API wraps a list. */
  protected async list<T>(path: string): Promise<T[]> {
    return (await this.call<ListPage<T>>(path + WHOLE_LIST)).items
  }

  /** An attribute as the API would read it (node ids in any case). */
  private attr(name: string): string | null {
    const value = this.getAttribute(name)
    return value === null ? null : normalizedValue(name, value)
  }

  /** The element's preset for a control: its attribute, when the attribute passes its check. */
  protected preset(name: string, fallback: string): string {
    const value = this.attr(name)
    return value !== null && this.checks[name]?.(value) === null ? value : fallback
  }

  /** Every bad setting at once: api, theme, each control's preset, unknown query parameters. */
  private attributeProblems(): string[] {
    const problems: string[] = []
    const api = this.getAttribute('api')
    if (api !== null && !isApiUrl(api)) problems.push(`api: expected an http(s) URL (got "${api}")`)
    const theme = this.getAttribute('theme')
    if (theme !== null && !(THEMES as readonly string[]).includes(theme)) {
      problems.push(`theme: expected one of ${THEMES.join(', ')} (got "${theme}")`)
    }
    for (const [name, check] of Object.entries(this.checks)) {
      const value = this.attr(name)
      const problem = value === null ? null : check(value)
      if (problem) problems.push(`${this.paramName(name)}: ${problem} (got "${this.getAttribute(name)}")`)
    }
    const known = ['theme', ...Object.keys(this.checks)].map(queryParamOf)
    for (const param of this.dataset.unknownParams?.split(' ') ?? []) {
      problems.push(`${param}: not a parameter of this widget (expected ${known.join(', ')})`)
    }
    return problems
  }

  /** An embed page keeps its settings in its URL, so a reload or a copied link shows the same plan. */
  private keepInUrl(values: Record<string, string>): void {
    if (!this.dataset.embed) return
    const query = new URLSearchParams()
    const theme = this.getAttribute('theme')
    if (theme) query.set('theme', theme)
    for (const name of Object.keys(this.checks)) if (values[name]) query.set(queryParamOf(name), values[name])
    history.replaceState(null, '', `${location.pathname}?${query}`)
  }

  /** An embed page's values come from the query string: name them as the URL spells them. */
  private paramName(attribute: string): string {
    return this.dataset.embed ? queryParamOf(attribute) : attribute
  }

  /** What is wrong with a control's value (null: nothing), named by the label the user sees. */
  private fieldProblem(name: string, value: string | undefined, check: Check): string | null {
    const control = this.form.elements.namedItem(name)
    const input = control instanceof HTMLInputElement || control instanceof HTMLSelectElement ? control : null
    const label = (input?.labels?.[0]?.textContent ?? '') || name
    // A number input that cannot parse its text reports "" (HTML's value sanitization); say why.
    if (input instanceof HTMLInputElement && input.validity.badInput) return `${label}: expected a number`
    if (value === undefined || value === '')
      return input?.required ? `${label}: required; the field is empty` : null
    const problem = check(value)
    return problem ? `${label}: ${problem} (got "${value}")` : null
  }

  private async start(): Promise<void> {
    this.dataset.state = 'loading'
    try {
      await this.setup()
    } catch (err) {
      this.fail(err)
      return
    }
    const problems = this.attributeProblems()
    if (problems.length > 0) {
      this.showProblem(
        'This widget was given invalid settings; fix them in the form or the embed code:',
        problems,
      )
      this.dataset.state = 'invalid'
      return
    }
    await this.update()
  }

  /** Reads the form, checks it the way the API would, calls the planner and renders its answer. */
  protected async update(): Promise<void> {
    const values: Record<string, string> = {}
    for (const [name, value] of new FormData(this.form)) if (typeof value === 'string') values[name] = value
    const problems = Object.entries(this.checks).flatMap(
      ([name, check]) => this.fieldProblem(name, values[name], check) ?? [],
    )
    if (problems.length > 0) {
      this.showProblem('Fix these fields:', problems)
      replace(this.results) // no numbers for other input than the form shows
      this.dataset.state = 'invalid'
      return
    }
    this.keepInUrl(values)
    this.controller?.abort()
    const controller = new AbortController()
    this.controller = controller
    this.results.setAttribute('aria-busy', 'true')
    this.dataset.state = 'loading'
    try {
      const { path, body } = this.plan(values)
      const answer = await this.call<unknown>(path, body, controller.signal)
      if (controller.signal.aborted) return
      this.hideProblem()
      this.render(answer)
      this.dataset.state = 'ready'
    } catch (err) {
      if ((err as Error).name !== 'AbortError') this.fail(err)
    } finally {
      if (this.controller === controller) this.results.removeAttribute('aria-busy')
    }
  }

  private fail(err: unknown): void {
    if (err instanceof ApiProblem) {
      this.showProblem(
        err.message,
        err.errors.map((e) => `${e.pointer}: ${e.detail}`),
      )
    } else {
      this.showProblem(`The widget failed: ${(err as Error).message}`, [])
    }
    replace(this.results)
    this.dataset.state = 'error'
  }

  protected showProblem(message: string, lines: string[]): void {
    replace(
      this.problemBox,
      h('p', {}, message),
      lines.length ? h('ul', {}, ...lines.map((l) => h('li', {}, l))) : null,
    )
    this.problemBox.hidden = false
  }

  private hideProblem(): void {
    this.problemBox.hidden = true
    replace(this.problemBox)
  }
}

/** Defines a custom element once, so loading one widget file and widgets.js together is harmless. */
export function define(name: string, ctor: CustomElementConstructor): void {
  if (!customElements.get(name)) customElements.define(name, ctor)
}

/** A copy button for a block of text, with a spoken confirmation. */
export function copyButton(text: () => string, label: string): HTMLElement {
  const status = h('span', { class: 'note', role: 'status' })
  const button = h('button', { type: 'button', class: 'secondary' }, label)
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(text())
      status.textContent = 'Copied.'
    } catch {
      status.textContent = 'Copy failed: select the text and press Ctrl+C.'
    }
  }
  button.addEventListener('click', () => void copy())
  return h('div', { class: 'copy-row' }, button, status)
}
