import { encodeAwarenessMessage, type AwarenessEntry } from './awarenessMessages'

/**
 * Longest a presence renewal waits before it is relayed. A y-protocols client renews its
 * unchanged state every 15 s and forgets a peer silent for 30 s: a renewal 2 s late keeps
 * everyone's presence alive with 13 s to spare.
 */
export const RENEWAL_DELAY_MS = 2_000

/**
 * A board's presence renewals waiting to be relayed. A renewal says only "still here" (the
 * same state under a newer clock), so it need not go out at once, each in its own write to
 * every connection: renewals ride along with the room's next relay of document updates, or
 * go out together, in one message, at most {@link RENEWAL_DELAY_MS} after the first of them.
 * Changes of presence (a cursor moving, someone arriving or leaving) are never held.
 */
export class AwarenessRenewals {
  private pending = new Map<number, AwarenessEntry>()
  private timer: ReturnType<typeof setTimeout> | null = null

  /**
   * @param isCurrent whether an entry is still its client's newest state when it goes out (one
   *   replaced or removed meanwhile is not sent again).
   * @param send relays a message holding the waiting renewals to every connection.
   */
  constructor(
    private readonly isCurrent: (entry: AwarenessEntry) => boolean,
    private readonly send: (message: Uint8Array) => void,
    private readonly delayMs = RENEWAL_DELAY_MS,
  ) {}

  /** Holds renewals until the next relay (or the delay). */
  hold(renewals: readonly AwarenessEntry[]): void {
    for (const entry of renewals) this.pending.set(entry.clientId, entry)
    if (this.timer) return
    this.timer = setTimeout(() => {
      this.timer = null
      const message = this.take()
      if (message) this.send(message)
    }, this.delayMs)
    this.timer.unref?.()
  }

  /** The waiting renewals still current, as one `awareness` message (null when none); they are no longer held. */
  take(): Uint8Array | null {
    if (this.pending.size === 0) return null
    const entries = [...this.pending.values()].filter(this.isCurrent)
    this.pending.clear()
    if (this.timer) {
      clearTimeout(this.timer)
      this.timer = null
    }
    return entries.length > 0 ? encodeAwarenessMessage(entries) : null
  }

  /** Forgets what is waiting (the room is going away). */
  clear(): void {
    this.pending.clear()
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }
}
