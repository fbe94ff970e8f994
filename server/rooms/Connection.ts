import type { Role } from '../../shared/roles'
import { CloseCode } from '../../shared/protocol'
import type { RoomSocket } from './RoomSocket'

/** One participant's socket inside a room. */
export class Connection {
  /** Awareness client ids this connection announced; removed for everyone when it closes. */
  readonly awarenessClients = new Set<number>()
  closed = false
  /** When the client last sent anything (ms since epoch). */
  lastMessageAt = Date.now()

  constructor(
    readonly socket: RoomSocket,
    readonly role: Role,
    /** Bytes of unsent data after which the connection is dropped (the client resyncs). */
    private readonly sendBufferLimit: number,
    /** Called once, when the connection is closed by the room. */
    private readonly onClose: (conn: Connection) => void,
  ) {}

  get readOnly(): boolean {
    return this.role === 'viewer'
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
