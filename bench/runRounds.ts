import type { BenchConfig, ServerId } from './config'
import { waitForQuietMachine } from './quietMachine'
import { runTarget, type TargetResult } from './runTarget'
import type { BenchTarget } from './servers/BenchTarget'
import { fabriqueTarget } from './servers/fabrique'
import { hocuspocusTarget } from './servers/hocuspocus'
import { yWebsocketTarget } from './servers/yWebsocket'

export const TARGETS: Record<ServerId, BenchTarget> = {
  fabrique: fabriqueTarget,
  'y-websocket': yWebsocketTarget,
  hocuspocus: hocuspocusTarget,
}

export interface RoundsResult {
  /** The run least disturbed by other processes, per server, in `config.servers` order. */
  quietest: TargetResult[]
  /** Every run, per server. */
  all: Map<ServerId, TargetResult[]>
}

/**
 * Runs the load of `config` against each server, `config.rounds` times (servers interleaved,
 * each run after the machine is quiet), and picks the quietest run of each.
 */
export async function runRounds(config: BenchConfig, out: (line: string) => void): Promise<RoundsResult> {
  const all = new Map<ServerId, TargetResult[]>(config.servers.map((id) => [id, []]))
  for (let round = 1; round <= config.rounds; round++) {
    for (const id of config.servers) {
      const target = TARGETS[id]
      out(`\n${target.label} (${target.persistence})${config.rounds > 1 ? ` — round ${round}/${config.rounds}` : ''}`)
      await waitForQuietMachine(config.quietPct, config.quietWaitMs, (m) => out(`  ${m}`))
      const result = await runTarget(target, config)
      all.get(id)!.push(result)
      const l = result.load
      out(
        `  latency p50 ${l.latencyMs.p50} ms, p99 ${l.latencyMs.p99} ms, max ${l.latencyMs.max} ms; delivered ${l.deliveredPct} % ` +
          `(${l.deliveredPairs}/${l.expectedPairs}); server CPU ${result.server.cpuLoadSeconds} s in load (${result.server.cpuLoadPctOfCore} % of a core, ` +
          `${result.server.cpuUsPerDeliveredPair} µs per delivered pair), ${result.server.cpuTotalSeconds} s total; peak RSS ${result.server.peakRssMiB} MiB; ` +
          `client ELU ${l.clientWorkerElu.join('/')}; generator ${l.generator.keptUp ? 'kept up' : `LAGGED (${l.generator.reasons.join('; ')})`}; ` +
          `other processes ${result.otherProcessesPctOfCore} % of a core`,
      )
      if (l.failures.length) out(`  failures: ${l.failures.slice(0, 5).join('; ')}`)
    }
  }
  const quietest = config.servers.map((id) => all.get(id)!.reduce((a, b) => (b.otherProcessesPctOfCore < a.otherProcessesPctOfCore ? b : a)))
  return { quietest, all }
}
