/**
 * Builds DOM from data with textContent and setAttribute only: text from users, query
 * parameters or the API is never parsed as HTML (no innerHTML anywhere in the widgets).
 */

type Child = Node | string | number | null | undefined | false
type Attrs = Record<string, string | number | boolean | null | undefined>

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue
    el.setAttribute(name, value === true ? '' : String(value))
  }
  append(el, children)
  return el
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)))
  }
}

/** Replaces every child of `parent`. */
export function replace(parent: Node, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild)
  append(parent, children)
}

let nextId = 0
/** A unique id inside one shadow root, to tie <label for> to its control. */
export function uid(prefix: string): string {
  nextId += 1
  return `${prefix}-${nextId}`
}

/** A labelled form field: the label names the control for screen readers and clicks. */
export function field(
  label: string,
  control: HTMLInputElement | HTMLSelectElement,
  hint?: string,
): HTMLElement {
  control.id ||= uid('f')
  // The hint sits on the label's line, so every control of a form row lines up at the bottom.
  const hintEl = hint ? h('small', { id: `${control.id}-hint` }, hint) : null
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id)
  return h(
    'div',
    { class: 'field' },
    h('span', { class: 'label-row' }, h('label', { for: control.id }, label), hintEl),
    control,
  )
}

export function option(value: string, label: string, selected = false): HTMLOptionElement {
  const el = h('option', { value }, label)
  el.selected = selected
  return el
}
