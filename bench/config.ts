/**
 * Benchmark parameters, read from the environment. The defaults are the full load described in
 * BENCHMARKS.md; `BENCH_BOARDS=5 BENCH_SECONDS=3 npm run bench` is a quick run for iteration.
 */

export const SERVER_IDS = ['fabrique', 'y-websocket', 'hocuspocus'] as const
export type ServerId = (typeof SERVER_IDS)[number]

export interface BenchConfig {
  boards: number
  clientsPerBoard: number
  /** The first `writersPerBoard` clients of each board write; all of them read. */
  writersPerBoard: number
  /** Writes per second of each writer. */
  hz: number
  /** How long the writers write. */
  seconds: number
  /** Length of the string each write puts in the writer's Y.Map entry. */
  recordBytes: number
  /** Wait after the last write before deliveries are counted, for stragglers. */
  drainMs: number
  /** Quiet time between "everyone synced" and the first write. */
  settleMs: number
  /** Worker threads hosting the clients (boards are split between them). */
  workers: number
  /** Connection attempts in flight at once, per worker. */
  connectConcurrency: number
  /** Clients re-announce their awareness state this often, as y-protocols clients do (15 s). */
  awarenessRenewMs: number
  /**
   * When each writer writes within a period: `adjacent` (default) board by board, a board's
   * writers within ~1 ms of each other; `spread`, a board's writers a third of a period apart.
   */
  writerSchedule: 'adjacent' | 'spread'
  servers: ServerId[]
  /** How TypeScript bench scripts (Hocuspocus's) run: bundled by esbuild on plain node (default, as Fabrique's production build) or through tsx. */
  runtime: 'tsx' | 'bundle'
  /** Each server is run this many times (servers interleaved); the quietest run is reported. */
  rounds: number
  /** Before each run, wait until other processes use less than this % of a core… */
  quietPct: number
  /** …for at most this long. */
  quietWaitMs: number
  /** Where raw results go; quick runs write to .tmp/ (git-ignored) and leave BENCHMARKS.md alone. */
  resultsFile: string
  /** Whether BENCHMARKS.md is rewritten (between its result markers). */
  writeReport: boolean
  /** True when every load parameter has its default value. */
  isFullLoad: boolean
}

function int(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw.trim() === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max}, got "${raw}"`)
  }
  return value
}

function num(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw.trim() === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${name} must be a number between ${min} and ${max}, got "${raw}"`)
  }
  return value
}

function runtime(): 'tsx' | 'bundle' {
  const raw = process.env.BENCH_RUNTIME?.trim() || 'bundle'
  if (raw !== 'tsx' && raw !== 'bundle') throw new Error(`BENCH_RUNTIME must be "tsx" or "bundle", got "${raw}"`)
  return raw
}

export function loadBenchConfig(): BenchConfig {
  const boards = int('BENCH_BOARDS', 60, 1, 10_000)
  const clientsPerBoard = int('BENCH_CLIENTS', 20, 2, 1000)
  const writersPerBoard = int('BENCH_WRITERS', 3, 1, clientsPerBoard)
  const hz = num('BENCH_HZ', 10, 0.1, 1000)
  const seconds = num('BENCH_SECONDS', 15, 0.5, 3600)
  const recordBytes = int('BENCH_RECORD_BYTES', 400, 64, 1_000_000)
  const serversRaw = process.env.BENCH_SERVERS?.trim()
  const servers = serversRaw ? serversRaw.split(',').map((s) => s.trim()) : [...SERVER_IDS]
  for (const s of servers) {
    if (!(SERVER_IDS as readonly string[]).includes(s)) throw new Error(`BENCH_SERVERS: unknown server "${s}" (known: ${SERVER_IDS.join(', ')})`)
  }
  const schedule = process.env.BENCH_WRITER_SCHEDULE?.trim() || 'adjacent'
  if (schedule !== 'adjacent' && schedule !== 'spread') throw new Error(`BENCH_WRITER_SCHEDULE must be "adjacent" or "spread", got "${schedule}"`)
  const writerSchedule: 'adjacent' | 'spread' = schedule
  const isFullLoad =
    boards === 60 && clientsPerBoard === 20 && writersPerBoard === 3 && hz === 10 && seconds === 15 && recordBytes === 400 && writerSchedule === 'adjacent'
  const writeReport = process.env.BENCH_WRITE_REPORT
    ? process.env.BENCH_WRITE_REPORT === '1'
    : isFullLoad && servers.length === SERVER_IDS.length && (process.env.BENCH_RUNTIME ?? 'bundle') === 'bundle' && (process.env.BENCH_WORKERS ?? '1') === '1'
  return {
    boards,
    clientsPerBoard,
    writersPerBoard,
    hz,
    seconds,
    recordBytes,
    drainMs: int('BENCH_DRAIN_MS', 2000, 0, 600_000),
    settleMs: int('BENCH_SETTLE_MS', 1000, 0, 600_000),
    workers: int('BENCH_WORKERS', 1, 1, 64),
    connectConcurrency: int('BENCH_CONNECT_CONCURRENCY', 50, 1, 10_000),
    awarenessRenewMs: int('BENCH_AWARENESS_RENEW_MS', 15_000, 0, 3_600_000),
    writerSchedule,
    servers: servers as ServerId[],
    runtime: runtime(),
    rounds: int('BENCH_ROUNDS', 1, 1, 100),
    quietPct: num('BENCH_QUIET_PCT', 20, 0, 10_000),
    quietWaitMs: int('BENCH_QUIET_WAIT_S', 180, 0, 86_400) * 1000,
    resultsFile: process.env.BENCH_OUT?.trim() || (writeReport ? 'bench/results.json' : '.tmp/bench-results-quick.json'),
    writeReport,
    isFullLoad,
  }
}

/** Writes each writer makes in one run. */
export function writesPerWriter(config: Pick<BenchConfig, 'hz' | 'seconds'>): number {
  return Math.max(1, Math.round(config.hz * config.seconds))
}
