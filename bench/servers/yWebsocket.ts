import path from 'node:path'
import type { BenchTarget } from './BenchTarget'
import { spawnServer } from './serverProcess'

/**
 * The y-websocket 2.1.0 reference server (`y-websocket-v2/bin/server.cjs`, an npm alias),
 * with its LevelDB persistence (y-leveldb 0.1.0) enabled by YPERSISTENCE. It has no auth:
 * the document is named by the URL path.
 */
export const yWebsocketTarget: BenchTarget = {
  id: 'y-websocket',
  label: 'y-websocket 2.1.0 + LevelDB',
  persistence: 'LevelDB (y-leveldb 0.1.0), every update appended asynchronously',
  protocol: 'y-websocket',
  start: ({ port, dataDir, logDir }) =>
    spawnServer({
      nodeArgs: ['node_modules/y-websocket-v2/bin/server.cjs'],
      env: { PORT: String(port), HOST: '127.0.0.1', YPERSISTENCE: path.join(dataDir, 'leveldb') },
      port,
      logDir,
      readyPath: '/',
    }),
  async prepareBoards(server, count) {
    return Array.from({ length: count }, (_, i) => ({
      index: i,
      url: `ws://127.0.0.1:${server.port}/bench-board-${i}`,
      documentName: `bench-board-${i}`,
      token: '',
    }))
  },
}
