/**
 * Vitest global setup for the `browser` project: starts the real worker (`wrangler dev`, API +
 * the built site as static assets) once for every browser test file, and stops it after.
 * Tests read the address with `inject('baseUrl')` (or process.env.BROWSER_BASE_URL).
 * Build first: `npm run -s build` (the site is served from site/dist as it is on disk).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string
  }
}

const HOST = '127.0.0.1'
/** 8799 unless BROWSER_PORT says otherwise; a free port when 8799 is taken (a parallel run). */
const PREFERRED_PORT = Number(process.env.BROWSER_PORT ?? 8799)
const READY_TIMEOUT_MS = 60_000

/** Resolves `port` if nothing listens on it, else a port the OS picks as free. */
function freePort(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' && port !== 0) resolve(freePort(0))
      else reject(err)
    })
    server.listen(port, HOST, () => {
      const { port: got } = server.address() as { port: number }
      server.close(() => resolve(got))
    })
  })
}

async function isHealthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) })
    return res.ok
  } catch {
    return false
  }
}

/** Polls /api/health until it answers 200; fails early if wrangler exits, late after 60 s. */
async function waitUntilReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}:\n${output()}`)
    if (await isHealthy(url)) return
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(
    `wrangler dev did not answer ${url}/api/health within ${READY_TIMEOUT_MS / 1000} s:\n${output()}`,
  )
}

/** Ends wrangler and its children (workerd) as a group: TERM, then KILL after 5 s. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, s)
    } catch {
      // the group is already gone
    }
  }
  signal('SIGTERM')
  const timer = setTimeout(() => signal('SIGKILL'), 5_000)
  await exited
  clearTimeout(timer)
}

export default async function setup(project: TestProject) {
  const port = await freePort(PREFERRED_PORT)
  const url = `http://${HOST}:${port}`
  // This process runs the project's Node 24 (npx); put it first on PATH so wrangler uses it too.
  const env = {
    ...process.env,
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
    WRANGLER_SEND_METRICS: 'false',
  }
  const child = spawn(
    join('node_modules', '.bin', 'wrangler'),
    ['dev', '--ip', HOST, '--port', String(port), '--log-level', 'warn', '--var', 'RATE_LIMIT:off'],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so teardown can end workerd too
    },
  )
  let log = ''
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  try {
    await waitUntilReady(url, child, () => log)
  } catch (err) {
    await stopGroup(child)
    throw err
  }
  project.provide('baseUrl', url)
  process.env.BROWSER_BASE_URL = url
  return () => stopGroup(child)
}
