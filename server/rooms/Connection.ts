import type { ServerEvent } from '../../shared/commands'
import type { Identity } from '../../shared/identity'
import { canEditBoards, type Role } from '../../shared/roles'
import { commandMessage } from '../../shared/wireMessages'
import type { RoomSocket } from './RoomSocket'

/**
 * Requests that make the server send much for little (the whole board, everyone's presence):
 * a connection may make `burst` of them at once, then one per `everyMs`.
 */
export const COSTLY_REQUESTS = {
  step1: { burst: 4, everyMs: 5_000 },
  queryAwareness: { burst: 4, everyMs: 5_000 },
} as const

/** Who is behind a connection. */
export interface ConnectionIdentity extends Identity {
  /** Made up for this connection only: the client presented no identity (e.g. a stock y-websocket client). */
  ephemeral: boolean
}

/** One person's socket inside a room. */
export class Connection {
  /** Awareness client ids this connection announced; removed for everyone when it closes. */
  readonly awarenessClients = new Set<number>()
  closed = false
  /** When the client last sent anything (ms since epoch). */
  lastMessageAt = Date.now()
  /** The client said `hello`: it speaks Fabrique's commands and receives its events. */
  speaksCommands = false
  /** Whether the role may change the document at all (viewers may not). */
  readonly canWrite: boolean
  /** Yjs client ids this connection brought into the document (each grows every state vector for good). */
  newYjsClients = 0
  private readonly allowance: Record<keyof typeof COSTLY_REQUESTS, { tokens: number; at: number }>
  /** Bytes of the board's state last sent whole: they may wait unsent on top of the limit. */
  private stateBacklog = 0

  constructor(
    readonly socket: RoomSocket,
    readonly role: Role,
    public identity: ConnectionIdentity,
    /** Bytes of unsent data after which the connection is dropped (the client resyncs). */
    private readonly sendBufferLimit: number,
    /** Called once, when the connection is closed by the room. */
    private readonly onClose: (conn: Connection) => void,
  ) {
    this.canWrite = canEditBoards(role)
    const now = Date.now()
    this.allowance = { step1: { tokens: COSTLY_REQUESTS.step1.burst, at: now }, queryAwareness: { tokens: COSTLY_REQUESTS.queryAwareness.burst, at: now } }
  }

  /** Whether a costly request of `kind` may be served now (token bucket, see {@link COSTLY_REQUESTS}). */
  allow(kind: keyof typeof COSTLY_REQUESTS): boolean {
    const { burst, everyMs } = COSTLY_REQUESTS[kind]
    const bucket = this.allowance[kind]
    const now = Date.now()
    bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.at) / everyMs)
    bucket.at = now
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }

  /**
   * Sends a message, or closes a connection that cannot keep up: its client reconnects and
   * resyncs, which is better than silently skipping messages it would never get again.
   */
  send(message: Uint8Array): void {
    if (this.keepsUp()) this.socket.send(message)
  }

  /** Sends several messages in order, in one write when the socket can (same rule as `send`). */
  sendAll(messages: readonly Uint8Array[]): void {
    if (this.keepsUp()) this.socket.sendAll(messages)
  }

  /** False, after dropping it, when the connection has more unsent than it may. */
  private keepsUp(): boolean {
    if (this.closed) return false
    const unsent = this.socket.bufferedAmount
    if (unsent <= this.sendBufferLimit) this.stateBacklog = 0
    else if (unsent > this.sendBufferLimit + this.stateBacklog) {
      this.drop()
      return false
    }
    return true
  }

  /**
   * Sends the board's state (sync step 2). A board may be larger than the per-connection
   * limit: its state is allowed to wait unsent on top of it, so that what follows it (presence,
   * live edits) does not drop a newcomer who is reading at full speed.
   */
  sendState(message: Uint8Array): void {
    if (this.closed) return
    this.send(message)
    this.stateBacklog = Math.max(this.stateBacklog, message.byteLength)
  }

  /** Sends one of Fabrique's events, if the client speaks them. */
  sendEvent(event: ServerEvent): void {
    if (this.speaksCommands) this.send(commandMessage(event))
  }

  /**
   * Drops a connection that does not read what it is sent: its unsent data is freed at once
   * (a close frame would wait behind it). Its client sees the link break, reconnects and resyncs.
   */
  drop(): void {
    if (this.closed) return
    this.closed = true
    try {
      this.socket.terminate()
    } finally {
      this.onClose(this)
    }
  }

  close(code: number, reason: string): void {
    if (this.closed) return
    this.closed = true
    try {
      this.socket.close(code, reason)
    } finally {
      this.onClose(this)
    }
  }
}
