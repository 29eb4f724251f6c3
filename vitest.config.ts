import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'
import { fixtureFetch } from './test/fixtures/remote-models.ts'

// Tests follow the layers: `unit` (pure domain, data, scripts) in Node, `worker` (routes)
// inside workerd through the real wrangler.toml, `browser` (pages, widgets) in Chromium.
export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node', testTimeout: 30_000 },
      },
      {
        // Every fetch the worker makes goes to the offline fixture server (GGUF headers, registry
        // manifests, hostile answers), never to a network.
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: { outboundService: fixtureFetch },
          }),
        ],
        test: { name: 'worker', include: ['test/worker/**/*.test.ts'], testTimeout: 30_000 },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          globalSetup: ['./test/browser/global-setup.ts'],
        },
      },
    ],
  },
})
