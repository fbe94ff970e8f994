import { loadBenchConfig, SERVER_IDS } from './config'
import { machineFacts } from './machine'
import { writeResultsJson } from './report'
import { runRounds } from './runRounds'
import { scalingTable, scalingGrowth, updateScalingInBenchmarksMd, type ScalingResults } from './scalingReport'

/**
 * `npm run bench:scaling`: the load of `npm run bench` (per board: 20 clients, 3 writers at
 * 10 Hz) on 60, 125 and 250 boards — 1,200, 2,500 and 5,000 WebSockets — against each server,
 * with the clients spread over two worker threads. Reports, per size and server, whether the
 * load generator kept up, latencies, and server CPU per delivered (write, reader) pair.
 *
 * BENCH_SCALING_BOARDS=60,125,250 (default) picks the sizes; every other BENCH_* knob applies
 * as for `npm run bench` (BENCH_WORKERS defaults to 2 here).
 */

if (!process.env.BENCH_WORKERS) process.env.BENCH_WORKERS = '2'
const base = loadBenchConfig()
const sizes = (process.env.BENCH_SCALING_BOARDS?.trim() || '60,125,250').split(',').map((s) => {
  const n = Number(s.trim())
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new Error(`BENCH_SCALING_BOARDS: "${s}" is not a number of boards between 1 and 10000`)
  return n
})
const out = (m: string) => process.stdout.write(m + '\n')
const { resultsFile: _r, writeReport: _w, boards: _b, ...shownConfig } = base
const results: ScalingResults = { machine: machineFacts(), config: shownConfig, sizes: [] }
const defaultLoad = process.env.BENCH_SCALING_BOARDS === undefined && base.clientsPerBoard === 20 && base.writersPerBoard === 3 && base.hz === 10 && base.seconds === 15 && base.recordBytes === 400 && base.writerSchedule === 'adjacent'
const writeReport = process.env.BENCH_WRITE_REPORT ? process.env.BENCH_WRITE_REPORT === '1' : defaultLoad && base.servers.length === SERVER_IDS.length
const file = process.env.BENCH_OUT?.trim() || (writeReport ? 'bench/scaling.json' : '.tmp/bench-scaling-quick.json')

for (const boards of sizes) {
  out(`\n=== ${boards} boards × ${base.clientsPerBoard} clients = ${boards * base.clientsPerBoard} WebSockets ===`)
  const { quietest, all } = await runRounds({ ...base, boards }, out)
  results.sizes.push({ boards, clients: boards * base.clientsPerBoard, results: quietest, allRounds: base.rounds > 1 ? Object.fromEntries(all) : undefined })
  writeResultsJson(file, results)
}
out(`\n${scalingTable(results)}\n\n${scalingGrowth(results)}\n\nRaw results: ${file}`)
if (writeReport) {
  updateScalingInBenchmarksMd('BENCHMARKS.md', results)
  out('BENCHMARKS.md updated.')
}
