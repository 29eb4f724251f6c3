/**
 * Starts `wrangler dev` on a free local port in its own process group (so workerd, which
 * wrangler spawns, can be measured and stopped with it), and stops the whole group at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'

export interface DevServer {
  url: string
  pgid: number
  stop: () => Promise<void>
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export async function startDevServer(timeoutMs = 120_000): Promise<DevServer> {
  const port = await freePort()
  const child: ChildProcess = spawn(
    'node_modules/.bin/wrangler',
    [
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--log-level',
      'warn',
      '--show-interactive-dev-session=false',
      '--var',
      'RATE_LIMIT:off',
    ],
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' },
    },
  )
  let output = ''
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString()
  })
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString()
  })
  const pgid = child.pid!
  const url = `http://127.0.0.1:${port}`
  let exited = false
  child.once('exit', () => {
    exited = true
  })

  const stop = async () => {
    if (exited) return
    try {
      process.kill(-pgid, 'SIGTERM')
    } catch {
      return
    }
    const done = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    const killed = await Promise.race([
      done.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), 5000)),
    ])
    if (!killed)
      try {
        process.kill(-pgid, 'SIGKILL')
      } catch {
        /* already gone */
      }
  }

  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (exited) throw new Error(`wrangler dev exited before it answered:\n${output.slice(-2000)}`)
    try {
      const res = await fetch(`${url}/api/health`)
      if (res.ok) return { url, pgid, stop }
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 500))
  }
  await stop()
  throw new Error(`wrangler dev did not answer within ${timeoutMs / 1000} s:\n${output.slice(-2000)}`)
}
