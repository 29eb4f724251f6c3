/**
 * Boots an /embed/<widget> page. Presets the page's one widget from the query string (the
 * widget checks each value like an attribute): the page loads this script before the widget's
 * own (module scripts run in document order), so the attributes are set when it starts. Then
 * tells the parent page our height, so the iframe can be resized to its content:
 *   window.parent.postMessage({ type: 'homelab-planner:resize', height }, '*')
 * The message carries only a height, so any parent may read it ('*').
 */
import { attributeOf } from './params.ts'

const widget = document.querySelector<HTMLElement>('[data-embed]')
if (widget) {
  const unknown: string[] = []
  for (const [key, value] of new URLSearchParams(location.search)) {
    const attribute = attributeOf(key)
    if (attribute) widget.setAttribute(attribute, value)
    else unknown.push(key)
  }
  // The widget names each of them with the other bad values (no parameter is silently ignored).
  if (unknown.length > 0) widget.dataset.unknownParams = unknown.join(' ')
}

if (window.parent !== window) {
  let last = 0
  const report = () => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height)
    if (height === last) return
    last = height
    window.parent.postMessage({ type: 'homelab-planner:resize', height }, '*')
  }
  new ResizeObserver(report).observe(document.documentElement)
  report()
}
