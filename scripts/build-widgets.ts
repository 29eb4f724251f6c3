/**
 * Builds the embeddable planner widgets (site/src/widgets) into site/dist/widgets/ and writes
 * their iframe pages, site/dist/embed/<widget>/index.html. Runs after `astro build` (which
 * empties site/dist). No code splitting: every file is self-contained with a stable name (one
 * request per widget, nothing hashed to go stale in a wiki's cache or in wrangler dev), so the
 * few KB of shared code repeat. Prints each file's gzip size and fails past the 15 KB budget:
 * a wiki page should not pay more for one planner.
 */
import { build } from 'esbuild'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { basename } from 'node:path'
import { gzipSync } from 'node:zlib'
import { WIDGETS } from '../site/src/lib/embed-snippets.ts'

const SRC = 'site/src/widgets'
const OUT = 'site/dist/widgets'
const BUDGET_GZIP_BYTES = 15 * 1024

function embedPage(name: string, element: string, title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex">
<title>${title} · homelab-planner</title>
<style>html, body { margin: 0; background: transparent; } body { padding: 1px; }</style>
<script type="module" src="/widgets/embed.js"></script>
<script type="module" src="/widgets/${name}.js"></script>
</head>
<body>
<${element} data-embed="${name}"></${element}>
</body>
</html>
`
}

const gzipBytes = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length

// No stale scripts from an earlier run; keep the rest (the docs' /widgets/ page lives here too).
if (existsSync(OUT)) for (const f of readdirSync(OUT)) if (f.endsWith('.js')) rmSync(`${OUT}/${f}`)
const result = await build({
  entryPoints: [...Object.keys(WIDGETS), 'widgets', 'embed', 'resize-frames'].map(
    (name) => `${SRC}/${name}.ts`,
  ),
  outdir: OUT,
  bundle: true,
  format: 'esm',
  minify: true,
  target: 'es2022',
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
})

for (const [name, { element, title }] of Object.entries(WIDGETS)) {
  mkdirSync(`site/dist/embed/${name}`, { recursive: true })
  writeFileSync(`site/dist/embed/${name}/index.html`, embedPage(name, element, title))
}

let over = false
const rows = Object.keys(result.metafile.outputs).map((file) => {
  const gzip = gzipBytes(file)
  if (gzip > BUDGET_GZIP_BYTES) over = true
  return (
    `  ${basename(file).padEnd(16)} ${(gzip / 1024).toFixed(1).padStart(5)} KB gzip  ` +
    `${(statSync(file).size / 1024).toFixed(1).padStart(5)} KB`
  )
})
console.log(
  `widgets → ${OUT} (budget ${BUDGET_GZIP_BYTES / 1024} KB gzip per file; ` +
    `each file is self-contained)\n${rows.join('\n')}`,
)
if (over) {
  console.error('A widget is over its size budget.')
  process.exit(1)
}
