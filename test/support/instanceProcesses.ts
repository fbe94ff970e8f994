import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { freeTcpPort } from './redisServer'
import { postgresUrl, redisUrl } from './services'
import { makeDataDir } from './testServer'

/** The repository's root (where `server/main.ts` and `node_modules` are). */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** A Fabrique instance running as its own process: `node --import tsx server/main.ts`. */
export interface InstanceProcess {
  readonly pid: number
  readonly port: number
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  /** `ws://127.0.0.1:<port>/sync` */
  readonly wsUrl: string
  /** Resolves once the process is gone, with how it ended (`exit code 0`, `signal SIGKILL`). */
  readonly exited: Promise<string>
  /** What it wrote to stdout and stderr so far (the last 64 KiB). */
  output(): string
  /** SIGKILL: the process dies at once, as in a crash or an OOM kill. Resolves once it is gone. */
  kill9(): Promise<string>
  /** SIGTERM (a graceful stop), then SIGKILL after `graceMs`. Resolves once it is gone. */
  stop(graceMs?: number): Promise<string>
}

export interface InstanceProcessOptions {
  /** The PostgreSQL schema the instance keeps its tables in (e.g. from `freshPostgresSchema()`). */
  schema: string
  /** Default: the machine's Redis (`redisUrl()`). */
  redis?: string
  /** More environment (overrides the defaults below). */
  env?: Record<string, string>
  readyTimeoutMs?: number
}

/** Bytes of output kept per process. */
const OUTPUT_KEPT = 64 * 1024

/** Every child still running: killed if this process exits first, so none outlives the tests. */
const running = new Set<ChildProcess>()
let exitHookInstalled = false
function killOnExit(child: ChildProcess): void {
  running.add(child)
  child.once('exit', () => running.delete(child))
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const c of running) c.kill('SIGKILL')
  })
}

/**
 * `DATABASE_URL` for a schema of PostgreSQL: libpq's `options` parameter sets the
 * connections' `search_path` (node-postgres reads it from the URL too).
 */
export function databaseUrlFor(schema: string): string {
  const base = postgresUrl()
  return `${base}${base.includes('?') ? '&' : '?'}options=-c%20search_path%3D${schema}`
}

/**
 * Starts a Fabrique instance from source as a real child process, on a free port of
 * 127.0.0.1, on PostgreSQL (`schema`) and Redis, with the per-address limits lifted (every
 * test client comes from 127.0.0.1) and `CLUSTER_POLL_MS=500`. Resolves once `GET /healthz`
 * answers; rejects with its output if it exits or does not answer in time.
 */
export async function startInstanceProcess(options: InstanceProcessOptions): Promise<InstanceProcess> {
  const port = await freeTcpPort()
  const dataDir = makeDataDir()
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    LABS_PER_HOUR_PER_ADDRESS: '1000000',
    API_WRITES_PER_MINUTE_PER_ADDRESS: '1000000',
    CONNECTIONS_PER_MINUTE_PER_ADDRESS: '1000000',
    DATABASE_URL: databaseUrlFor(options.schema),
    REDIS_URL: options.redis ?? redisUrl(),
    CLUSTER_POLL_MS: '500',
    ...options.env,
  }
  // Vitest's own variables would make the child think it runs inside a test.
  for (const name of Object.keys(env)) if (name.startsWith('VITEST')) delete env[name]
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  if (child.pid === undefined) throw new Error('could not start node --import tsx server/main.ts')
  killOnExit(child)
  const pid = child.pid
  let output = ''
  const keep = (chunk: Buffer) => {
    output += chunk.toString('utf8')
    if (output.length > OUTPUT_KEPT) output = output.slice(-OUTPUT_KEPT)
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  let how: string | null = null
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      how = signal ? `signal ${signal}` : `exit code ${code}`
      fs.rmSync(dataDir, { recursive: true, force: true })
      resolve(how)
    })
  })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000)
  for (;;) {
    if (how !== null) throw new Error(`Fabrique instance (pid ${pid}) exited while starting (${how}):\n${output}`)
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) })
      await res.arrayBuffer()
      if (res.ok) break
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      await exited
      throw new Error(`Fabrique instance (pid ${pid}) did not answer /healthz within ${options.readyTimeoutMs ?? 30_000} ms:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  const signal = (name: NodeJS.Signals) => {
    if (how === null) child.kill(name)
  }
  return {
    pid,
    port,
    url,
    wsUrl: `ws://127.0.0.1:${port}/sync`,
    exited,
    output: () => output,
    kill9() {
      signal('SIGKILL')
      return exited
    },
    async stop(graceMs = 15_000) {
      signal('SIGTERM')
      const timer = setTimeout(() => signal('SIGKILL'), graceMs)
      try {
        return await exited
      } finally {
        clearTimeout(timer)
      }
    },
  }
}

/** `n` instances on the same schema, started together. */
export function startInstanceProcesses(n: number, options: InstanceProcessOptions): Promise<InstanceProcess[]> {
  return Promise.all(Array.from({ length: n }, () => startInstanceProcess(options)))
}
