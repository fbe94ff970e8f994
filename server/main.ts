import { ConfigError, loadConfig } from './config'
import { FabriqueServer } from './FabriqueServer'
import { createLogger, withoutPassword } from './logger'
import type { Cluster } from './cluster/Cluster'
import type { Storage } from './persistence/Storage'


let config
try {
  config = loadConfig()
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`Fabrique: invalid configuration: ${err.message}\n`)
    process.exit(2)
  }
  throw err
}
const logger = createLogger(config.logLevel, undefined, { repeatsPerMinute: config.logRepeatsPerMinute })
// PostgreSQL and Redis are loaded only when configured: one instance on SQLite needs neither.
let storage: Storage | undefined
if (config.databaseUrl) {
  try {
    const { PostgresStorage } = await import('./persistence/PostgresStorage')
    storage = await PostgresStorage.open(config.databaseUrl, { maxConnections: config.databasePoolSize, logger })
  } catch (err) {
    process.stderr.write(`Fabrique: cannot use PostgreSQL at ${withoutPassword(config.databaseUrl)}: ${(err as Error).message}\n`)
    process.exit(2)
  }
}
let cluster: Cluster | undefined
if (config.redisUrl) {
  const { RedisCluster } = await import('./cluster/RedisCluster')
  cluster = new RedisCluster({ url: config.redisUrl, logger })
} else if (config.databaseUrl) {
  // One instance on PostgreSQL; should others share it without Redis, boards still converge
  // through storage and compaction never drops a row another instance wrote.
  const { StorageOnlyCluster } = await import('./cluster/StorageOnlyCluster')
  cluster = new StorageOnlyCluster()
  logger.info('DATABASE_URL without REDIS_URL: fine for one instance; several instances on this database need REDIS_URL (without it, their edits reach each other only every CLUSTER_POLL_MS and secrets replaced or boards deleted elsewhere do not close connections here)')
}
const server = new FabriqueServer({ config, logger, ...(storage && { storage }), ...(cluster && { cluster }) })
const port = await server.listen()
const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host
logger.info('Fabrique is listening', {
  url: `http://${shown}:${port}`,
  storage: config.databaseUrl ? `PostgreSQL ${withoutPassword(config.databaseUrl)}` : `SQLite in ${config.dataDir}`,
  ...(config.redisUrl && cluster && { instance: cluster.instanceId, redis: withoutPassword(config.redisUrl) }),
})

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    logger.info('stopping', { signal })
    server.stop().then(
      () => process.exit(0),
      (err) => {
        logger.error('stop failed', { err })
        process.exit(1)
      },
    )
  })
}

// A server only ends on a signal: say so if it ever runs out of work instead.
process.on('beforeExit', (code) => logger.error('nothing left to do: the server is exiting', { code }))
