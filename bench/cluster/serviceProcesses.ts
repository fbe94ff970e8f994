import fs from 'node:fs'
import { cpuSeconds } from '../procStats'

/**
 * The CPU PostgreSQL and Redis spend for a run, read from /proc like the servers' own.
 *
 * PostgreSQL runs a process per connection and is shared with whoever else uses this machine
 * (other engineers' tests): a run counts the postmaster and its background processes
 * (checkpointer, WAL writer…), plus only the backends whose client end is a socket of one of
 * the run's server processes (matched through the client port in the backend's process title,
 * `postgres: … 127.0.0.1(<port>) …`, and the servers' socket inodes in /proc/net/tcp).
 * Redis is one process (`redis-server`, all its threads): all of it is counted.
 */

function allPids(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
}

function readOr(file: string, fallback = ''): string {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch {
    return fallback
  }
}

function comm(pid: number): string {
  return readOr(`/proc/${pid}/comm`).trim()
}

/** Local TCP ports of the sockets `pids` hold open. */
export function localPortsOf(pids: readonly number[]): Set<number> {
  const inodes = new Set<string>()
  for (const pid of pids) {
    let fds: string[] = []
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`)
    } catch {
      continue
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`))
        if (m) inodes.add(m[1]!)
      } catch {
        // closed meanwhile
      }
    }
  }
  const ports = new Set<number>()
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readOr(table).split('\n').slice(1)) {
      const f = line.trim().split(/\s+/)
      if (f.length < 10) continue
      if (inodes.has(f[9]!)) ports.add(parseInt(f[1]!.split(':')[1]!, 16))
    }
  }
  return ports
}

/** PostgreSQL processes that work for `ownerPids` (their backends) or for everyone (the rest). */
export function postgresPidsFor(ownerPids: readonly number[]): number[] {
  const ports = localPortsOf(ownerPids)
  const out: number[] = []
  for (const pid of allPids()) {
    if (comm(pid) !== 'postgres') continue
    const title = readOr(`/proc/${pid}/cmdline`).replace(/\0/g, ' ')
    const client = /\((\d+)\)/.exec(title)
    if (!client || ports.has(Number(client[1]))) out.push(pid)
  }
  return out
}

export function redisPids(): number[] {
  return allPids().filter((pid) => comm(pid) === 'redis-server')
}

/**
 * CPU of a changing set of processes over a window: sampled every call of {@link sample}
 * (each second during the load), so a process that leaves mid-window keeps what it used until
 * its last sample, and one that appears counts from its first sample.
 */
export class PidGroupCpu {
  private readonly seen = new Map<number, { base: number; last: number }>()

  constructor(private readonly pids: () => number[]) {}

  /** Call at the window's start, then regularly, then at its end. */
  sample(): void {
    for (const pid of this.pids()) {
      let cpu: number
      try {
        cpu = cpuSeconds(pid)
      } catch {
        continue
      }
      const entry = this.seen.get(pid)
      if (entry) entry.last = cpu
      else this.seen.set(pid, { base: cpu, last: cpu })
    }
  }

  /** CPU seconds used by the group between the first sample and now. */
  get seconds(): number {
    let total = 0
    for (const { base, last } of this.seen.values()) total += last - base
    return total
  }

  get processes(): number {
    return this.seen.size
  }
}
