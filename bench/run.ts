import { loadBenchConfig } from './config'
import { machineFacts } from './machine'
import { resultsTable, updateBenchmarksMd, writeResultsJson, type BenchResults } from './report'
import { runRounds } from './runRounds'

/**
 * `npm run bench`: the same load against Fabrique, the y-websocket reference server and
 * Hocuspocus, one after another. See BENCHMARKS.md for what is measured; env BENCH_* for the
 * parameters (bench/config.ts).
 */

const config = loadBenchConfig()
const machine = machineFacts()
const clients = config.boards * config.clientsPerBoard
const out = (m: string) => process.stdout.write(m + '\n')
out(
  `Benchmark: ${config.boards} boards × ${config.clientsPerBoard} clients = ${clients} WebSockets, ` +
    `${config.writersPerBoard} writers/board at ${config.hz} Hz for ${config.seconds} s, ${config.recordBytes}-byte records, ${config.writerSchedule} writers; ` +
    `${machine.cores} cores, Node ${machine.node}` +
    (config.rounds > 1 ? `; ${config.rounds} rounds, the quietest reported` : ''),
)

const { quietest: results, all: rounds } = await runRounds(config, out)
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
