import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../server/config'

const cwd = '/srv/fabrique'

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, cwd)
  } catch (err) {
    if (err instanceof ConfigError) return err
    throw err
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`)
}

describe('loadConfig', () => {
  it('has defaults for everything, with paths resolved against the working directory', () => {
    expect(loadConfig({}, cwd)).toEqual({
      port: 3000,
      host: 'localhost',
      dataDir: path.resolve(cwd, 'data'),
      publicUrl: null,
      tldrawLicenseKey: null,
      logLevel: 'info',
      staticDir: path.resolve(cwd, 'dist/client'),
      maxMessageBytes: 2 * 1024 * 1024,
      maxAssetBytes: 10 * 1024 * 1024,
      sendBufferLimitBytes: 32 * 1024 * 1024,
      pingIntervalMs: 30_000,
      roomIdleMs: 30_000,
      flushWindowMs: 16,
      compactAfterUpdates: 500,
      maxBoardBytes: 64 * 1024 * 1024,
      maxYjsClientsPerBoard: 20_000,
      maxLabAssetBytes: 512 * 1024 * 1024,
      sendBudgetBytes: 256 * 1024 * 1024,
      labCreation: 'open',
      adminSecret: null,
      labsPerHourPerAddress: 20,
      apiWritesPerMinutePerAddress: 300,
      connectionsPerMinutePerAddress: 120,
      trustProxy: false,
      assetGraceMs: 24 * 3_600_000,
      logRepeatsPerMinute: 10,
      syncTicketTtlMs: 60_000,
      checkpointIdleMs: 600_000,
      binRetentionDays: 30,
      databaseUrl: null,
      databasePoolSize: 10,
      redisUrl: null,
      clusterGapMs: 500,
      clusterPollMs: 10_000,
    })
  })

  it('treats empty and blank variables as unset', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: '  ', PUBLIC_URL: ' ', TLDRAW_LICENSE_KEY: '', DATA_DIR: ' ', MAX_MESSAGE_BYTES: '' }, cwd)).toEqual(loadConfig({}, cwd))
  })

  it('reads every variable', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        HOST: '0.0.0.0',
        DATA_DIR: '/var/lib/fabrique',
        PUBLIC_URL: 'https://fabrique.example.org/',
        TLDRAW_LICENSE_KEY: ' key ',
        LOG_LEVEL: 'debug',
        STATIC_DIR: 'public',
        MAX_MESSAGE_BYTES: '2048',
        MAX_ASSET_BYTES: '4096',
        SEND_BUFFER_LIMIT_BYTES: '65536',
        PING_INTERVAL_MS: '100',
        ROOM_IDLE_MS: '0',
        FLUSH_WINDOW_MS: '0',
        COMPACT_AFTER_UPDATES: '2',
        MAX_BOARD_BYTES: '1048576',
        MAX_YJS_CLIENTS_PER_BOARD: '500',
        MAX_LAB_ASSET_BYTES: '0',
        SEND_BUDGET_BYTES: '2097152',
        LAB_CREATION: 'secret',
        ADMIN_SECRET: 'a-long-admin-secret',
        LABS_PER_HOUR_PER_ADDRESS: '3',
        API_WRITES_PER_MINUTE_PER_ADDRESS: '60',
        CONNECTIONS_PER_MINUTE_PER_ADDRESS: '30',
        TRUST_PROXY: '1',
        ASSET_GRACE_HOURS: '2',
        LOG_REPEATS_PER_MINUTE: '5',
        SYNC_TICKET_TTL_MS: '250',
        CHECKPOINT_IDLE_MS: '5000',
        BIN_RETENTION_DAYS: '90',
        DATABASE_URL: 'postgres://fabrique@db:5432/fabrique',
        DATABASE_POOL_SIZE: '4',
        REDIS_URL: 'redis://cache:6379',
        CLUSTER_GAP_MS: '200',
        CLUSTER_POLL_MS: '5000',
      },
      cwd,
    )
    expect(config).toEqual({
      port: 8080,
      host: '0.0.0.0',
      dataDir: '/var/lib/fabrique',
      publicUrl: 'https://fabrique.example.org',
      tldrawLicenseKey: 'key',
      logLevel: 'debug',
      staticDir: path.resolve(cwd, 'public'),
      maxMessageBytes: 2048,
      maxAssetBytes: 4096,
      sendBufferLimitBytes: 65536,
      pingIntervalMs: 100,
      roomIdleMs: 0,
      flushWindowMs: 0,
      compactAfterUpdates: 2,
      maxBoardBytes: 1048576,
      maxYjsClientsPerBoard: 500,
      maxLabAssetBytes: 0,
      sendBudgetBytes: 2097152,
      labCreation: 'secret',
      adminSecret: 'a-long-admin-secret',
      labsPerHourPerAddress: 3,
      apiWritesPerMinutePerAddress: 60,
      connectionsPerMinutePerAddress: 30,
      trustProxy: true,
      assetGraceMs: 2 * 3_600_000,
      logRepeatsPerMinute: 5,
      syncTicketTtlMs: 250,
      checkpointIdleMs: 5000,
      binRetentionDays: 90,
      databaseUrl: 'postgres://fabrique@db:5432/fabrique',
      databasePoolSize: 4,
      redisUrl: 'redis://cache:6379',
      clusterGapMs: 200,
      clusterPollMs: 5000,
    })
  })

  it('refuses LAB_CREATION=secret without an ADMIN_SECRET of at least 16 characters, and other LAB_CREATION or TRUST_PROXY values', () => {
    expect(configError({ LAB_CREATION: 'secret' }).message).toMatch(/ADMIN_SECRET/)
    expect(configError({ LAB_CREATION: 'secret', ADMIN_SECRET: 'short' }).message).toMatch(/at least 16/)
    expect(configError({ LAB_CREATION: 'closed' }).message).toMatch(/^LAB_CREATION /)
    expect(configError({ TRUST_PROXY: 'yes' }).message).toMatch(/^TRUST_PROXY /)
  })

  it('refuses a CHECKPOINT_IDLE_MS or BIN_RETENTION_DAYS that is not a positive integer in range, naming the variable', () => {
    for (const value of ['0', '-5', 'dix', '86400001']) expect(configError({ CHECKPOINT_IDLE_MS: value }).message).toMatch(/^CHECKPOINT_IDLE_MS /)
    for (const value of ['0', '3651', '1.5']) expect(configError({ BIN_RETENTION_DAYS: value }).message).toMatch(/^BIN_RETENTION_DAYS /)
  })

  it.each(['abc', '-1', '65536', '80.5', '1e3', '0x50', '80 80', '3000abc'])('refuses PORT=%j, naming the variable', (value) => {
    const err = configError({ PORT: value })
    expect(err.message).toMatch(/^PORT /)
    expect(err.message).toContain(JSON.stringify(value))
  })

  it('refuses a DATABASE_URL or REDIS_URL of another kind, and REDIS_URL without DATABASE_URL (SQLite is for one instance)', () => {
    expect(configError({ DATABASE_URL: 'mysql://db/fabrique' }).message).toMatch(/^DATABASE_URL /)
    expect(configError({ DATABASE_URL: 'postgres://db/f', REDIS_URL: 'http://cache' }).message).toMatch(/^REDIS_URL /)
    expect(configError({ REDIS_URL: 'redis://cache:6379' }).message).toMatch(/^REDIS_URL needs DATABASE_URL/)
    expect(configError({ DATABASE_URL: 'postgres://db/f', DATABASE_POOL_SIZE: '0' }).message).toMatch(/^DATABASE_POOL_SIZE /)
    expect(configError({ DATABASE_URL: 'postgres://db/f', CLUSTER_GAP_MS: '5' }).message).toMatch(/^CLUSTER_GAP_MS /)
  })

  it('accepts PORT=0 (any free port) and PORT with surrounding spaces', () => {
    expect(loadConfig({ PORT: '0' }, cwd).port).toBe(0)
    expect(loadConfig({ PORT: ' 8080 ' }, cwd).port).toBe(8080)
  })

  it.each(['verbose', 'DEBUG', 'trace', '1'])('refuses LOG_LEVEL=%j, naming the variable and the choices', (value) => {
    const err = configError({ LOG_LEVEL: value })
    expect(err.message).toMatch(/^LOG_LEVEL /)
    expect(err.message).toContain('debug, info, warn, error, silent')
    expect(err.message).toContain(value)
  })

  it.each(['fabrique.example.org', 'ftp://fabrique.example.org', 'javascript:alert(1)', '//fabrique.example.org'])('refuses PUBLIC_URL=%j, naming the variable', (value) => {
    const err = configError({ PUBLIC_URL: value })
    expect(err.message).toMatch(/^PUBLIC_URL /)
    expect(err.message).toContain(value)
  })

  it('keeps a PUBLIC_URL with a path, without trailing slashes', () => {
    expect(loadConfig({ PUBLIC_URL: 'http://example.org/fabrique//' }, cwd).publicUrl).toBe('http://example.org/fabrique')
  })

  it.each(['1023', '0', 'lots', '16MB', '536870913', '-5'])('refuses MAX_MESSAGE_BYTES=%j, naming the variable', (value) => {
    const err = configError({ MAX_MESSAGE_BYTES: value })
    expect(err.message).toMatch(/^MAX_MESSAGE_BYTES /)
    expect(err.message).toContain('between 1024 and 536870912')
  })

  it.each([
    ['MAX_ASSET_BYTES', '10'],
    ['SEND_BUFFER_LIMIT_BYTES', '1000'],
    ['PING_INTERVAL_MS', '50'],
    ['ROOM_IDLE_MS', '-1'],
    ['FLUSH_WINDOW_MS', '2000'],
    ['COMPACT_AFTER_UPDATES', '1'],
    ['MAX_BOARD_BYTES', '1000'],
    ['SEND_BUDGET_BYTES', '10'],
    ['LABS_PER_HOUR_PER_ADDRESS', '0'],
    ['API_WRITES_PER_MINUTE_PER_ADDRESS', 'many'],
    ['ASSET_GRACE_HOURS', '-1'],
    ['LOG_REPEATS_PER_MINUTE', '0'],
    ['HOST', 'my host'],
  ])('refuses %s=%j, naming the variable', (name, value) => {
    expect(configError({ [name]: value }).message).toMatch(new RegExp(`^${name} `))
  })
})
