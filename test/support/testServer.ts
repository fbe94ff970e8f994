import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadConfig, type Config } from '../../server/config'
import { FabriqueServer } from '../../server/FabriqueServer'
import { createLogger } from '../../server/logger'
import { SqliteStorage } from '../../server/persistence/SqliteStorage'
import type { Storage } from '../../server/persistence/Storage'
import type { CreatedLab, Board } from '../../shared/lab'

/** A real Fabrique server on port 0 with its own temporary data directory. */
export interface TestServer {
  server: FabriqueServer
  port: number
  url: string
  wsUrl: string
  dataDir: string
  config: Config
  stop(): Promise<void>
  /** Stops this server and starts a new one on the same data directory. */
  restart(): Promise<TestServer>
}

export function makeDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'fabrique-test-'))
}

export interface StartServerOptions {
  /** Wraps the server's SQLite storage (e.g. to hold or fail writes); called at each start. */
  wrapStorage?: (storage: Storage) => Storage
}

export async function startServer(env: Record<string, string> = {}, dataDir = makeDataDir(), options: StartServerOptions = {}): Promise<TestServer> {
  // Every test talks from 127.0.0.1: per-address limits are high unless a test sets them.
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    LABS_PER_HOUR_PER_ADDRESS: '1000000',
    API_WRITES_PER_MINUTE_PER_ADDRESS: '1000000',
    CONNECTIONS_PER_MINUTE_PER_ADDRESS: '1000000',
    ...env,
  })
  const storage = options.wrapStorage?.(new SqliteStorage(path.join(dataDir, 'fabrique.db')))
  const server = new FabriqueServer({ config, logger: createLogger(config.logLevel), ...(storage && { storage }) })
  const port = await server.listen()
  const self: TestServer = {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/sync`,
    dataDir,
    config,
    stop: () => server.stop(),
    async restart() {
      await server.stop()
      return startServer(env, dataDir, options)
    },
  }
  return self
}

/** JSON request helper: returns status and parsed body. */
export async function api<T = any>(base: string, method: string, pathname: string, body?: unknown, token?: string): Promise<{ status: number; body: T }> {
  const res = await fetch(base + pathname, {
    method,
    headers: {
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(token && { authorization: `Bearer ${token}` }),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

/** Creates a lab and one board in it through the API. */
export async function createLabAndBoard(base: string, boardBody: Record<string, unknown> = { title: 'Atelier' }): Promise<{ lab: CreatedLab; board: Board }> {
  const lab = await api<CreatedLab>(base, 'POST', '/api/labs', { title: 'Labo test' })
  if (lab.status !== 201) throw new Error(`create lab: ${lab.status}`)
  const board = await api<Board>(base, 'POST', `/api/labs/${lab.body.id}/boards`, boardBody, lab.body.tokens.facilitator)
  if (board.status !== 201) throw new Error(`create board: ${board.status} ${JSON.stringify(board.body)}`)
  return { lab: lab.body, board: board.body }
}
