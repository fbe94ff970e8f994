import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import type { BenchTarget } from './BenchTarget'
import { spawnServer } from './serverProcess'
import { tsEntryArgs } from './tsEntry'

export async function postJson<T>(url: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  })
  const text = await res.text()
  if (res.status !== 201) throw new Error(`POST ${url}: ${res.status} ${text}`)
  return JSON.parse(text) as T
}

/**
 * Fabrique's server as `npm start` runs it: bundled (`scripts/build-server.mjs`, with its
 * prebuilt board seeds) and started with plain node. Boards are created through the JSON API
 * in one lab; every client uses the lab's participant token.
 */
export async function productionArgs(): Promise<string[]> {
  execFileSync(process.execPath, ['scripts/build-server.mjs'], { stdio: 'inherit' })
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build-seeds.ts'], { stdio: 'inherit' })
  // Exactly the node arguments of `npm run serve`, so the bench measures what production runs.
  const serve: string = JSON.parse(fs.readFileSync('package.json', 'utf8')).scripts.serve
  const [command, ...args] = serve.trim().split(/\s+/)
  if (command !== 'node') throw new Error(`bench: expected "npm run serve" to start with node, got "${serve}"`)
  return args
}

/** Extra environment for Fabrique given by a caller (the reliability scripts test the defaults). */
function fabriqueEnvOverrides(): Record<string, string> {
  const raw = process.env.BENCH_FABRIQUE_ENV?.trim()
  return raw ? (JSON.parse(raw) as Record<string, string>) : {}
}

export const fabriqueTarget: BenchTarget = {
  id: 'fabrique',
  label: 'Fabrique',
  persistence: 'SQLite (better-sqlite3, WAL), every update stored before it is relayed',
  protocol: 'y-websocket',
  start: async ({ port, dataDir, logDir }) =>
    spawnServer({
      // BENCH_FABRIQUE_ENTRY: an alternative entry, to A/B a server change without editing server/.
      nodeArgs: process.env.BENCH_FABRIQUE_ENTRY?.trim() ? await tsEntryArgs(process.env.BENCH_FABRIQUE_ENTRY.trim()) : await productionArgs(),
      // Every client of the load comes from one address: the per-address connection limit is lifted.
      env: { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', CONNECTIONS_PER_MINUTE_PER_ADDRESS: '10000000', ...fabriqueEnvOverrides() },
      port,
      logDir,
      readyPath: '/healthz',
    }),
  async prepareBoards(server, count) {
    const lab = await postJson<{ id: string; tokens: { facilitator: string; participant: string } }>(`${server.baseUrl}/api/labs`, {
      title: 'Benchmark lab',
    })
    const boards = []
    for (let i = 0; i < count; i++) {
      const board = await postJson<{ id: string }>(`${server.baseUrl}/api/labs/${lab.id}/boards`, { title: `Board ${i + 1}` }, lab.tokens.facilitator)
      boards.push({
        index: i,
        url: `ws://127.0.0.1:${server.port}/sync/${board.id}?token=${encodeURIComponent(lab.tokens.participant)}`,
        documentName: board.id,
        token: lab.tokens.participant,
      })
    }
    return boards
  },
}
