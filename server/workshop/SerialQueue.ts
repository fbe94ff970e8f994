/**
 * Runs jobs one after the other. A board's workshop commands read state, await storage, then
 * write: two casts of the same voter interleaved would each see the other's dots missing and
 * together spend more than allowed. Queued, each sees what the previous one left.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve()

  /** Runs `job` once every job queued before it has settled; resolves or rejects as it does. */
  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job)
    // A failed job does not stop the queue: its caller gets the failure.
    this.tail = result.catch(() => {})
    return result
  }
}
