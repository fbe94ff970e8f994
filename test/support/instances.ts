import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import pg from 'pg'
import type { Cluster } from '../../server/cluster/Cluster'
import { RedisCluster } from '../../server/cluster/RedisCluster'
import { StorageOnlyCluster } from '../../server/cluster/StorageOnlyCluster'
import { loadConfig } from '../../server/config'
import { FabriqueServer } from '../../server/FabriqueServer'
import { createLogger } from '../../server/logger'
import { PostgresStorage } from '../../server/persistence/PostgresStorage'
import { postgresUrl, redisUrl } from './services'
import { makeDataDir } from './testServer'

/** A fresh PostgreSQL schema (its own tables), and how to drop it. */
export async function freshPostgresSchema(): Promise<{ schema: string; drop(): Promise<void> }> {
  const schema = `fabrique_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Pool({ connectionString: postgresUrl(), max: 1 })
  await admin.query(`CREATE SCHEMA ${schema}`)
  return {
    schema,
    async drop() {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      await admin.end()
    },
  }
}

/** One Fabrique instance of a test cluster, in this process. */
export interface TestInstance {
  server: FabriqueServer
  cluster: Cluster
  url: string
  wsUrl: string
  stop(): Promise<void>
}

export interface TestInstances {
  instances: TestInstance[]
  schema: string
  /** Redis channel prefix of this cluster (each test cluster its own). */
  prefix: string
  /** Starts one more instance on the same PostgreSQL schema and Redis. */
  add(): Promise<TestInstance>
  /** Stops every instance still running and drops the schema. */
  stop(): Promise<void>
}

/**
 * `n` Fabrique instances on port 0, each with its own PostgreSQL pool on one fresh schema and
 * its own Redis connections (a channel prefix of their own, so test clusters never hear each
 * other): what several processes behind a load balancer would be, minus the processes.
 */
export async function startInstances(n: number, options: { env?: Record<string, string>; redis?: string; withoutRedis?: boolean } = {}): Promise<TestInstances> {
  const { schema, drop } = await freshPostgresSchema()
  const prefix = `fabrique-test-${randomBytes(4).toString('hex')}:`
  const running = new Set<TestInstance>()
  let count = 0
  const add = async (): Promise<TestInstance> => {
    const index = count++
    const dataDir = makeDataDir()
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      LABS_PER_HOUR_PER_ADDRESS: '1000000',
      API_WRITES_PER_MINUTE_PER_ADDRESS: '1000000',
      CONNECTIONS_PER_MINUTE_PER_ADDRESS: '1000000',
      DATABASE_URL: postgresUrl(),
      ...(!options.withoutRedis && { REDIS_URL: options.redis ?? redisUrl() }),
      ...options.env,
    })
    const logger = createLogger(config.logLevel).child({ instance: index })
    const storage = await PostgresStorage.open(config.databaseUrl!, { schema, maxConnections: 4, applicationName: `fabrique-test-${index}` })
    let cluster: Cluster
    if (options.withoutRedis) cluster = new StorageOnlyCluster()
    else {
      const redis = new RedisCluster({ url: config.redisUrl!, logger, prefix, instanceId: `${prefix}${index}` })
      await redis.ready()
      cluster = redis
    }
    const server = new FabriqueServer({ config, logger, storage, cluster })
    const port = await server.listen()
    let stopped: Promise<void> | null = null
    const instance: TestInstance = {
      server,
      cluster,
      url: `http://127.0.0.1:${port}`,
      wsUrl: `ws://127.0.0.1:${port}/sync`,
      stop() {
        stopped ??= server.stop().finally(() => {
          running.delete(instance)
          fs.rmSync(dataDir, { recursive: true, force: true })
        })
        return stopped
      },
    }
    running.add(instance)
    return instance
  }
  const instances: TestInstance[] = []
  for (let i = 0; i < n; i++) instances.push(await add())
  return {
    instances,
    schema,
    prefix,
    add,
    async stop() {
      await Promise.all([...running].map((i) => i.stop()))
      await drop()
    },
  }
}
