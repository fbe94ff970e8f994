/**
 * Did the load generator deliver the load it was asked for? A figure measured while it lagged
 * measures the generator as much as the server, and the report marks it so.
 *
 * It lagged when any of these held during the load window:
 * - it sent fewer writes than asked (it fell so far behind that the run ended first);
 * - a client worker's event loop was busy ≥ 85 % of the window (its readers read late);
 * - writes left, at p99, more than one period (1 / hz) after their schedule.
 */

export interface GeneratorHealth {
  keptUp: boolean
  /** Why it did not keep up, one phrase each (empty when it did). */
  reasons: string[]
}

export const BUSY_WORKER_ELU = 0.85

export function generatorHealth(load: {
  writesSent: number
  writesExpected: number
  clientWorkerElu: number[]
  writeLagMs: { p99: number }
  hz: number
}): GeneratorHealth {
  const reasons: string[] = []
  if (load.writesSent < load.writesExpected) {
    reasons.push(`sent ${load.writesSent.toLocaleString('en-US')} of the ${load.writesExpected.toLocaleString('en-US')} writes asked`)
  }
  const busiest = Math.max(0, ...load.clientWorkerElu)
  if (busiest >= BUSY_WORKER_ELU) reasons.push(`client worker busy ${Math.round(busiest * 100)} % of the window`)
  const periodMs = 1000 / load.hz
  if (load.writeLagMs.p99 > periodMs) reasons.push(`writes left ${Math.round(load.writeLagMs.p99)} ms late at p99`)
  return { keptUp: reasons.length === 0, reasons }
}
