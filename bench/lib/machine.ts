/** Where the figures came from: they mean little without the machine. */
import { readdirSync, readFileSync } from 'node:fs'
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os'

export interface Machine {
  nproc: number
  cpuModel: string
  ramGiB: number
  node: string
  platform: string
  loadAverage1m: number
  date: string
}

export function machine(): Machine {
  return {
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    // Other processes on a shared machine skew the numbers: record how busy it was.
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
    date: new Date().toISOString(),
  }
}

/** Resident memory (KiB) of each process in a process group whose command is `name`. */
export function groupRss(pgid: number, name: string): { pid: number; rssKiB: number }[] {
  const found: { pid: number; rssKiB: number }[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // Fields after the parenthesised command (which may hold spaces): state ppid pgrp …
      const close = stat.lastIndexOf(')')
      const command = stat.slice(stat.indexOf('(') + 1, close)
      const pgrp = Number(stat.slice(close + 2).split(' ')[2])
      if (pgrp !== pgid || command !== name) continue
      const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))
      if (rss) found.push({ pid: Number(entry), rssKiB: Number(rss[1]) })
    } catch {
      // The process ended while we read it.
    }
  }
  return found
}
