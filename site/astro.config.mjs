// @ts-check
import starlight from '@astrojs/starlight'
import { defineConfig } from 'astro/config'

// The docs site: built from data/ and the planners into site/dist, served by the worker.
export default defineConfig({
  site: 'http://127.0.0.1:8787',
  outDir: './dist',
  telemetry: false,
  integrations: [
    starlight({
      title: 'homelab-planner',
      description: 'The documented architecture of the CARAXES / MERAXES GPU homelab, generated from the catalog.',
      sidebar: [{ label: 'Start', items: [{ label: 'Overview', link: '/' }] }],
    }),
  ],
})
