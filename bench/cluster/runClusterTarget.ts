import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { withDefaultUser } from '../../server/persistence/postgres/connectionString'
import { writesPerWriter, type BenchConfig } from '../config'
import { nowUs } from '../marker'
import { cpuSeconds, machineBusySeconds, memory } from '../procStats'
import { partition, WorkerHandle } from '../runTarget'
import { freePort, tail, type ServerProcess } from '../servers/serverProcess'
import { concat, round, roundSummary, summarize, type Summary } from '../stats'
import type { ConnectReport, ResultsReport, WritesDoneReport } from '../workerMessages'
import { PidGroupCpu, postgresPidsFor, redisPids } from './serviceProcesses'
import type { ClusterTarget } from './targets'

/** Everything measured for one target (n instances). CPU in seconds, times in ms. */
export interface ClusterResult {
  id: string
  label: string
  persistence: string
  instances: number
  connect: { clients: number; synced: number; failures: string[]; allSyncedMs: number; syncedMs: Summary }
  load: {
    windowSeconds: number
    writesSent: number
    expectedPairs: number
    deliveredPairs: number
    deliveredPct: number
    /** Delivered (write, reader) pairs per second of the window. */
    deliveriesPerSecond: number
    duplicates: number
    foreign: number
    failures: string[]
    latencyMs: Summary
    fanoutCompleteMs: Summary
    writesReachingNoOne: number
    writersWithPendingUpdates: number
    writeLagMs: Summary
    clientWorkerElu: number[]
    clientWorkerLoopDelayMs: { p99: number; max: number }[]
  }
  servers: {
    pids: number[]
    /** Sum over the instances, during the load window. */
    cpuLoadSeconds: number
    cpuLoadPerInstance: number[]
    cpuConnectSeconds: number
    /** Sum of the instances' peak RSS (VmHWM), and each. */
    peakRssMiB: number
    peakRssPerInstanceMiB: number[]
    /** All instances together, % of one core, per second of the window. */
    cpuTimelinePct: number[]
    /** Lines at warn or above the instances wrote (LOG_LEVEL=warn), and the first few. */
    logLines: number
    logSample: string[]
    /** Log entries (a line not indented: a multi-line stack trace is one), by kind (numbers and ids blanked). */
    logKinds?: Record<string, number>
    /** Hocuspocus: stores skipped because another instance held the document's Redis lock. */
    storesSkippedLocked?: number
    /** `BENCH-DIAG` lines (bench/cluster/fabriqueDiagEntry.ts), last one per instance. */
    diag: unknown[]
  }
  postgres: { cpuLoadSeconds: number; processes: number; rowsInSchema?: Record<string, number> }
  redis: { cpuLoadSeconds: number }
  /** Servers + PostgreSQL + Redis during the window. */
  totalCpuLoadSeconds: number
  /** µs of CPU per delivered (write, reader) pair: servers only, and everything. */
  serverCpuUsPerDelivery: number
  totalCpuUsPerDelivery: number
  /** Delivered pairs per CPU-second (servers + PostgreSQL + Redis). */
  deliveriesPerCpuSecond: number
  clientProcess: { cpuLoadSeconds: number; cpuLoadPctOfCore: number }
  /** Machine busy time − servers − PostgreSQL − Redis − the bench, % of a core. */
  otherProcessesPctOfCore: number
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const MiB = (kib: number) => round(kib / 1024, 1)
const log = (m: string) => process.stdout.write(`  ${m}\n`)

export function databaseUrlFor(base: string, schema: string): string {
  const url = withDefaultUser(base)
  return `${url}${url.includes('?') ? '&' : '?'}options=-c%20search_path%3D${schema}`
}

/** Lines an instance logged (LOG_LEVEL=warn: warnings and errors only), without BENCH-DIAG lines. */
function logLines(file: string): string[] {
  try {
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('BENCH-DIAG '))
  } catch {
    return []
  }
}

/** Entries (unindented lines, after the `[instance] ` prefix) counted by kind: digits and hex ids blanked. */
function logKinds(lines: string[]): Record<string, number> {
  const kinds: Record<string, number> = {}
  for (const line of lines) {
    const text = line.replace(/^\[\d+\] /, '')
    if (/^\s/.test(text) || text.startsWith('}')) continue
    const kind = text
      .replace(/"(time|ts|t)":"[^"]*"/g, '"$1":…')
      .replace(/\b[0-9a-f]{8,}\b/gi, '…')
      .replace(/\d+/g, 'N')
      .slice(0, 160)
    kinds[kind] = (kinds[kind] ?? 0) + 1
  }
  return kinds
}

function lastDiag(file: string): unknown {
  try {
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('BENCH-DIAG '))
    const last = lines.at(-1)
    return last ? JSON.parse(last.slice('BENCH-DIAG '.length)) : null
  } catch {
    return null
  }
}

export interface ClusterBenchEnv {
  postgresUrl: string
  redisUrl: string
}

/**
 * Runs the whole load against one target: a fresh PostgreSQL schema, its instances, the
 * boards, every client (a board's spread over the instances), write, drain, collect, close,
 * stop, drop the schema.
 */
export async function runClusterTarget(target: ClusterTarget, config: BenchConfig, env: ClusterBenchEnv): Promise<ClusterResult> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `fabrique-bench-${target.id}-`))
  const schema = `bench_${target.id.replace(/[^a-z0-9]/g, '_')}_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: withDefaultUser(env.postgresUrl) })
  await admin.connect()
  await admin.query(`CREATE SCHEMA ${schema}`)
  const context = {
    databaseUrl: databaseUrlFor(env.postgresUrl, schema),
    redisUrl: env.redisUrl,
    redisPrefix: `bench-${schema}`,
    root,
  }
  if (target.schemaSql) await admin.query(`SET search_path TO ${schema}; ${target.schemaSql}`)
  const servers: ServerProcess[] = []
  const workers: WorkerHandle[] = []
  let ok = false
  try {
    const nodeArgs = await target.nodeArgs()
    for (let i = 0; i < target.instances; i++) {
      const dataDir = path.join(root, `instance-${i}`, 'data')
      const logDir = path.join(root, `instance-${i}`)
      fs.mkdirSync(dataDir, { recursive: true })
      servers.push(await target.startInstance({ nodeArgs, index: i, port: await freePort(), dataDir, logDir, context }))
    }
    const pids = servers.map((s) => s.pid)
    const serversCpu = () => pids.map((p) => cpuSeconds(p))
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)
    log(`instances: ${servers.map((s) => `pid ${s.pid} :${s.port}`).join(', ')}; schema ${schema}`)

    const boards = await target.prepareBoards(servers, config.boards)
    const parts = partition(boards, Math.min(config.workers, boards.length))
    const perWriter = writesPerWriter(config)
    for (let i = 0; i < parts.length; i++) {
      workers.push(
        new WorkerHandle({
          workerIndex: i,
          workers: parts.length,
          protocol: target.protocol,
          boards: parts[i]!,
          clientsPerBoard: config.clientsPerBoard,
          writersPerBoard: config.writersPerBoard,
          writesPerWriter: perWriter,
          hz: config.hz,
          recordBytes: config.recordBytes,
          connectConcurrency: config.connectConcurrency,
          connectTimeoutMs: 60_000,
          awarenessRenewMs: config.awarenessRenewMs,
          writerSchedule: config.writerSchedule,
        }),
      )
    }

    // Connect.
    const cpuBeforeConnect = sum(serversCpu())
    const connectStarted = nowUs()
    const connected = await Promise.all(workers.map((w) => w.request<ConnectReport>({ type: 'connect' }, 'connected')))
    const allSyncedMs = (nowUs() - connectStarted) / 1000
    const cpuAfterConnect = sum(serversCpu())
    const clients = config.boards * config.clientsPerBoard
    const syncedMs = connected.flatMap((c) => c.syncedMs)
    const connectFailures = connected.flatMap((c) => c.failures)
    log(`${syncedMs.length}/${clients} clients synced in ${(allSyncedMs / 1000).toFixed(2)} s` + (connectFailures.length ? `, ${connectFailures.length} failed: ${connectFailures[0]}` : ''))
    if (syncedMs.length === 0) throw new Error(`no client could connect: ${connectFailures.slice(0, 3).join('; ')}`)
    await sleep(config.settleMs)

    // Load.
    const postgres = new PidGroupCpu(() => postgresPidsFor(pids))
    const redis = new PidGroupCpu(redisPids)
    postgres.sample()
    redis.sample()
    const cpuLoadStart = serversCpu()
    const selfCpuLoadStart = cpuSeconds('self')
    const machineLoadStart = machineBusySeconds()
    const startAtUs = nowUs() + 100_000
    const timeline: number[] = []
    let lastSample = { cpu: sum(cpuLoadStart), us: nowUs() }
    const sampler = setInterval(() => {
      const cpu = sum(serversCpu())
      const us = nowUs()
      timeline.push(round(((cpu - lastSample.cpu) / ((us - lastSample.us) / 1e6)) * 100, 0))
      lastSample = { cpu, us }
      postgres.sample()
      redis.sample()
    }, 1000)
    const writesDone = workers.map((w) => w.wait<WritesDoneReport>('writesDone'))
    await Promise.all(workers.map((w) => w.request({ type: 'start', startAtUs }, null)))
    const done = await Promise.all(writesDone)
    const lastWriteUs = Math.max(...done.map((d) => d.lastWriteUs))
    await sleep(Math.max(0, (lastWriteUs - nowUs()) / 1000 + config.drainMs))
    const results = await Promise.all(workers.map((w) => w.request<ResultsReport>({ type: 'collect' }, 'results')))
    const loadEndUs = nowUs()
    clearInterval(sampler)
    const cpuLoadEnd = serversCpu()
    postgres.sample()
    redis.sample()
    const selfCpuLoadEnd = cpuSeconds('self')
    const machineLoadEnd = machineBusySeconds()
    const windowSeconds = (loadEndUs - startAtUs) / 1e6

    // Close the clients, then read memory before the servers shut down.
    await Promise.all(workers.map((w) => w.request({ type: 'close' }, 'closed')))
    await Promise.all(workers.map((w) => w.worker.terminate()))
    workers.length = 0
    await sleep(500)
    const hwm = pids.map((p) => memory(p).hwmKiB)
    const diag = servers.map((s) => lastDiag(s.logFile))
    for (const s of servers) await s.stop()
    const lines = servers.flatMap((s, i) => logLines(s.logFile).map((l) => `[${i}] ${l}`))
    const rowsInSchema: Record<string, number> = {}
    for (const table of ['board_updates', 'hocuspocus_documents']) {
      try {
        const { rows } = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.${table}`)
        rowsInSchema[table] = Number(rows[0]!.n)
      } catch {
        // not this target's table
      }
    }

    const delivered = results.reduce((n, r) => n + r.delivered, 0)
    const expected = results.reduce((n, r) => n + r.expected, 0)
    const serverLoad = sum(cpuLoadEnd) - sum(cpuLoadStart)
    const selfLoad = selfCpuLoadEnd - selfCpuLoadStart
    const totalLoad = serverLoad + postgres.seconds + redis.seconds
    const result: ClusterResult = {
      id: target.id,
      label: target.label,
      persistence: target.persistence,
      instances: target.instances,
      connect: {
        clients,
        synced: syncedMs.length,
        failures: connectFailures.slice(0, 20),
        allSyncedMs: round(allSyncedMs, 0),
        syncedMs: roundSummary(summarize(syncedMs)),
      },
      load: {
        windowSeconds: round(windowSeconds, 2),
        writesSent: results.reduce((n, r) => n + r.writesSent, 0),
        expectedPairs: expected,
        deliveredPairs: delivered,
        deliveredPct: expected ? round((delivered / expected) * 100, 3) : 0,
        deliveriesPerSecond: round(delivered / windowSeconds, 0),
        duplicates: results.reduce((n, r) => n + r.duplicates, 0),
        foreign: results.reduce((n, r) => n + r.foreign, 0),
        failures: results.flatMap((r) => r.failures).slice(0, 20),
        latencyMs: roundSummary(summarize(concat(results.map((r) => r.latenciesUs)), 1 / 1000)),
        fanoutCompleteMs: roundSummary(summarize(concat(results.map((r) => r.fanoutCompleteUs)), 1 / 1000)),
        writesReachingNoOne: results.reduce((n, r) => n + r.lostWrites, 0),
        writersWithPendingUpdates: results.reduce((n, r) => n + r.writersWithPendingUpdates, 0),
        writeLagMs: roundSummary(summarize(done.flatMap((d) => d.lagMs))),
        clientWorkerElu: results.map((r) => round(r.loadElu, 3)),
        clientWorkerLoopDelayMs: results.map((r) => ({ p99: round(r.loopDelayMs.p99, 1), max: round(r.loopDelayMs.max, 1) })),
      },
      servers: {
        pids,
        cpuLoadSeconds: round(serverLoad, 2),
        cpuLoadPerInstance: cpuLoadEnd.map((c, i) => round(c - cpuLoadStart[i]!, 2)),
        cpuConnectSeconds: round(cpuAfterConnect - cpuBeforeConnect, 2),
        peakRssMiB: MiB(sum(hwm)),
        peakRssPerInstanceMiB: hwm.map(MiB),
        cpuTimelinePct: timeline,
        logLines: lines.length,
        logSample: lines.slice(0, 10).map((l) => l.slice(0, 400)),
        logKinds: logKinds(lines),
        storesSkippedLocked: lines.filter((l) => l.includes('Could not acquire lock, another instance locked it already')).length,
        diag,
      },
      postgres: { cpuLoadSeconds: round(postgres.seconds, 2), processes: postgres.processes, rowsInSchema },
      redis: { cpuLoadSeconds: round(redis.seconds, 2) },
      totalCpuLoadSeconds: round(totalLoad, 2),
      serverCpuUsPerDelivery: delivered ? round((serverLoad / delivered) * 1e6, 1) : 0,
      totalCpuUsPerDelivery: delivered ? round((totalLoad / delivered) * 1e6, 1) : 0,
      deliveriesPerCpuSecond: totalLoad > 0 ? round(delivered / totalLoad, 0) : 0,
      clientProcess: { cpuLoadSeconds: round(selfLoad, 2), cpuLoadPctOfCore: round((selfLoad / windowSeconds) * 100, 1) },
      otherProcessesPctOfCore: round((Math.max(0, machineLoadEnd - machineLoadStart - totalLoad - selfLoad) / windowSeconds) * 100, 1),
    }
    ok = true
    return result
  } finally {
    for (const w of workers) await w.worker.terminate()
    for (const s of servers) {
      const stopped = await s.stop(5000)
      if (!ok) process.stderr.write(`  instance log (${s.logFile}, ${stopped.how}):\n${tail(s.logFile)}\n`)
    }
    try {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    } finally {
      await admin.end()
    }
    if (ok && process.env.BENCH_KEEP !== '1') fs.rmSync(root, { recursive: true, force: true })
    else log(`kept ${root}`)
  }
}
