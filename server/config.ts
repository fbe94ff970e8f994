import path from 'node:path'

/** Log levels, least to most severe. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/** Everything the server can be configured with. Read once, at start, from the environment. */
export interface Config {
  port: number
  host: string
  dataDir: string
  /** Public address of this server, used in share links (e.g. `https://fabrique.example.org`). */
  publicUrl: string | null
  tldrawLicenseKey: string | null
  logLevel: LogLevel
  /** Where the built client is served from. */
  staticDir: string
  /** Largest WebSocket message accepted, in bytes. */
  maxMessageBytes: number
  /** Largest image accepted on a board, in bytes. */
  maxAssetBytes: number
  /** A connection whose unsent data grows past this many bytes is closed (it resyncs). */
  sendBufferLimitBytes: number
  /** Interval of WebSocket pings; a connection that missed one pong is dropped. */
  pingIntervalMs: number
  /** How long an idle board stays in memory after its last connection left. */
  roomIdleMs: number
  /** Under load, boards' updates are stored and relayed together at most this often (group commit, see FlushScheduler); 0: at once. */
  flushWindowMs: number
  /** A board's update log is compacted once it holds this many rows. */
  compactAfterUpdates: number
  /** Largest board, in stored bytes; writes beyond are refused (close 4413), reading goes on. */
  maxBoardBytes: number
  /** Yjs client ids a board may hold (one per tab session that wrote); past it, new writers get 4413. */
  maxYjsClientsPerBoard: number
  /** Images a lab may store, in bytes. */
  maxLabAssetBytes: number
  /** Unsent bytes all connections may hold together; the costliest slow readers are closed first. */
  sendBudgetBytes: number
  /** Who may create labs: anyone, or whoever holds {@link Config.adminSecret}. */
  labCreation: 'open' | 'secret'
  adminSecret: string | null
  /** Labs one address may create per hour. */
  labsPerHourPerAddress: number
  /** API writes (POST, PATCH, PUT, DELETE) one address may make per minute. */
  apiWritesPerMinutePerAddress: number
  /** WebSocket connections one address may open per minute. */
  connectionsPerMinutePerAddress: number
  /** Whether the client address is read from `X-Forwarded-For` (behind a reverse proxy). */
  trustProxy: boolean
  /** Images no board refers to are deleted once this old, when their board leaves memory. */
  assetGraceMs: number
  /** Lines of one kind of warning or error logged per minute; the rest are counted in a summary. */
  logRepeatsPerMinute: number
  /** How long a sync ticket (`POST /api/boards/:boardId/tickets`) may wait before it is used. */
  syncTicketTtlMs: number
  /** A board's automatic checkpoint is taken once its edits have stopped this long. */
  checkpointIdleMs: number
  /** Deleted records stay in a board's bin (to be put back) this many days. */
  binRetentionDays: number
  /** PostgreSQL instead of SQLite (`postgres://…`): what several instances share. */
  databaseUrl: string | null
  /** Connections each instance keeps open to PostgreSQL. */
  databasePoolSize: number
  /** Redis (`redis://…`): how instances on one PostgreSQL tell each other about edits and presence. */
  redisUrl: string | null
  /** A board waits this long for a missing update from another instance before reading it from PostgreSQL. */
  clusterGapMs: number
  /** Each open board reads PostgreSQL this often anyway, in case an update from another instance was lost. */
  clusterPollMs: number
}

/** A bad configuration value: the message says which variable and why. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

type Env = Record<string, string | undefined>

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw.trim() === '') return fallback
  // Decimal digits only: Number() would also take "1e3" or "0x50" for a port.
  const value = /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`)
  }
  return value
}

function optionalString(env: Env, name: string): string | null {
  const raw = env[name]?.trim()
  return raw ? raw : null
}

/**
 * Reads and validates the configuration. Throws a {@link ConfigError} naming the variable on
 * a bad value, so a typo fails at start rather than in the middle of a workshop.
 */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const logLevel = (env.LOG_LEVEL?.trim() || 'info') as LogLevel
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`)
  }
  const publicUrl = optionalString(env, 'PUBLIC_URL')
  if (publicUrl !== null) {
    let parsed: URL
    try {
      parsed = new URL(publicUrl)
    } catch {
      throw new ConfigError(`PUBLIC_URL must be an absolute http(s) URL, got "${publicUrl}"`)
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new ConfigError(`PUBLIC_URL must start with http:// or https://, got "${publicUrl}"`)
    }
  }
  const labCreation = (env.LAB_CREATION?.trim() || 'open') as Config['labCreation']
  if (labCreation !== 'open' && labCreation !== 'secret') throw new ConfigError(`LAB_CREATION must be "open" or "secret", got "${env.LAB_CREATION}"`)
  const adminSecret = optionalString(env, 'ADMIN_SECRET')
  if (labCreation === 'secret' && (!adminSecret || adminSecret.length < 16)) {
    throw new ConfigError('LAB_CREATION=secret needs ADMIN_SECRET, at least 16 characters (e.g. `openssl rand -base64 24`)')
  }
  const trustProxy = env.TRUST_PROXY?.trim() || '0'
  if (trustProxy !== '0' && trustProxy !== '1') throw new ConfigError(`TRUST_PROXY must be 0 or 1, got "${env.TRUST_PROXY}"`)
  const databaseUrl = optionalString(env, 'DATABASE_URL')
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL')
  const redisUrl = optionalString(env, 'REDIS_URL')
  if (redisUrl !== null && !/^rediss?:\/\//.test(redisUrl)) throw new ConfigError('REDIS_URL must be a redis:// or rediss:// URL')
  if (redisUrl !== null && databaseUrl === null) {
    throw new ConfigError('REDIS_URL needs DATABASE_URL: instances share their boards through PostgreSQL (SQLite is for one instance)')
  }
  const host = env.HOST?.trim() || 'localhost'
  if (/\s/.test(host)) throw new ConfigError(`HOST must be a host name or address, got "${env.HOST}"`)
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host,
    dataDir: path.resolve(cwd, env.DATA_DIR?.trim() || 'data'),
    publicUrl: publicUrl?.replace(/\/+$/, '') ?? null,
    tldrawLicenseKey: optionalString(env, 'TLDRAW_LICENSE_KEY'),
    logLevel,
    staticDir: path.resolve(cwd, env.STATIC_DIR?.trim() || 'dist/client'),
    maxMessageBytes: integer(env, 'MAX_MESSAGE_BYTES', 2 * 1024 * 1024, 1024, 512 * 1024 * 1024),
    maxAssetBytes: integer(env, 'MAX_ASSET_BYTES', 10 * 1024 * 1024, 1024, 512 * 1024 * 1024),
    sendBufferLimitBytes: integer(env, 'SEND_BUFFER_LIMIT_BYTES', 32 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),
    pingIntervalMs: integer(env, 'PING_INTERVAL_MS', 30_000, 100, 3_600_000),
    roomIdleMs: integer(env, 'ROOM_IDLE_MS', 30_000, 0, 86_400_000),
    flushWindowMs: integer(env, 'FLUSH_WINDOW_MS', 16, 0, 1000),
    compactAfterUpdates: integer(env, 'COMPACT_AFTER_UPDATES', 500, 2, 10_000_000),
    maxBoardBytes: integer(env, 'MAX_BOARD_BYTES', 64 * 1024 * 1024, 64 * 1024, 4 * 1024 * 1024 * 1024),
    maxYjsClientsPerBoard: integer(env, 'MAX_YJS_CLIENTS_PER_BOARD', 20_000, 100, 10_000_000),
    maxLabAssetBytes: integer(env, 'MAX_LAB_ASSET_BYTES', 512 * 1024 * 1024, 0, 1024 * 1024 * 1024 * 1024),
    sendBudgetBytes: integer(env, 'SEND_BUDGET_BYTES', 256 * 1024 * 1024, 1024 * 1024, 64 * 1024 * 1024 * 1024),
    labCreation,
    adminSecret,
    labsPerHourPerAddress: integer(env, 'LABS_PER_HOUR_PER_ADDRESS', 20, 1, 1_000_000),
    apiWritesPerMinutePerAddress: integer(env, 'API_WRITES_PER_MINUTE_PER_ADDRESS', 300, 1, 10_000_000),
    connectionsPerMinutePerAddress: integer(env, 'CONNECTIONS_PER_MINUTE_PER_ADDRESS', 120, 1, 10_000_000),
    trustProxy: trustProxy === '1',
    assetGraceMs: integer(env, 'ASSET_GRACE_HOURS', 24, 0, 24 * 365) * 3_600_000,
    logRepeatsPerMinute: integer(env, 'LOG_REPEATS_PER_MINUTE', 10, 1, 1_000_000),
    syncTicketTtlMs: integer(env, 'SYNC_TICKET_TTL_MS', 60_000, 1, 3_600_000),
    checkpointIdleMs: integer(env, 'CHECKPOINT_IDLE_MS', 10 * 60_000, 1, 86_400_000),
    binRetentionDays: integer(env, 'BIN_RETENTION_DAYS', 30, 1, 3650),
    databaseUrl,
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 1000),
    redisUrl,
    clusterGapMs: integer(env, 'CLUSTER_GAP_MS', 500, 10, 60_000),
    clusterPollMs: integer(env, 'CLUSTER_POLL_MS', 10_000, 100, 3_600_000),
  }
}
