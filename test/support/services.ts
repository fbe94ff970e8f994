import net from 'node:net'
import pg from 'pg'
import { withoutPassword } from '../../server/logger'
import { withDefaultUser } from '../../server/persistence/postgres/connectionString'

/**
 * The PostgreSQL and Redis that tests of several instances use: the machine's own (see the
 * `env` notes; `.ci/run` starts them), or those of `TEST_DATABASE_URL` / `TEST_REDIS_URL`.
 * Where they do not answer, `npm test` skips those tests with one line saying so — unless
 * `FABRIQUE_REQUIRE_SERVICES=1` (CI), where they fail instead.
 */

/** With a user filled in as psql would (see `withDefaultUser`), for pools made by tests too. */
export function postgresUrl(): string {
  return withDefaultUser(process.env.TEST_DATABASE_URL || 'postgres://127.0.0.1:5432/test')
}

export function redisUrl(): string {
  return process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379'
}

export type Service = 'postgres' | 'redis'

export type ServicesAvailability = Record<Service, boolean>

/** How long a service has to answer before it is taken as down. */
const ANSWER_TIMEOUT_MS = 1500

let availability: Promise<ServicesAvailability> | null = null

/** Whether PostgreSQL and Redis answer (asked once per test file, both at the same time). */
export function servicesAvailable(): Promise<ServicesAvailability> {
  availability ??= Promise.all([postgresAnswers(postgresUrl()), redisAnswers(redisUrl())]).then(([postgres, redis]) => ({ postgres, redis }))
  return availability
}

const NAMES: Record<Service, string> = { postgres: 'PostgreSQL', redis: 'Redis' }
const URLS: Record<Service, () => string> = { postgres: postgresUrl, redis: redisUrl }

/**
 * The one line `npm test` prints when PostgreSQL or Redis do not answer (from the global
 * setup), or null when both do.
 */
export async function missingServicesLine(): Promise<string | null> {
  const available = await servicesAvailable()
  const missing = (Object.keys(NAMES) as Service[]).filter((service) => !available[service])
  if (missing.length === 0) return null
  const where = missing.map((service) => `${NAMES[service]} not reachable at ${withoutPassword(URLS[service]())}`).join(', ')
  return process.env.FABRIQUE_REQUIRE_SERVICES === '1'
    ? `${where}: the tests that need them fail (FABRIQUE_REQUIRE_SERVICES=1)`
    : `${where} — skipped the tests that need ${missing.length > 1 ? 'them' : 'it'} (${available.postgres ? 'several instances' : 'storage on PostgreSQL, several instances, the copy to PostgreSQL'})`
}

/**
 * True when every service in `needed` answers; otherwise false, for `describe.skipIf` (the
 * global setup has said so in one line) — or, with `FABRIQUE_REQUIRE_SERVICES=1`, it throws,
 * failing the file.
 */
export async function requireServices(needed: readonly Service[], what: string): Promise<boolean> {
  const available = await servicesAvailable()
  const missing = needed.filter((service) => !available[service])
  if (missing.length === 0) return true
  const where = missing.map((service) => `${NAMES[service]} not reachable at ${withoutPassword(URLS[service]())}`).join(', ')
  if (process.env.FABRIQUE_REQUIRE_SERVICES === '1') throw new Error(`${where}, and FABRIQUE_REQUIRE_SERVICES=1: ${what} must run, not be skipped`)
  return false
}

/** Rejects after `ms` unless `promise` settles first. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: ANSWER_TIMEOUT_MS })
  // A refused connection also emits 'error': without a listener it would be thrown.
  client.on('error', () => {})
  try {
    await within(
      client.connect().then(() => client.query('SELECT 1')),
      ANSWER_TIMEOUT_MS,
    )
    return true
  } catch {
    return false
  } finally {
    await within(client.end(), ANSWER_TIMEOUT_MS).catch(() => {})
  }
}

/** A RESP command, as Redis reads it. */
function command(...args: string[]): string {
  return `*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')
}

/** Connects over TCP and sends PING (after AUTH when the URL has a password): true on `+PONG`. */
function redisAnswers(url: string): Promise<boolean> {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return Promise.resolve(false)
  }
  return new Promise((resolve) => {
    const socket = net.connect({ host: parsed.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1', port: Number(parsed.port || 6379) })
    let received = ''
    const done = (answer: boolean) => {
      socket.destroy()
      resolve(answer)
    }
    socket.setTimeout(ANSWER_TIMEOUT_MS, () => done(false))
    socket.on('error', () => done(false))
    socket.on('connect', () => {
      const password = decodeURIComponent(parsed.password)
      const auth = password ? (parsed.username ? command('AUTH', decodeURIComponent(parsed.username), password) : command('AUTH', password)) : ''
      socket.write(auth + command('PING'))
    })
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1')
      if (received.includes('+PONG\r\n')) done(true)
      else if (/(^|\r\n)-/.test(received)) done(false)
    })
  })
}
