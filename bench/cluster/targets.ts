import type { ProtocolKind } from '../protocols/WireProtocol'
import { postJson, productionArgs } from '../servers/fabrique'
import { spawnServer, type ServerProcess } from '../servers/serverProcess'
import { tsEntryArgs } from '../servers/tsEntry'
import type { BoardEndpoint } from '../workerMessages'

/** What one run of a cluster target gets: its own PostgreSQL schema and Redis prefix. */
export interface ClusterRunContext {
  /** `postgres://…?options=-c search_path=<schema>`: a fresh, empty schema of its own. */
  databaseUrl: string
  redisUrl: string
  /** Channels and keys of this run in Redis start with it. */
  redisPrefix: string
  /** The run's own directory (per-instance data and logs go under it). */
  root: string
}

/** One kind of server, run as `instances` processes sharing PostgreSQL and Redis. */
export interface ClusterTarget {
  /** e.g. `fabrique-x3` */
  id: string
  label: string
  /** What it stores to, and how instances talk, as shown in the report. */
  persistence: string
  protocol: ProtocolKind
  instances: number
  /** Tables the schema needs before the instances start (Fabrique migrates its own). */
  schemaSql?: string
  /** Once per bench (e.g. the production build): the node arguments of an instance. */
  nodeArgs(): Promise<string[]>
  /** Starts instance `index` on `port`; it is ready once it answers HTTP. */
  startInstance(options: { nodeArgs: string[]; index: number; port: number; dataDir: string; logDir: string; context: ClusterRunContext }): Promise<ServerProcess>
  /** Creates (or names) `count` boards; client `slot` of a board opens `urls[slot % urls.length]`. */
  prepareBoards(servers: ServerProcess[], count: number): Promise<BoardEndpoint[]>
}

/**
 * Board `b`'s clients, spread round-robin over the instances starting at instance `b % n`:
 * its 3 writers sit on 3 different instances, and every write must cross instances to reach
 * most of its readers (the worst case for fan-out).
 */
export function spreadUrls(urls: string[], board: number): string[] {
  const n = urls.length
  return Array.from({ length: n }, (_, k) => urls[(board + k) % n]!)
}

function envOverrides(name: string): Record<string, string> {
  const raw = process.env[name]?.trim()
  return raw ? (JSON.parse(raw) as Record<string, string>) : {}
}

/** Built once for both Fabrique targets. */
let fabriqueArgs: Promise<string[]> | null = null

function fabrique(instances: number): ClusterTarget {
  return {
    id: `fabrique-x${instances}`,
    label: `Fabrique ×${instances}`,
    persistence: 'PostgreSQL (every update stored before it is relayed) + Redis pub/sub between instances',
    protocol: 'y-websocket',
    instances,
    // BENCH_FABRIQUE_ENTRY: another entry (e.g. bench/cluster/fabriqueDiagEntry.ts, which counts catch-ups).
    nodeArgs: () =>
      (fabriqueArgs ??= process.env.BENCH_FABRIQUE_ENTRY?.trim() ? tsEntryArgs(process.env.BENCH_FABRIQUE_ENTRY.trim()) : productionArgs()),
    startInstance: ({ nodeArgs, port, dataDir, logDir, context }) =>
      spawnServer({
        nodeArgs,
        env: {
          PORT: String(port),
          HOST: '127.0.0.1',
          DATA_DIR: dataDir,
          LOG_LEVEL: 'warn',
          // Every client of the load comes from one address: the per-address limits are lifted.
          CONNECTIONS_PER_MINUTE_PER_ADDRESS: '10000000',
          API_WRITES_PER_MINUTE_PER_ADDRESS: '10000000',
          DATABASE_URL: context.databaseUrl,
          REDIS_URL: context.redisUrl,
          ...envOverrides('BENCH_FABRIQUE_ENV'),
        },
        port,
        logDir,
        readyPath: '/healthz',
      }),
    async prepareBoards(servers, count) {
      const first = servers[0]!
      const lab = await postJson<{ id: string; tokens: { facilitator: string; participant: string } }>(`${first.baseUrl}/api/labs`, {
        title: 'Benchmark lab',
      })
      const boards: BoardEndpoint[] = []
      for (let i = 0; i < count; i++) {
        const board = await postJson<{ id: string }>(`${first.baseUrl}/api/labs/${lab.id}/boards`, { title: `Board ${i + 1}` }, lab.tokens.facilitator)
        const urls = servers.map((s) => `ws://127.0.0.1:${s.port}/sync/${board.id}?token=${encodeURIComponent(lab.tokens.participant)}`)
        boards.push({ index: i, url: urls[0]!, urls: spreadUrls(urls, i), documentName: board.id, token: lab.tokens.participant })
      }
      return boards
    },
  }
}

let hocuspocusArgs: Promise<string[]> | null = null

function hocuspocus(instances: number): ClusterTarget {
  return {
    id: `hocuspocus-x${instances}`,
    label: `Hocuspocus 3.4.4 ×${instances}`,
    persistence:
      '@hocuspocus/extension-database into PostgreSQL (whole document, 2 s debounce, 10 s max) + @hocuspocus/extension-redis 3.4.4 between instances',
    protocol: 'hocuspocus',
    instances,
    schemaSql: 'CREATE TABLE hocuspocus_documents (name text PRIMARY KEY, data bytea NOT NULL, updated_at timestamptz NOT NULL)',
    nodeArgs: () => (hocuspocusArgs ??= tsEntryArgs('bench/cluster/hocuspocusClusterServer.ts')),
    startInstance: ({ nodeArgs, index, port, logDir, context }) =>
      spawnServer({
        nodeArgs,
        env: {
          PORT: String(port),
          HOST: '127.0.0.1',
          DATABASE_URL: context.databaseUrl,
          REDIS_URL: context.redisUrl,
          REDIS_PREFIX: context.redisPrefix,
          INSTANCE_ID: `bench-${index}-${process.pid}`,
          ...envOverrides('BENCH_HOCUSPOCUS_ENV'),
        },
        port,
        logDir,
        readyPath: '/',
      }),
    async prepareBoards(servers, count) {
      const urls = servers.map((s) => `ws://127.0.0.1:${s.port}/`)
      return Array.from({ length: count }, (_, i) => ({
        index: i,
        url: urls[0]!,
        urls: spreadUrls(urls, i),
        documentName: `bench-board-${i}`,
        token: 'bench-token',
      }))
    },
  }
}

export const CLUSTER_TARGETS: ClusterTarget[] = [fabrique(1), fabrique(3), hocuspocus(1), hocuspocus(3)]
