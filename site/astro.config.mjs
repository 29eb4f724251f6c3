// @ts-check
import starlight from '@astrojs/starlight'
import { defineConfig } from 'astro/config'
import { readFileSync } from 'node:fs'
import { catalog } from './src/lib/catalog.ts'
import { buildSidebar } from './src/lib/sidebar.ts'
import { siteOrigin } from './src/lib/site-origin.ts'

// The docs site: built from data/ and the planners into site/dist, served by the worker.
// The sidebar comes from the catalog too: a node added to data/nodes gets its entries.
export default defineConfig({
  // Canonical links, og:url and the widget snippets: see site/src/lib/site-origin.ts.
  site: siteOrigin(process.env, readFileSync(new URL('../wrangler.toml', import.meta.url), 'utf8')),
  outDir: './dist',
  telemetry: false,
  trailingSlash: 'always',
  compressHTML: false,
  // Bundled scripts stay files (cached once, allowed by script-src 'self'): an inline one would
  // need a new CSP hash in _headers on every edit.
  vite: { build: { assetsInlineLimit: (path) => (path.endsWith('.js') ? false : undefined) } },
  integrations: [
    starlight({
      title: 'homelab-planner',
      description:
        'The documented architecture of the CARAXES / MERAXES GPU homelab, generated from the catalog.',
      sidebar: [
        ...buildSidebar(catalog),
        {
          label: 'Widgets',
          items: [
            { label: 'Embed a planner', link: '/widgets/' },
            { label: 'Embed in your wiki', link: '/embed-in-your-wiki/' },
          ],
        },
      ],
      customCss: ['./src/styles/custom.css'],
      components: { Search: './src/components/overrides/Search.astro' },
      lastUpdated: false,
      pagination: false,
    }),
  ],
})
