/**
 * Copies Swagger UI from node_modules into the site's static files, so /api/docs works offline,
 * and the committed OpenAPI document, which the worker serves from its static assets (with its
 * response examples it is too big to bundle into the worker).
 */
import { copyFileSync, mkdirSync } from 'node:fs'

const OUT = 'site/public/vendor/swagger-ui'
mkdirSync(OUT, { recursive: true })
for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css']) {
  copyFileSync(`node_modules/swagger-ui-dist/${file}`, `${OUT}/${file}`)
}
mkdirSync('site/public/api', { recursive: true })
copyFileSync('openapi/openapi.json', 'site/public/api/openapi.json')
// The Astro build that follows runs --silent: say what the next seconds are for.
console.log('site: Swagger UI copied; building the docs pages with Astro (about 10 s)…')
