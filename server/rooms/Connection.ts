import type { ServerEvent } from '../../shared/commands'
import type { Identity } from '../../shared/identity'
import { CloseCode } from '../../shared/protocol'
import { canEditBoards, type Role } from '../../shared/roles'
import { commandMessage } from '../../shared/wireMessages'
import type { RoomSocket } from './RoomSocket'

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
  }

  /**
   * Sends a message, or closes a connection that cannot keep up: its client reconnects and
   * resyncs, which is better than silently skipping messages it would never get again.
   */
  send(message: Uint8Array): void {
    if (this.closed) return
    if (this.socket.bufferedAmount > this.sendBufferLimit) {
      this.close(CloseCode.tooSlow, 'client too slow: reconnect to resync')
      return
    }
    this.socket.send(message)
  }

  /** Sends one of Fabrique's events, if the client speaks them. */
  sendEvent(event: ServerEvent): void {
    if (this.speaksCommands) this.send(commandMessage(event))
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
