/** Time as the scheduler sees it (a fake one in tests). */
export interface SchedulerClock {
  /** Milliseconds, sub-millisecond precision. */
  now(): number
  setTimeout(run: () => void, ms: number): unknown
}

const realClock: SchedulerClock = {
  now: () => performance.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
}

/**
 * Runs the rooms' pending flushes together: what arrived together reaches storage together
 * (one SQLite transaction) and each room relays it at once, one write per recipient.
 *
 * With no window, flushes run as a microtask right after the socket callback that brought
 * their updates. With a window (group commit), a room's flush waits at most `windowMs` after
 * its first pending update, and runs with every other room due by then. A room whose first
 * update arrived less than `minAgeMs` before that moment waits for its own deadline instead:
 * the writes people make together (the burst of a board's writers, arriving over a
 * millisecond or so) are then not cut in two flushes, which would cost every reader a second
 * write. No update waits longer than the window.
 */
export class FlushScheduler {
  private pending: { flush: () => void; at: number }[] = []
  private armed = false
  private readonly minAgeMs: number

  /**
   * @param windowMs longest a room's updates wait to be stored and relayed (0: a microtask).
   * @param minAgeMs a room joins a flush only once its first update is this old (default: a third of the window, 1 ms at most).
   */
  constructor(
    private readonly windowMs = 0,
    minAgeMs?: number,
    private readonly clock: SchedulerClock = realClock,
  ) {
    this.minAgeMs = Math.min(minAgeMs ?? Math.min(1, windowMs / 3), windowMs)
  }

  /** Runs `flush` once the current callback is done (or its window passed), with every other flush due by then. */
  schedule(flush: () => void): void {
    const at = this.windowMs > 0 ? this.clock.now() : 0
    this.pending.push({ flush, at })
    if (this.armed) return
    this.armed = true
    if (this.windowMs > 0) this.clock.setTimeout(this.runDue, this.windowMs)
    else queueMicrotask(this.runDue)
  }

  private readonly runDue = (): void => {
    this.armed = false
    const now = this.clock.now()
    const due: (() => void)[] = []
    const young: { flush: () => void; at: number }[] = []
    for (const entry of this.pending) {
      if (this.windowMs > 0 && now - entry.at < this.minAgeMs) young.push(entry)
      else due.push(entry.flush)
    }
    this.pending = young
    if (young.length > 0) {
      this.armed = true
      this.clock.setTimeout(this.runDue, Math.max(0, young[0]!.at + this.windowMs - now))
    }
    for (const flush of due) flush()
  }
}
