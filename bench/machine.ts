import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'

/** Facts about the machine a run happened on. */
export interface MachineFacts {
  cores: number
  cpuModel: string
  memoryGiB: number
  node: string
  os: string
  date: string
  /** Commit of the repository, "+dirty" when server/ or shared/ had uncommitted changes. */
  commit: string
}

function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'server', 'shared'], { encoding: 'utf8' }).trim() !== ''
    return dirty ? `${head}+dirty` : head
  } catch {
    return 'unknown'
  }
}

export function machineFacts(): MachineFacts {
  const cpus = os.cpus()
  let cpuModel = cpus[0]?.model ?? 'unknown'
  if (cpuModel === 'unknown') {
    try {
      cpuModel = /model name\s*:\s*(.*)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpuModel
    } catch {
      // keep unknown
    }
  }
  return {
    cores: os.availableParallelism?.() ?? cpus.length,
    cpuModel,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
    commit: gitCommit(),
  }
}
