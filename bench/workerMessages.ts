import type { ClientSocketTimes } from './connectStages'
import type { ProtocolKind } from './protocols/WireProtocol'

/** A board as clients reach it. */
export interface BoardEndpoint {
  /** Board index across the run. */
  index: number
  /** WebSocket URL a client opens (token included for Fabrique). */
  url: string
  /**
   * Several instances (bench/cluster): client `slot` of the board opens `urls[slot % urls.length]`
   * instead of `url`, so a board's clients are spread round-robin over the instances.
   */
  urls?: string[]
  /** Document name inside the protocol (Hocuspocus) or for display. */
  documentName: string
  token: string
}

/** What a client worker is started with (`workerData`). */
export interface WorkerInit {
  workerIndex: number
  workers: number
  protocol: ProtocolKind
  /** Consecutive boards, starting at `boards[0].index`. */
  boards: BoardEndpoint[]
  clientsPerBoard: number
  writersPerBoard: number
  writesPerWriter: number
  hz: number
  recordBytes: number
  connectConcurrency: number
  connectTimeoutMs: number
  awarenessRenewMs: number
  /** Order of the writers within a period (see clientWorker.ts); default `adjacent`. */
  writerSchedule?: 'adjacent' | 'spread'
}

export type ToWorker =
  | { type: 'connect' }
  /** Start writing at `startAtUs` (nowUs clock); start counting deliveries now. */
  | { type: 'start'; startAtUs: number }
  /** Stop counting and report. */
  | { type: 'collect' }
  | { type: 'close' }

export interface ConnectReport {
  type: 'connected'
  /** Per client that synced: socket created → handshake done, ms. */
  syncedMs: number[]
  /** Per client that opened: socket created → WebSocket open, ms. */
  openMs: number[]
  /** Per client that synced: WebSocket open → handshake done, ms (the server's answer once the socket exists). */
  openToSyncedMs: number[]
  /** Per client that opened: its port and times (µs), for connectStages. */
  sockets: ClientSocketTimes[]
  failures: string[]
  wallMs: number
  /** Event-loop utilisation of the worker while connecting (1: the clients themselves were the queue). */
  elu: number
}

export interface WritesDoneReport {
  type: 'writesDone'
  lastWriteUs: number
  /** How late writes left compared with their schedule, ms (client-side health). */
  lagMs: number[]
  /** Worst lag in each second of the writing, ms. */
  lagTimeline: number[]
}

export interface ResultsReport {
  type: 'results'
  latenciesUs: Float64Array
  fanoutCompleteUs: Float64Array
  completeWrites: number
  /** Writes sent that no reader received. */
  lostWrites: number
  delivered: number
  expected: number
  writesSent: number
  duplicates: number
  foreign: number
  /** Failures (closes, protocol errors) after the handshake. */
  failures: string[]
  /** Event-loop utilisation of the worker from the first write to the end of the drain. */
  loadElu: number
  /** Event-loop delay of the worker during the window (its own stalls), ms. */
  loopDelayMs: { p50: number; p99: number; max: number }
  messagesIn: number
  bytesIn: number
  maxBufferedAmount: number
  /** Writers whose Y.Doc holds updates it cannot apply (missing dependencies). */
  writersWithPendingUpdates: number
  /** Updates after which a writer's doc waited for missing dependencies (out-of-order delivery). */
  pendingAfterApply: number
}

export type FromWorker =
  | ConnectReport
  | WritesDoneReport
  | ResultsReport
  | { type: 'closed' }
  | { type: 'fatal'; message: string }
