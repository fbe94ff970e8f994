import { cpuSeconds, machineBusySeconds } from './procStats'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * CPU used by other processes (not this one) over `ms`, in % of one core. The benchmark shares
 * its machine; a run during someone else's build measures that build as much as the server.
 */
export async function otherLoadPct(ms = 2000): Promise<number> {
  const machine0 = machineBusySeconds()
  const self0 = cpuSeconds('self')
  await sleep(ms)
  const other = machineBusySeconds() - machine0 - (cpuSeconds('self') - self0)
  return Math.max(0, (other / (ms / 1000)) * 100)
}

/**
 * Waits until other processes use less than `maxPct` % of a core, for at most `maxWaitMs`.
 * Returns the last measured load.
 */
export async function waitForQuietMachine(maxPct: number, maxWaitMs: number, log: (m: string) => void): Promise<number> {
  const deadline = Date.now() + maxWaitMs
  let load = await otherLoadPct()
  while (load > maxPct && Date.now() < deadline) {
    log(`other processes use ${load.toFixed(0)} % of a core; waiting for a quieter machine…`)
    await sleep(3000)
    load = await otherLoadPct()
  }
  if (load > maxPct) log(`machine still busy (${load.toFixed(0)} % of a core used by others): running anyway`)
  return load
}
