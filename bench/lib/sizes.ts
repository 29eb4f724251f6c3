/** Bytes a browser or Cloudflare really transfers: minified, then gzip (node:zlib, level 6). */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

export interface Size {
  file: string
  bytes: number
  gzipBytes: number
}

export const gzipSize = (data: string | Buffer) => gzipSync(data).length

function sizeOf(path: string, name = path): Size {
  const data = readFileSync(path)
  return { file: name, bytes: data.length, gzipBytes: gzipSize(data) }
}

/** Builds the worker as `wrangler deploy` would (dry run, minified) into a temp dir. */
export function workerBundleSize(): Size {
  const dir = mkdtempSync(join(tmpdir(), 'bench-worker-'))
  try {
    execFileSync('node_modules/.bin/wrangler', ['deploy', '--dry-run', '--outdir', dir, '--minify'], {
      stdio: 'ignore',
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    })
    return sizeOf(join(dir, 'index.js'), 'worker index.js (minified)')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export function widgetSizes(dir = 'site/dist/widgets'): Size[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .sort()
    .map((f) => sizeOf(join(dir, f), `widgets/${f}`))
}
