import { loadBenchConfig, type ServerId } from './config'
import { machineFacts } from './machine'
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
process.stdout.write(
  `Benchmark: ${config.boards} boards × ${config.clientsPerBoard} clients = ${clients} WebSockets, ` +
    `${config.writersPerBoard} writers/board at ${config.hz} Hz for ${config.seconds} s, ${config.recordBytes}-byte records; ` +
    `${machine.cores} cores, Node ${machine.node}\n`,
)

const results: TargetResult[] = []
for (const id of config.servers) {
  const target = TARGETS[id]
  process.stdout.write(`\n${target.label} (${target.persistence})\n`)
  const result = await runTarget(target, config)
  results.push(result)
  const l = result.load
  process.stdout.write(
    `  latency p50 ${l.latencyMs.p50} ms, p99 ${l.latencyMs.p99} ms, max ${l.latencyMs.max} ms; delivered ${l.deliveredPct} % ` +
      `(${l.deliveredPairs}/${l.expectedPairs}); server CPU ${result.server.cpuLoadSeconds} s in load (${result.server.cpuLoadPctOfCore} % of a core), ` +
      `${result.server.cpuTotalSeconds} s total; peak RSS ${result.server.peakRssMiB} MiB; client ELU ${l.clientWorkerElu.join('/')}\n`,
  )
  if (l.failures.length) process.stdout.write(`  failures: ${l.failures.slice(0, 5).join('; ')}\n`)
}

const { resultsFile, writeReport, ...shownConfig } = config
const all: BenchResults = { machine, config: shownConfig, results }
writeResultsJson(resultsFile, all)
process.stdout.write(`\n${resultsTable(results)}\n\nRaw results: ${resultsFile}\n`)
if (writeReport) {
  updateBenchmarksMd('BENCHMARKS.md', all)
  process.stdout.write('BENCHMARKS.md updated.\n')
}
