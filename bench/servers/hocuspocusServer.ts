import { SQLite } from '@hocuspocus/extension-sqlite'
import { Server } from '@hocuspocus/server'

/**
 * Hocuspocus 3.x as the benchmark runs it: its SQLite extension on a file database, every
 * token accepted, defaults otherwise (2 s store debounce, 10 s max). Env: PORT, HOST,
 * HOCUSPOCUS_DB (the database file).
 */
const port = Number(process.env.PORT ?? 1234)
const address = process.env.HOST ?? '127.0.0.1'
const database = process.env.HOCUSPOCUS_DB
if (!database) {
  process.stderr.write('HOCUSPOCUS_DB must name the SQLite database file\n')
  process.exit(2)
}

const server = new Server({
  port,
  address,
  quiet: true,
  // SIGINT / SIGTERM: store and unload every document, then exit.
  stopOnSignals: true,
  extensions: [new SQLite({ database })],
  async onAuthenticate() {
    // Any token is accepted: the benchmark measures sync, not auth.
    return {}
  },
})
await server.listen()
