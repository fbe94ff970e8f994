import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { roundSummary, summarize, type Summary } from './stats'

/**
 * Where a client's connect time goes (BENCH_CONNECT_STAGES=1): the bench's clients record when
 * each socket was created, opened and synced, and `servers/connectTrace.cjs`, preloaded into
 * the server under test, when the server accepted the TCP connection, read its upgrade request
 * and wrote its 101 answer. Both use the machine's monotonic clock, so one connection's times
 * line up across the two processes; they are matched by the client's port.
 */

/** BENCH_CONNECT_STAGES=1: servers run with the preload, and each round reports the stages. */
export function connectStagesEnabled(): boolean {
  return process.env.BENCH_CONNECT_STAGES === '1'
}

/** The preload that records the server's side (same file for every server). */
export const CONNECT_TRACE_PRELOAD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'servers', 'connectTrace.cjs')

/** Where a server under test writes its trace, given its log directory. */
export function connectTraceFile(logDir: string): string {
  return path.join(logDir, 'connect-trace.json')
}

/** One client's socket, as the bench saw it (µs, monotonic). */
export interface ClientSocketTimes {
  port: number
  createdUs: number
  openUs: number
  syncedUs: number
}

/** One accepted connection, as the server saw it (µs, monotonic; 0: did not happen). */
export interface ServerSocketTimes {
  port: number
  acceptedUs: number
  upgradeUs: number
  answeredUs: number
}

/** Per client, ms: each stage of created → synced, in order. */
export interface ConnectStages {
  /** Clients matched with the server's record of their connection. */
  matched: number
  /** `new WebSocket()` → the server accepted the TCP connection (the accept queue). */
  createdToAccepted: Summary
  /** Accepted → the upgrade request read and parsed (the client sending it, the server reading it). */
  acceptedToUpgrade: Summary
  /** Upgrade request → 101 written: the server's own checks (origin, token, board…). */
  upgradeToAnswered: Summary
  /** 101 written → the client's `open` event (the client reading it). */
  answeredToOpen: Summary
  /** `new WebSocket()` → 101 written: everything before the socket exists, at the server. */
  createdToAnswered: Summary
}

export function connectStages(clients: readonly ClientSocketTimes[], server: readonly ServerSocketTimes[]): ConnectStages {
  const byPort = new Map<number, ServerSocketTimes[]>()
  for (const s of server) {
    if (s.upgradeUs === 0 || s.answeredUs === 0) continue
    const list = byPort.get(s.port)
    if (list) list.push(s)
    else byPort.set(s.port, [s])
  }
  const stages = { createdToAccepted: [] as number[], acceptedToUpgrade: [] as number[], upgradeToAnswered: [] as number[], answeredToOpen: [] as number[], createdToAnswered: [] as number[] }
  for (const c of clients) {
    if (c.openUs === 0) continue
    // A port can be reused over a run: the connection accepted while this socket was opening.
    const s = byPort.get(c.port)?.find((x) => x.acceptedUs >= c.createdUs && x.acceptedUs <= c.openUs)
    if (!s) continue
    stages.createdToAccepted.push((s.acceptedUs - c.createdUs) / 1000)
    stages.acceptedToUpgrade.push((s.upgradeUs - s.acceptedUs) / 1000)
    stages.upgradeToAnswered.push((s.answeredUs - s.upgradeUs) / 1000)
    stages.answeredToOpen.push((c.openUs - s.answeredUs) / 1000)
    stages.createdToAnswered.push((s.answeredUs - c.createdUs) / 1000)
  }
  const summary = (xs: number[]) => roundSummary(summarize(xs))
  return {
    matched: stages.createdToAccepted.length,
    createdToAccepted: summary(stages.createdToAccepted),
    acceptedToUpgrade: summary(stages.acceptedToUpgrade),
    upgradeToAnswered: summary(stages.upgradeToAnswered),
    answeredToOpen: summary(stages.answeredToOpen),
    createdToAnswered: summary(stages.createdToAnswered),
  }
}

/** The server's trace, or null when it wrote none (tracing off, or the server never accepted). */
export function readServerTrace(logDir: string): ServerSocketTimes[] | null {
  const file = connectTraceFile(logDir)
  if (!fs.existsSync(file)) return null
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ServerSocketTimes[]
}
