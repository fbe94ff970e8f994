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

/** Logs one JSON object per line to stderr (or `sink`), dropping lines below `level`. */
export function createLogger(level: LogLevel, sink: Sink = (line) => process.stderr.write(line + '\n'), base: LogFields = {}): Logger {
  const threshold = LOG_LEVELS.indexOf(level)
  const write = (lvl: Exclude<LogLevel, 'silent'>, msg: string, fields?: LogFields) => {
    if (LOG_LEVELS.indexOf(lvl) < threshold) return
    const entry: LogFields = { time: new Date().toISOString(), level: lvl, msg, ...base, ...fields }
    if (entry.err instanceof Error) entry.err = { message: entry.err.message, stack: entry.err.stack }
    sink(JSON.stringify(entry))
  }
  return {
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
    child: (fields) => createLogger(level, sink, { ...base, ...fields }),
  }
}
