import { loadBenchConfig, type BenchConfig } from '../config'
import { machineFacts } from '../machine'
import { waitForQuietMachine } from '../quietMachine'
import {
  clusterTable,
  scalingLines,
  sweepTable,
  updateClusterSection,
  updateSweepSection,
  writeClusterJson,
  type ClusterBenchResults,
  type ClusterSweepResults,
  type SweepStep,
} from './report'
import { runClusterTarget, type ClusterResult } from './runClusterTarget'
import { CLUSTER_TARGETS } from './targets'

/**
 * `npm run bench:cluster`: the load of `npm run bench` against several instances sharing
 * PostgreSQL and Redis — Fabrique ×1 and ×3, Hocuspocus 3.4.4 (+ its Redis and Database
 * extensions) ×1 and ×3 — with each board's clients spread over the instances. See the
 * section "Several instances" of BENCHMARKS.md.
 *
 * Env: the BENCH_* of bench/config.ts (load, rounds, quiet machine), and
 * BENCH_CLUSTER_TARGETS=fabrique-x1,fabrique-x3,hocuspocus-x1,hocuspocus-x3 (default: all),
 * BENCH_POSTGRES_URL (default postgres://127.0.0.1:5432/test; each run gets a fresh schema,
 * dropped after), BENCH_REDIS_URL (default redis://127.0.0.1:6379). BENCH_CLUSTER_SWEEP=10,20,30,45,60:
 * the same per-board load on each of these board counts in turn (the highest each target sustains).
 */

const config = loadBenchConfig()
const machine = machineFacts()
const out = (m: string) => process.stdout.write(m + '\n')
const env = {
  postgresUrl: process.env.BENCH_POSTGRES_URL?.trim() || 'postgres://127.0.0.1:5432/test',
  redisUrl: process.env.BENCH_REDIS_URL?.trim() || 'redis://127.0.0.1:6379',
}
const wanted = process.env.BENCH_CLUSTER_TARGETS?.trim()
const targets = wanted
  ? wanted.split(',').map((id) => {
      const t = CLUSTER_TARGETS.find((c) => c.id === id.trim())
      if (!t) throw new Error(`BENCH_CLUSTER_TARGETS: unknown target "${id}" (known: ${CLUSTER_TARGETS.map((c) => c.id).join(', ')})`)
      return t
    })
  : CLUSTER_TARGETS
const allTargets = targets.length === CLUSTER_TARGETS.length
const fullRun = config.isFullLoad && allTargets && config.runtime === 'bundle' && config.workers === 1 && !process.env.BENCH_FABRIQUE_ENTRY
const writeReport = process.env.BENCH_WRITE_REPORT ? process.env.BENCH_WRITE_REPORT === '1' : fullRun
const resultsFile = process.env.BENCH_OUT?.trim() || (writeReport ? 'bench/cluster/results.json' : '.tmp/bench-cluster-results-quick.json')

out(
  `Cluster benchmark: ${config.boards} boards × ${config.clientsPerBoard} clients, ${config.writersPerBoard} writers/board at ${config.hz} Hz for ${config.seconds} s; ` +
    `targets ${targets.map((t) => t.id).join(', ')}; ${machine.cores} cores, Node ${machine.node}` +
    (config.rounds > 1 ? `; ${config.rounds} rounds, the quietest reported` : ''),
)

/** Runs every target `config.rounds` times (interleaved) at `config`'s load; the quietest run of each. */
async function runAll(cfg: BenchConfig): Promise<{ results: ClusterResult[]; rounds: Map<string, ClusterResult[]> }> {
  const rounds = new Map<string, ClusterResult[]>(targets.map((t) => [t.id, []]))
  for (let round = 1; round <= cfg.rounds; round++) {
    for (const target of targets) {
      out(`\n${target.label}, ${cfg.boards} boards (${target.persistence})${cfg.rounds > 1 ? ` — round ${round}/${cfg.rounds}` : ''}`)
      await waitForQuietMachine(cfg.quietPct, cfg.quietWaitMs, (m) => out(`  ${m}`))
      const r = await runClusterTarget(target, cfg, env)
      rounds.get(target.id)!.push(r)
      out(
        `  latency p50 ${r.load.latencyMs.p50} ms, p99 ${r.load.latencyMs.p99} ms; delivered ${r.load.deliveredPct} %; ` +
          `CPU servers ${r.servers.cpuLoadSeconds} s (${r.servers.cpuLoadPerInstance.join(' / ')}), PostgreSQL ${r.postgres.cpuLoadSeconds} s, Redis ${r.redis.cpuLoadSeconds} s; ` +
          `${r.totalCpuUsPerDelivery} µs per delivery; peak RSS ${r.servers.peakRssMiB} MiB; client ELU ${r.load.clientWorkerElu.join('/')}, writes late p99 ${r.load.writeLagMs.p99} ms; ` +
          `other processes ${r.otherProcessesPctOfCore} % of a core; instance log lines ${r.servers.logLines}`,
      )
      if (r.load.failures.length) out(`  failures: ${r.load.failures.slice(0, 5).join('; ')}`)
      if (r.servers.logSample.length) out(`  instance log: ${r.servers.logSample.slice(0, 3).join(' | ')}`)
      if (r.servers.diag.some(Boolean)) out(`  diag: ${JSON.stringify(r.servers.diag)}`)
    }
  }
  const results = targets.map((t) => rounds.get(t.id)!.reduce((a, b) => (b.otherProcessesPctOfCore < a.otherProcessesPctOfCore ? b : a)))
  return { results, rounds }
}

const { resultsFile: _f, writeReport: _w, servers: _s, ...shownConfig } = config
const sweep = process.env.BENCH_CLUSTER_SWEEP?.trim()
if (sweep) {
  // BENCH_CLUSTER_SWEEP=10,20,30,45,60: the same load per board on more and more boards.
  const counts = sweep.split(',').map((n) => Number(n.trim()))
  if (counts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`BENCH_CLUSTER_SWEEP must list board counts, got "${sweep}"`)
  const steps: SweepStep[] = []
  for (const boards of counts) {
    const { results } = await runAll({ ...config, boards, isFullLoad: false })
    steps.push({ boards, results })
  }
  const sweepAll: ClusterSweepResults = { machine, config: shownConfig, steps }
  const suffix = config.writerSchedule === 'adjacent' ? '' : `-${config.writerSchedule}`
  const file = process.env.BENCH_OUT?.trim() || (allTargets ? `bench/cluster/sweep${suffix}.json` : `.tmp/bench-cluster-sweep${suffix}-quick.json`)
  writeClusterJson(file, sweepAll)
  out(`\n${sweepTable(sweepAll)}\n\nRaw results: ${file}`)
  const writeSweep = process.env.BENCH_WRITE_REPORT ? process.env.BENCH_WRITE_REPORT === '1' : allTargets && config.runtime === 'bundle' && !process.env.BENCH_FABRIQUE_ENTRY
  if (writeSweep) out(updateSweepSection('BENCHMARKS.md', sweepAll) ? 'BENCHMARKS.md updated (sweep section).' : 'BENCHMARKS.md has no sweep section markers: not updated.')
} else {
  const { results, rounds } = await runAll(config)
  const all: ClusterBenchResults = { machine, config: shownConfig, results, allRounds: config.rounds > 1 ? Object.fromEntries(rounds) : undefined }
  writeClusterJson(resultsFile, all)
  out(`\n${clusterTable(results)}\n\n${scalingLines(results).join('\n')}\n\nRaw results: ${resultsFile}`)
  if (writeReport) out(updateClusterSection('BENCHMARKS.md', all) ? 'BENCHMARKS.md updated (cluster section).' : 'BENCHMARKS.md has no cluster section markers: not updated.')
}
