/**
 * The site's origin comes from configuration (site/src/lib/site-origin.ts), never a hard-coded
 * localhost: a build with SITE_ORIGIN puts it in every canonical link, og:url and widget
 * snippet, and a deploy build without one refuses to run.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { LOCAL_ORIGIN, siteOrigin } from '../../../site/src/lib/site-origin.ts'

const TOML_WITH = '[vars]\nEMBED_ALLOWED_ANCESTORS = "*"\nSITE_ORIGIN = "https://from-toml.example.org/"\n'
const TOML_WITHOUT = '[vars]\n# SITE_ORIGIN = "https://commented.example.org"\n'

describe('siteOrigin', () => {
  it('takes the environment first, then wrangler.toml [vars], then the local address', () => {
    expect(siteOrigin({ SITE_ORIGIN: 'https://env.example.org' }, TOML_WITH)).toBe('https://env.example.org')
    expect(siteOrigin({}, TOML_WITH)).toBe('https://from-toml.example.org')
    expect(siteOrigin({}, TOML_WITHOUT)).toBe(LOCAL_ORIGIN)
  })

  it('refuses a deploy build on a loopback origin, and a value that is no http(s) origin', () => {
    expect(() => siteOrigin({ HP_DEPLOY: '1' }, TOML_WITHOUT)).toThrow(/deploy build needs the public origin/)
    expect(() => siteOrigin({ HP_DEPLOY: '1', SITE_ORIGIN: 'http://localhost:8787' }, '')).toThrow(
      /deploy build/,
    )
    expect(siteOrigin({ HP_DEPLOY: '1' }, TOML_WITH)).toBe('https://from-toml.example.org')
    expect(() => siteOrigin({ SITE_ORIGIN: 'ftp://x' }, '')).toThrow(/expected an http\(s\) origin/)
  })
})

describe('a build with a configured origin', () => {
  it('puts that origin in every canonical link, og:url and snippet, and no localhost anywhere', () => {
    const out = mkdtempSync(join(tmpdir(), 'site-origin-'))
    try {
      execFileSync('node_modules/.bin/astro', ['build', '--root', 'site', '--outDir', out, '--silent'], {
        env: { ...process.env, SITE_ORIGIN: 'https://planner.example.org', ASTRO_TELEMETRY_DISABLED: '1' },
        stdio: 'pipe',
      })
      const pages = readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.html'))
      expect(pages.length).toBeGreaterThan(5)
      for (const f of pages) {
        const html = readFileSync(join(out, f), 'utf8')
        expect(html, f).not.toMatch(/127\.0\.0\.1|localhost/)
        const canonical = /<link rel="canonical" href="([^"]+)"/.exec(html)?.[1]
        if (canonical) expect(canonical, f).toMatch(/^https:\/\/planner\.example\.org\//)
      }
      const widgets = readFileSync(join(out, 'widgets/index.html'), 'utf8')
      expect(widgets).toContain('https://planner.example.org/embed/vram-fit/?node=meraxes')
      expect(widgets).toContain('https://planner.example.org/widgets/resize-frames.js')
      expect(widgets).toContain('data-origin="https://planner.example.org"')
      expect(widgets).toMatch(/<meta property="og:url" content="https:\/\/planner\.example\.org\/widgets\/"/)
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  }, 120_000)
})
