import { execFileSync } from 'node:child_process'
import fs from 'node:fs'

/** Reading a process's CPU time and memory from /proc (Linux). */

let clockTicks: number | null = null
function ticksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    } catch {
      clockTicks = 100
    }
  }
  return clockTicks
}

/** User + system CPU seconds of a process (all its threads), from /proc/<pid>/stat. */
export function cpuSeconds(pid: number | 'self'): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  // The command name (field 2) may contain spaces: fields are counted after its ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // fields[0] is field 3 (state); utime is field 14, stime field 15.
  const utime = Number(fields[11])
  const stime = Number(fields[12])
  return (utime + stime) / ticksPerSecond()
}

/** Busy CPU seconds of the whole machine (all cores, all processes), from /proc/stat. */
export function machineBusySeconds(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!
  // cpu user nice system idle iowait irq softirq steal guest guest_nice
  const f = line.trim().split(/\s+/).slice(1).map(Number)
  const busy = f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + f[7]!
  return busy / ticksPerSecond()
}

export interface MemoryStats {
  /** Resident set now, KiB. */
  rssKiB: number
  /** Peak resident set ("high water mark"), KiB. */
  hwmKiB: number
}

export function memory(pid: number | 'self'): MemoryStats {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  const field = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)
    return m ? Number(m[1]) : 0
  }
  return { rssKiB: field('VmRSS'), hwmKiB: field('VmHWM') }
}

/** Size of a directory tree on disk, bytes (apparent size of its files). */
export function directoryBytes(dir: string): number {
  let total = 0
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = `${d}/${entry.name}`
      if (entry.isDirectory()) walk(p)
      else if (entry.isFile()) total += fs.statSync(p).size
    }
  }
  if (fs.existsSync(dir)) walk(dir)
  return total
}

/**
 * Read and write system calls a process made so far (`/proc/<pid>/io`, all its threads): a
 * server's `syscw` counts its socket writes (and its storage's file writes).
 */
export function ioCalls(pid: number | 'self'): { reads: number; writes: number } {
  const text = fs.readFileSync(`/proc/${pid}/io`, 'utf8')
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? Number.NaN)
  return { reads: field('syscr'), writes: field('syscw') }
}
