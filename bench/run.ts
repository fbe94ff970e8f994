import { loadBenchConfig, type ServerId } from './config'
import { machineFacts } from './machine'
import { waitForQuietMachine } from './quietMachine'
import { resultsTable, updateBenchmarksMd, writeResultsJson, type BenchResults } from './report'
import { runTarget, type TargetResult } from './runTarget'
import type { BenchTarget } from './servers/BenchTarget'
import { fabriqueTarget } from './servers/fabrique'
import { hocuspocusTarget } from './servers/hocuspocus'
import { yWebsocketTarget } from './servers/yWebsocket'

/**
 * `npm run bench`: the same load against Fabrique, the y-websocket reference server and
 * Hocuspocus, one after another. See BENCHMARKS.md for what is measured; env BENCH_* for the
 * parameters (bench/config.ts).
 */

const TARGETS: Record<ServerId, BenchTarget> = {
  fabrique: fabriqueTarget,
  'y-websocket': yWebsocketTarget,
  hocuspocus: hocuspocusTarget,
}

const config = loadBenchConfig()
const machine = machineFacts()
const clients = config.boards * config.clientsPerBoard
const out = (m: string) => process.stdout.write(m + '\n')
out(
  `Benchmark: ${config.boards} boards × ${config.clientsPerBoard} clients = ${clients} WebSockets, ` +
    `${config.writersPerBoard} writers/board at ${config.hz} Hz for ${config.seconds} s, ${config.recordBytes}-byte records; ` +
    `${machine.cores} cores, Node ${machine.node}` +
    (config.rounds > 1 ? `; ${config.rounds} rounds, the quietest reported` : ''),
)

const rounds = new Map<ServerId, TargetResult[]>(config.servers.map((id) => [id, []]))
for (let round = 1; round <= config.rounds; round++) {
  for (const id of config.servers) {
    const target = TARGETS[id]
    out(`\n${target.label} (${target.persistence})${config.rounds > 1 ? ` — round ${round}/${config.rounds}` : ''}`)
    await waitForQuietMachine(config.quietPct, config.quietWaitMs, (m) => out(`  ${m}`))
    const result = await runTarget(target, config)
    rounds.get(id)!.push(result)
    const l = result.load
    out(
      `  latency p50 ${l.latencyMs.p50} ms, p99 ${l.latencyMs.p99} ms, max ${l.latencyMs.max} ms; delivered ${l.deliveredPct} % ` +
        `(${l.deliveredPairs}/${l.expectedPairs}); server CPU ${result.server.cpuLoadSeconds} s in load (${result.server.cpuLoadPctOfCore} % of a core), ` +
        `${result.server.cpuTotalSeconds} s total; peak RSS ${result.server.peakRssMiB} MiB; client ELU ${l.clientWorkerElu.join('/')}; ` +
        `other processes ${result.otherProcessesPctOfCore} % of a core`,
    )
    if (l.failures.length) out(`  failures: ${l.failures.slice(0, 5).join('; ')}`)
  }
}

/** The run least disturbed by other processes stands for its server. */
const results = config.servers.map((id) => rounds.get(id)!.reduce((a, b) => (b.otherProcessesPctOfCore < a.otherProcessesPctOfCore ? b : a)))
const { resultsFile, writeReport, ...shownConfig } = config
const all: BenchResults = {
  machine,
  config: shownConfig,
  results,
  allRounds: config.rounds > 1 ? Object.fromEntries(rounds) : undefined,
}
writeResultsJson(resultsFile, all)
out(`\n${resultsTable(results)}\n\nRaw results: ${resultsFile}`)
if (writeReport) {
  updateBenchmarksMd('BENCHMARKS.md', all)
  out('BENCHMARKS.md updated.')
}
