import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

/** Every .ts file under a folder, recursively. */
function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  )
}

const IMPORT = /^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? '')
}

// The planners must run unchanged in the worker, in Node (tests, scripts) and in the site
// build: no HTTP framework, no runtime module, no I/O (brief: "pure functions").
describe('api/src/domain is pure', () => {
  it.each(tsFiles('api/src/domain'))('%s imports no HTTP, runtime or I/O module', (file) => {
    const forbidden = importsOf(file).filter(
      (m) =>
        /^(hono|@hono\/|cloudflare:|node:|fs$|path$)/.test(m) ||
        m.includes('/routes/') ||
        m.includes('/http/'),
    )
    expect(forbidden).toEqual([])
  })
})

describe('routes stay thin', () => {
  it.each(tsFiles('api/src/routes'))('%s is a small file', (file) => {
    expect(readFileSync(file, 'utf8').split('\n').length).toBeLessThanOrEqual(150)
  })
})
