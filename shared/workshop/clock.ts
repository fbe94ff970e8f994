/**
 * Clock offset between a client and the server, from `clock` round trips: the sample with
 * the shortest round trip is the most precise (the server's time is taken half-way).
 */
export interface ClockSample {
  /** Client time when the request left (ms). */
  sentAt: number
  /** Server time in the answer (ms). */
  serverTime: number
  /** Client time when the answer arrived (ms). */
  receivedAt: number
}

/** Server time minus client time, in ms: add it to `Date.now()` to get the server's time. */
export function clockOffset(samples: readonly ClockSample[]): number {
  if (samples.length === 0) return 0
  const best = samples.reduce((a, b) => (b.receivedAt - b.sentAt < a.receivedAt - a.sentAt ? b : a))
  return best.serverTime - (best.sentAt + best.receivedAt) / 2
}
