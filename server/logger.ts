import { LOG_LEVELS, type LogLevel } from './config'

/** Structured fields attached to a log line. Never put tokens here. */
export type LogFields = Record<string, unknown>

/** A structured logger, passed to whatever needs one (never a module-level singleton). */
export interface Logger {
  debug(msg: string, fields?: LogFields): void
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger
}

type Sink = (line: string) => void

export interface LoggerOptions {
  /**
   * Lines with the same level and message written per minute; the rest are counted and
   * summarised in one line when the minute is over (a hostile client sending bad frames in a
   * loop must not fill the disk with logs). Unlimited by default.
   */
  repeatsPerMinute?: number
  now?: () => number
}

const MINUTE = 60_000

/** Counts lines per (level, message) in the current minute and what it had to hold back. */
class RepeatLimiter {
  private windowStart: number
  private readonly counts = new Map<string, { level: Exclude<LogLevel, 'silent'>; msg: string; written: number; suppressed: number }>()

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number,
    private readonly writeSummary: (level: Exclude<LogLevel, 'silent'>, msg: string, suppressed: number) => void,
  ) {
    this.windowStart = now()
  }

  /** Whether a line may be written now. */
  allow(level: Exclude<LogLevel, 'silent'>, msg: string): boolean {
    this.roll()
    const key = `${level}\u0000${msg}`
    let entry = this.counts.get(key)
    if (!entry) this.counts.set(key, (entry = { level, msg, written: 0, suppressed: 0 }))
    if (entry.written < this.perMinute) {
      entry.written++
      return true
    }
    entry.suppressed++
    return false
  }

  /** When the minute is over: one summary line per message that was held back. */
  roll(): void {
    if (this.now() - this.windowStart < MINUTE) return
    this.windowStart = this.now()
    const held = [...this.counts.values()].filter((e) => e.suppressed > 0)
    this.counts.clear()
    for (const e of held) this.writeSummary(e.level, e.msg, e.suppressed)
  }
}

/** Logs one JSON object per line to stderr (or `sink`), dropping lines below `level`. */
export function createLogger(level: LogLevel, sink: Sink = (line) => process.stderr.write(line + '\n'), options: LoggerOptions = {}): Logger {
  const threshold = LOG_LEVELS.indexOf(level)
  const now = options.now ?? Date.now
  const format = (lvl: Exclude<LogLevel, 'silent'>, msg: string, fields: LogFields) => {
    const entry: LogFields = { time: new Date(now()).toISOString(), level: lvl, msg, ...fields }
    if (entry.err instanceof Error) entry.err = { message: entry.err.message, stack: entry.err.stack }
    sink(JSON.stringify(entry))
  }
  const limiter =
    options.repeatsPerMinute === undefined
      ? null
      : new RepeatLimiter(options.repeatsPerMinute, now, (lvl, msg, suppressed) => format(lvl, 'repeated lines not logged in the last minute', { repeated: msg, count: suppressed }))
  if (limiter) setInterval(() => limiter.roll(), MINUTE).unref()
  const make = (base: LogFields): Logger => {
    const write = (lvl: Exclude<LogLevel, 'silent'>, msg: string, fields?: LogFields) => {
      if (LOG_LEVELS.indexOf(lvl) < threshold) return
      if (limiter && !limiter.allow(lvl, msg)) return
      format(lvl, msg, { ...base, ...fields })
    }
    return {
      debug: (msg, fields) => write('debug', msg, fields),
      info: (msg, fields) => write('info', msg, fields),
      warn: (msg, fields) => write('warn', msg, fields),
      error: (msg, fields) => write('error', msg, fields),
      child: (fields) => make({ ...base, ...fields }),
    }
  }
  return make({})
}

/** A service's URL (PostgreSQL, Redis) as it may be logged or shown: without its password. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(unreadable URL)'
  }
}
