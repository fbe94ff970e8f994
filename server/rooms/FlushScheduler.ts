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
 * Runs the rooms' pending flushes together (group commit): what arrives together reaches
 * storage together (one SQLite transaction) and each room relays it at once, one write per
 * recipient. Storing and writing cost per flush, not per update, so under load flushes are
 * paced: at most one run every `windowMs`, holding every room due by then.
 *
 * - After a quiet spell (no run for `windowMs`), the first update is flushed `minAgeMs` after
 *   it arrived: long enough to gather the writes people make together (a board's burst, over a
 *   millisecond or so), and no longer.
 * - Under load, runs come `windowMs` apart. A room whose first update arrived less than
 *   `minAgeMs` before a run waits for the next one, so its burst is not cut in two (which would
 *   cost every reader a second write). No update waits longer than `windowMs + minAgeMs`.
 *
 * With no window, flushes run as a microtask right after the socket callback that brought
 * their updates.
 */
export class FlushScheduler {
  private pending: { flush: () => void; at: number }[] = []
  private armed = false
  private lastRunAt = Number.NEGATIVE_INFINITY
  private readonly minAgeMs: number

  /**
   * @param windowMs least time between two runs under load (0: each callback's flushes run as a microtask).
   * @param minAgeMs a room joins a run only once its first update is this old (default: a quarter of the window, 2 ms at most).
   */
  constructor(
    private readonly windowMs = 0,
    minAgeMs?: number,
    private readonly clock: SchedulerClock = realClock,
  ) {
    this.minAgeMs = Math.min(minAgeMs ?? Math.min(2, windowMs / 4), windowMs)
  }

  /** Runs `flush` with the next run of the rooms due (see the class comment for when). */
  schedule(flush: () => void): void {
    if (this.windowMs === 0) {
      this.pending.push({ flush, at: 0 })
      if (!this.armed) {
        this.armed = true
        queueMicrotask(this.runDue)
      }
      return
    }
    const now = this.clock.now()
    this.pending.push({ flush, at: now })
    if (this.armed) return
    this.armed = true
    this.clock.setTimeout(this.runDue, Math.max(this.minAgeMs, this.lastRunAt + this.windowMs - now))
  }

  private readonly runDue = (): void => {
    this.armed = false
    const now = this.windowMs > 0 ? this.clock.now() : 0
    const due: (() => void)[] = []
    const young: { flush: () => void; at: number }[] = []
    for (const entry of this.pending) {
      if (this.windowMs > 0 && now - entry.at < this.minAgeMs) young.push(entry)
      else due.push(entry.flush)
    }
    this.pending = young
    if (due.length === 0) {
      // Early (a timer counts from the event loop's cached time): not a run, wait for the oldest.
      this.armed = true
      this.clock.setTimeout(this.runDue, young[0]!.at + this.minAgeMs - now)
      return
    }
    this.lastRunAt = now
    if (young.length > 0) {
      this.armed = true
      this.clock.setTimeout(this.runDue, this.windowMs)
    }
    for (const flush of due) flush()
  }
}
