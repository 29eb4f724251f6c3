/**
 * The embeddable widgets as wiki authors see them: each planner's element, page, script and
 * parameters, and the snippets and CSP lines to paste, written for a given site origin. Used by
 * the /widgets/ page (built snippets), its configurator island (live snippets) and
 * scripts/build-widgets.ts (the /embed/<widget>/ pages). Dependency-free: the island bundles it.
 */

export interface WidgetParam {
  attribute: string
  query: string
  meaning: string
}

export interface WidgetInfo {
  element: string
  title: string
  api: string
  params: WidgetParam[]
  /** A preset that shows the lab's numbers (the demos, the configurator's first view). */
  example: Record<string, string>
}

export const WIDGETS = {
  'vram-fit': {
    element: 'vram-fit-planner',
    title: 'VRAM fit planner',
    api: 'POST /api/v1/plan/vram-fit',
    params: [
      {
        attribute: 'node',
        query: 'node',
        meaning: 'Node id, any case (its GPUs); absent = every GPU and GPU combination of the lab',
      },
      { attribute: 'model', query: 'model', meaning: 'Registry id (llama-3.1-8b) or Ollama tag' },
      {
        attribute: 'quantization',
        query: 'quantization',
        meaning: 'llama-quantize preset, e.g. Q4_K_M; absent = the model default',
      },
      {
        attribute: 'runtime',
        query: 'runtime',
        meaning: 'ollama (default), llama-server or llama.cpp: whose defaults and limits apply',
      },
      {
        attribute: 'context-length',
        query: 'contextLength',
        meaning: 'Tokens of context, 1 to 16777216 (default 8192)',
      },
    ],
    example: { node: 'meraxes', model: 'llama-3.1-8b', quantization: 'Q4_K_M' },
  },
  passthrough: {
    element: 'passthrough-check',
    title: 'IOMMU group passthrough check',
    api: 'GET /api/v1/nodes/{node}/iommu-groups/{group}/check',
    params: [
      { attribute: 'node', query: 'node', meaning: 'Node id, any case' },
      { attribute: 'group', query: 'group', meaning: 'IOMMU group number; absent = the GPU’s group' },
      {
        attribute: 'device',
        query: 'device',
        meaning: 'PCI address (0e:00.0, 0000:0e:00.0, 0e:00): picks the group holding it',
      },
    ],
    example: { node: 'caraxes', group: '31' },
  },
  'storage-tier': {
    element: 'storage-tier-planner',
    title: 'Storage tier planner',
    api: 'POST /api/v1/plan/storage-tier',
    params: [
      {
        attribute: 'purpose',
        query: 'purpose',
        meaning: 'model-store, model-cache, dataset, vm-disk, scratch or backup',
      },
      { attribute: 'size-gb', query: 'sizeGB', meaning: 'Size in GB (10⁹ bytes), sent as sizeBytes' },
      { attribute: 'node', query: 'node', meaning: 'The node that reads it (load times); absent = any node' },
    ],
    example: { purpose: 'model-store', sizeGB: '40', node: 'meraxes' },
  },
} as const satisfies Record<string, WidgetInfo>

export type WidgetName = keyof typeof WIDGETS
export type Theme = 'light' | 'dark' | 'auto'
export type EmbedForm = 'iframe' | 'component'

export interface EmbedChoice {
  widget: WidgetName
  /** Query parameter → value; empty values are left out. */
  params: Record<string, string>
  theme: Theme
}

/** Attribute values are written between double quotes: escape what would end or open markup. */
const attr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')

function given(choice: EmbedChoice): [WidgetParam, string][] {
  return WIDGETS[choice.widget].params.flatMap((p): [WidgetParam, string][] => {
    const value = choice.params[p.query]?.trim() ?? ''
    return value === '' ? [] : [[p, value]]
  })
}

/** /embed/<widget>/?… with the choice's parameters (and theme unless auto), percent-encoded. */
export function embedPath(choice: EmbedChoice): string {
  const query = new URLSearchParams(given(choice).map(([p, v]) => [p.query, v]))
  if (choice.theme !== 'auto') query.set('theme', choice.theme)
  const search = query.toString()
  return `/embed/${choice.widget}/${search ? `?${search}` : ''}`
}

/**
 * The iframe, with allow="clipboard-write" (the passthrough check's Copy config button needs
 * it) and the resize script (the frame takes its content's height).
 */
export function iframeSnippet(origin: string, choice: EmbedChoice): string {
  const w = WIDGETS[choice.widget]
  return `<iframe data-homelab-planner title="${attr(w.title)}" allow="clipboard-write" style="width:100%;border:0"
  src="${origin}${embedPath(choice)}"></iframe>
<script type="module" src="${origin}/widgets/resize-frames.js"></script>`
}

export function componentSnippet(origin: string, choice: EmbedChoice): string {
  const w = WIDGETS[choice.widget]
  const attrs = given(choice)
    .map(([p, v]) => ` ${p.attribute}="${attr(v)}"`)
    .join('')
  const theme = choice.theme === 'auto' ? '' : ` theme="${choice.theme}"`
  return `<script type="module" src="${origin}/widgets/${choice.widget}.js"></script>
<${w.element}${attrs}${theme}></${w.element}>`
}

export function snippet(origin: string, choice: EmbedChoice, form: EmbedForm): string {
  return form === 'iframe' ? iframeSnippet(origin, choice) : componentSnippet(origin, choice)
}

/** What a wiki's Content-Security-Policy must allow for the snippet, one directive a line. */
export function cspLines(origin: string, form: EmbedForm): string[] {
  return form === 'iframe'
    ? [`frame-src ${origin}`, `script-src ${origin}`]
    : [`script-src ${origin}`, `connect-src ${origin}`]
}
