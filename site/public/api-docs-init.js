// Starts Swagger UI on the spec named by this script tag (kept out of the page so the
// Content-Security-Policy needs no 'unsafe-inline'), with the accessibility fixes our
// a11y test found: darker colours (api-docs.css), no deep-link anchors inside the operation
// buttons (a link nested in a button is unreachable for keyboard and screen-reader users),
// and a name for the servers select.
const theme = document.createElement('link')
theme.rel = 'stylesheet'
theme.href = '/api-docs.css'
document.head.append(theme)

/** The global that the vendored swagger-ui-bundle.js defines. */
/** @typedef {{ SwaggerUIBundle: (options: Record<string, unknown>) => unknown }} SwaggerGlobal */
const { SwaggerUIBundle } = /** @type {SwaggerGlobal} */ (/** @type {unknown} */ (window))

const spec = document.currentScript.dataset.specUrl
SwaggerUIBundle({
  url: spec,
  dom_id: '#api-reference',
  deepLinking: false,
  tryItOutEnabled: true,
  onComplete: () => document.getElementById('servers')?.setAttribute('aria-label', 'Server'),
})
