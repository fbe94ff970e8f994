import path from 'node:path'
import type { BenchTarget } from './BenchTarget'
import { spawnServer } from './serverProcess'
import { tsEntryArgs } from './tsEntry'

/**
 * Hocuspocus 3.4.4 with its SQLite extension (bench/servers/hocuspocusServer.ts). Documents
 * are named inside the protocol; the token is checked by an `onAuthenticate` that accepts
 * anything.
 */
export const hocuspocusTarget: BenchTarget = {
  id: 'hocuspocus',
  label: 'Hocuspocus 3.4.4 + SQLite',
  persistence: 'SQLite (@hocuspocus/extension-sqlite, sqlite3), whole document on a 2 s debounce (max 10 s)',
  protocol: 'hocuspocus',
  start: async ({ port, dataDir, logDir }) =>
    spawnServer({
      nodeArgs: await tsEntryArgs('bench/servers/hocuspocusServer.ts'),
      env: { PORT: String(port), HOST: '127.0.0.1', HOCUSPOCUS_DB: path.join(dataDir, 'hocuspocus.sqlite') },
      port,
      logDir,
      readyPath: '/',
    }),
  async prepareBoards(server, count) {
    return Array.from({ length: count }, (_, i) => ({
      index: i,
      url: `ws://127.0.0.1:${server.port}/`,
      documentName: `bench-board-${i}`,
      token: 'bench-token',
    }))
  },
}
