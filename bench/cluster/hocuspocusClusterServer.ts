import { Database } from '@hocuspocus/extension-database'
import { Redis } from '@hocuspocus/extension-redis'
import { Server } from '@hocuspocus/server'
import pg from 'pg'

/**
 * One Hocuspocus 3.x instance as a multi-instance deployment runs it (bench/cluster): the
 * Redis extension relays updates and awareness between instances, and the Database extension
 * keeps each document in PostgreSQL — the store every instance shares, so an instance that
 * loads a board later gets what the others stored. Defaults otherwise (store on a 2 s
 * debounce, 10 s max; the Redis extension's lock lets one instance store a document at a
 * time). Every token is accepted.
 *
 * Env: PORT, HOST, DATABASE_URL (its `options=-c search_path=…` names the schema, where the
 * table `hocuspocus_documents` must exist), REDIS_URL, REDIS_PREFIX (channel and key prefix),
 * INSTANCE_ID, DATABASE_POOL_SIZE (default 10, as Fabrique's).
 */
const port = Number(process.env.PORT ?? 1234)
const address = process.env.HOST ?? '127.0.0.1'
const databaseUrl = process.env.DATABASE_URL
const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
if (!databaseUrl) {
  process.stderr.write('DATABASE_URL must name the PostgreSQL database (and schema)\n')
  process.exit(2)
}

const pool = new pg.Pool({ connectionString: databaseUrl, max: Number(process.env.DATABASE_POOL_SIZE ?? 10), application_name: 'hocuspocus-bench' })
pool.on('error', (err) => process.stderr.write(`PostgreSQL pool: ${err.message}\n`))

const server = new Server({
  port,
  address,
  quiet: true,
  // SIGINT / SIGTERM: store and unload every document, then exit.
  stopOnSignals: true,
  extensions: [
    new Redis({
      host: redisUrl.hostname,
      port: Number(redisUrl.port || 6379),
      prefix: process.env.REDIS_PREFIX ?? 'hocuspocus',
      ...(process.env.INSTANCE_ID ? { identifier: process.env.INSTANCE_ID } : {}),
    }),
    new Database({
      async fetch({ documentName }) {
        const { rows } = await pool.query<{ data: Buffer }>('SELECT data FROM hocuspocus_documents WHERE name = $1', [documentName])
        return rows[0] ? new Uint8Array(rows[0].data) : null
      },
      async store({ documentName, state }) {
        await pool.query(
          `INSERT INTO hocuspocus_documents (name, data, updated_at) VALUES ($1, $2, now())
           ON CONFLICT (name) DO UPDATE SET data = EXCLUDED.data, updated_at = EXCLUDED.updated_at`,
          [documentName, state],
        )
      },
    }),
  ],
  async onAuthenticate() {
    // Any token is accepted: the benchmark measures sync, not auth.
    return {}
  },
})
await server.listen()
