import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fabriqueTarget } from '../../bench/servers/fabrique'
import { freePort, type ServerProcess } from '../../bench/servers/serverProcess'
import type { BoardEndpoint } from '../../bench/workerMessages'
import { memory } from '../../bench/procStats'

/**
 * Fabrique's production build in a process of its own, on a fresh data directory, with
 * `env` added to its environment (default limits unless said). For the reliability scripts.
 */
export async function startFabrique(env: Record<string, string> = {}): Promise<{ server: ServerProcess; dataDir: string; boards: (n: number) => Promise<BoardEndpoint[]> }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fabrique-reliability-'))
  const dataDir = path.join(root, 'data')
  const saved = process.env.BENCH_FABRIQUE_ENV
  process.env.BENCH_FABRIQUE_ENV = JSON.stringify(env)
  const server = await fabriqueTarget.start({ port: await freePort(), dataDir, logDir: root })
  if (saved === undefined) delete process.env.BENCH_FABRIQUE_ENV
  else process.env.BENCH_FABRIQUE_ENV = saved
  return { server, dataDir, boards: (n) => fabriqueTarget.prepareBoards(server, n) }
}

/** Resident memory of a process, MiB. */
export function rssMiB(pid: number): number {
  return Math.round((memory(pid).rssKiB / 1024) * 10) / 10
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
