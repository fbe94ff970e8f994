import type { Connection } from './Connection'

/** Messages this big or bigger are checked against the budget before they are queued. */
export const LARGE_MESSAGE_BYTES = 64 * 1024

/** Connections holding less than this unsent are never closed to make room. */
const SLOW_READER_BYTES = 1024 * 1024

/**
 * The bytes all connections of a process may hold unsent, together. A connection that asks
 * for a whole board and does not read its socket holds that memory: before a large message is
 * queued, the costliest slow readers are dropped — their unsent data freed at once; their
 * clients reconnect and resync — until it fits; the one asking is turned away only if it still
 * does not.
 */
export class SendBudget {
  private readonly connections = new Set<Connection>()
  /** Slow readers dropped to stay within the budget, since start. */
  dropped = 0

  constructor(readonly limitBytes: number) {}

  add(connection: Connection): void {
    this.connections.add(connection)
  }

  delete(connection: Connection): void {
    this.connections.delete(connection)
  }

  toJSON(): { queuedBytes: number; limitBytes: number | null; dropped: number } {
    return { queuedBytes: this.queuedBytes(), limitBytes: Number.isFinite(this.limitBytes) ? this.limitBytes : null, dropped: this.dropped }
  }

  /** Bytes queued on every connection right now. */
  queuedBytes(): number {
    let total = 0
    for (const c of this.connections) total += c.socket.bufferedAmount
    return total
  }

  /**
   * Whether `bytes` more may be queued for `connection`, closing the costliest slow readers
   * first if needed. Small messages are always admitted (the per-connection limit covers them).
   */
  admit(connection: Connection, bytes: number): boolean {
    if (bytes < LARGE_MESSAGE_BYTES) return true
    let total = this.queuedBytes()
    if (total + bytes <= this.limitBytes) return true
    const slow = [...this.connections]
      .filter((c) => c !== connection && c.socket.bufferedAmount >= SLOW_READER_BYTES)
      .sort((a, b) => b.socket.bufferedAmount - a.socket.bufferedAmount)
    for (const c of slow) {
      if (total + bytes <= this.limitBytes) break
      total -= c.socket.bufferedAmount
      this.dropped++
      c.drop()
    }
    return total + bytes <= this.limitBytes
  }
}
