/**
 * Boots an /embed/<widget> page: presets the page's one widget from the query string (the
 * widget checks each value like an attribute) and tells the parent page our height, so the
 * iframe can be resized to its content:
 *   window.parent.postMessage({ type: 'homelab-planner:resize', height }, '*')
 * The message carries only a height, so any parent may read it ('*').
 */

/** Each embed page loads only its own widget, after its attributes are set. */
const LOADERS: Record<string, () => Promise<unknown>> = {
  'vram-fit': () => import('./vram-fit.ts'),
  passthrough: () => import('./passthrough.ts'),
  'storage-tier': () => import('./storage-tier.ts'),
}
/** Query parameter (API field name) → attribute of the widget. */
const PARAMS: Record<string, string> = {
  node: 'node', model: 'model', quantization: 'quantization', contextLength: 'context-length',
  group: 'group', device: 'device', purpose: 'purpose', sizeGB: 'size-gb',
}

const widget = document.querySelector('[data-embed]')
if (widget) {
  for (const [key, value] of new URLSearchParams(location.search)) {
    const attribute = PARAMS[key]
    if (attribute) widget.setAttribute(attribute, value)
  }
  void LOADERS[widget.getAttribute('data-embed') ?? '']?.()
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
export {}
