import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { CONNECT_TRACE_PRELOAD, connectStagesEnabled, connectTraceFile } from '../connectStages'

/** A server under test, running in its own process. */
export interface ServerProcess {
  readonly pid: number
  readonly port: number
  readonly baseUrl: string
  /** Where its stdout and stderr go. */
  readonly logFile: string
  /** Resolves with the exit code (or signal) once the process is gone. */
  readonly exited: Promise<string>
  /** SIGTERM, then SIGKILL after `graceMs`. Resolves with how it ended and how long it took. */
  stop(graceMs?: number): Promise<{ how: string; ms: number }>
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

export interface SpawnOptions {
  /** Arguments of `node` (the current Node binary). */
  nodeArgs: string[]
  env: Record<string, string>
  port: number
  logDir: string
  /** A path answered over HTTP once the server is ready. */
  readyPath: string
  readyTimeoutMs?: number
}

/** Starts `node <nodeArgs>` and resolves once it answers HTTP on `readyPath`. */
export async function spawnServer(options: SpawnOptions): Promise<ServerProcess> {
  const logFile = path.join(options.logDir, 'server.log')
  const log = fs.openSync(logFile, 'a')
  // e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=.tmp/prof" to profile the server.
  const extra = process.env.BENCH_SERVER_NODE_ARGS?.trim().split(/\s+/).filter(Boolean) ?? []
  const trace = connectStagesEnabled()
  if (trace) extra.push('--require', CONNECT_TRACE_PRELOAD)
  const child: ChildProcess = spawn(process.execPath, [...extra, ...options.nodeArgs], {
    cwd: process.cwd(),
    env: { ...process.env, ...options.env, ...(trace && { BENCH_CONNECT_TRACE_FILE: connectTraceFile(options.logDir) }) },
    stdio: ['ignore', log, log],
  })
  fs.closeSync(log)
  if (child.pid === undefined) throw new Error(`could not start ${options.nodeArgs.join(' ')}`)
  const pid = child.pid
  let exitedHow: string | null = null
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      exitedHow = signal ? `signal ${signal}` : `exit code ${code}`
      resolve(exitedHow)
    })
  })
  const baseUrl = `http://127.0.0.1:${options.port}`
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000)
  for (;;) {
    if (exitedHow !== null) throw new Error(`server exited during start (${exitedHow}); see ${logFile}:\n${tail(logFile)}`)
    try {
      const res = await fetch(baseUrl + options.readyPath, { signal: AbortSignal.timeout(1000) })
      await res.arrayBuffer()
      break
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL')
        throw new Error(`server not ready after ${options.readyTimeoutMs ?? 30_000} ms; see ${logFile}:\n${tail(logFile)}`)
      }
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  return {
    pid,
    port: options.port,
    baseUrl,
    logFile,
    exited,
    async stop(graceMs = 15_000) {
      const started = Date.now()
      if (exitedHow === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => {
          if (exitedHow === null) child.kill('SIGKILL')
        }, graceMs)
        await exited
        clearTimeout(timer)
      }
      return { how: exitedHow ?? 'unknown', ms: Date.now() - started }
    },
  }
}

/** The last lines of a log file. */
export function tail(file: string, lines = 20): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n')
  } catch {
    return ''
  }
}
