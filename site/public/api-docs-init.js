// Starts Swagger UI on the spec named by this script tag (kept out of the page so the
// Content-Security-Policy needs no 'unsafe-inline').
const spec = document.currentScript.dataset.specUrl
window.SwaggerUIBundle({ url: spec, dom_id: '#api-reference', deepLinking: true, tryItOutEnabled: true })
