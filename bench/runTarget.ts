import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { writesPerWriter, type BenchConfig } from './config'
import { connectStages, connectStagesEnabled, readServerTrace, type ConnectStages } from './connectStages'
import { generatorHealth, type GeneratorHealth } from './generatorHealth'
import { nowUs } from './marker'
import { cpuSeconds, directoryBytes, ioCalls, machineBusySeconds, memory } from './procStats'
import type { BenchTarget } from './servers/BenchTarget'
import { freePort, tail, type ServerProcess } from './servers/serverProcess'
import { concat, round, roundSummary, summarize, type Summary } from './stats'
import type { BoardEndpoint, ConnectReport, FromWorker, ResultsReport, ToWorker, WorkerInit, WritesDoneReport } from './workerMessages'

/** Everything measured for one server. Times in ms unless named otherwise. */
export interface TargetResult {
  id: string
  label: string
  persistence: string
  connect: {
    clients: number
    synced: number
    failures: string[]
    /** From the first socket to the last client synced, all workers together. */
    allSyncedMs: number
    /** Per client: socket created → handshake done (sync step 2 received, authenticated). */
    syncedMs: Summary
    /** Per client: socket created → WebSocket open. */
    openMs: Summary
    /** Per client: WebSocket open → handshake done (absent from results recorded before it was measured). */
    openToSyncedMs?: Summary
    /** Where created → open goes, per stage (BENCH_CONNECT_STAGES=1 only). */
    stages?: ConnectStages
    /** Event-loop utilisation of each client worker while connecting (absent from older results). */
    clientWorkerElu?: number[]
  }
  load: {
    /** First write → end of the drain (deliveries counted within it). */
    windowSeconds: number
    writesSent: number
    writesExpected: number
    expectedPairs: number
    deliveredPairs: number
    deliveredPct: number
    duplicates: number
    foreign: number
    failures: string[]
    /** Per (write, reader) pair: write sent → update received. */
    latencyMs: Summary
    /** Per write that reached every reader: write sent → the last reader had it. */
    fanoutCompleteMs: Summary
    writesReachingEveryone: number
    /** Writes sent that reached no reader at all (e.g. superseded before being relayed). */
    writesReachingNoOne: number
    /** How late writes left compared with their schedule: client-side health. */
    writeLagMs: Summary
    /** Event-loop utilisation of each client worker during the window (1 = saturated). */
    clientWorkerElu: number[]
    /** Event-loop delay of each client worker during the window: p99 / max, ms. */
    clientWorkerLoopDelayMs: { p99: number; max: number }[]
    /** Worst write lag per second, per worker, ms. */
    writeLagTimelineMs: number[][]
    messagesReceived: number
    /** Writers whose Y.Doc ended with updates it could not apply: must be 0. */
    writersWithPendingUpdates: number
    /** Updates a writer received before their dependencies (even if resolved later). */
    updatesAppliedOutOfOrder: number
    bytesReceived: number
    /** Messages the clients received per delivered (write, reader) pair: < 1 when the server merges a board's writes into one relay. */
    messagesPerDeliveredPair: number
    /** Did the load generator deliver the load asked? Latencies measured while it lagged are marked so. */
    generator: GeneratorHealth
  }
  server: {
    pid: number
    /** CPU used to start (module loading, TS transpiling for tsx-run servers). */
    cpuStartupSeconds: number
    cpuConnectSeconds: number
    /** utime + stime during the load window. */
    cpuLoadSeconds: number
    /** cpuLoadSeconds / windowSeconds × 100: share of one core. */
    cpuLoadPctOfCore: number
    /** utime + stime from process start until the clients had all closed (before shutdown). */
    cpuTotalSeconds: number
    /** Resident memory once started, before any board or client. */
    rssAtReadyMiB: number
    /** VmHWM: peak resident memory over the whole run. */
    peakRssMiB: number
    rssAfterLoadMiB: number
    /**
     * Write system calls of the server during the load window (socket writes, plus its
     * storage's file writes), and per delivered (write, reader) pair: the physical floor is paid
     * per call, so < 1 means several updates went out to a reader in one call.
     */
    writeCallsInLoad: number
    writeCallsPerDeliveredPair: number
    /** Server CPU during the load window per delivered (write, reader) pair, µs. */
    cpuUsPerDeliveredPair: number
    /** Server CPU, % of one core, per second of the load window. */
    cpuTimelinePct: number[]
    shutdown: { how: string; ms: number }
    dataBytes: number
  }
  /** The benchmark process (clients + orchestration) during the load window. */
  /** The bench process (the clients): CPU while connecting (absent from older results) and during the load. */
  clientProcess: { cpuConnectSeconds?: number; cpuLoadSeconds: number; cpuLoadPctOfCore: number }
  /**
   * CPU used during the load window by everything else on the machine (neither the server nor
   * the benchmark), % of one core: noise. Above ~10 % the run was disturbed.
   */
  otherProcessesPctOfCore: number
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const MiB = (kib: number) => round(kib / 1024, 1)

/**
 * Worker threads do not inherit tsx's loader on Node 20: the worker registers it, then loads
 * the TypeScript entry.
 */
const WORKER_BOOTSTRAP = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./clientWorker.ts', import.meta.url).href)}) })`

export class WorkerHandle {
  readonly worker: Worker
  private readonly waiting = new Map<string, (msg: FromWorker) => void>()
  private fatal: Error | null = null

  constructor(init: WorkerInit) {
    this.worker = new Worker(WORKER_BOOTSTRAP, { eval: true, workerData: init })
    this.worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'fatal') {
        this.fatal = new Error(`client worker ${init.workerIndex} failed: ${msg.message}`)
        for (const resolve of this.waiting.values()) resolve(msg)
        return
      }
      const resolve = this.waiting.get(msg.type)
      this.waiting.delete(msg.type)
      resolve?.(msg)
    })
    this.worker.on('error', (err) => {
      this.fatal = err
      for (const resolve of this.waiting.values()) resolve({ type: 'fatal', message: err.message })
    })
  }

  /** Sends a command and waits for the report of type `expect` (null: do not wait). */
  request<T extends FromWorker>(msg: ToWorker, expect: T['type'] | null): Promise<T> {
    const answer = expect
      ? new Promise<T>((resolve, reject) => {
          this.waiting.set(expect, (m) => (m.type === 'fatal' ? reject(this.fatal ?? new Error(m.message)) : resolve(m as T)))
        })
      : Promise.resolve(null as unknown as T)
    if (this.fatal) return Promise.reject(this.fatal)
    this.worker.postMessage(msg)
    return answer
  }

  /** Waits for a report the worker sends on its own (e.g. "writes done"). */
  wait<T extends FromWorker>(expect: T['type']): Promise<T> {
    if (this.fatal) return Promise.reject(this.fatal)
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(expect, (m) => (m.type === 'fatal' ? reject(this.fatal ?? new Error(m.message)) : resolve(m as T)))
    })
  }
}

/** Splits boards into `n` consecutive, near-equal runs. */
export function partition(boards: BoardEndpoint[], n: number): BoardEndpoint[][] {
  const parts: BoardEndpoint[][] = []
  const size = Math.ceil(boards.length / n)
  for (let i = 0; i < boards.length; i += size) parts.push(boards.slice(i, i + size))
  return parts
}

function log(message: string): void {
  process.stdout.write(`  ${message}\n`)
}

/**
 * Runs the whole load against one server: start it on a fresh data directory, create the
 * boards, connect every client, write, drain, collect, close, stop.
 */
export async function runTarget(target: BenchTarget, config: BenchConfig): Promise<TargetResult> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `fabrique-bench-${target.id}-`))
  const dataDir = path.join(root, 'data')
  const logDir = path.join(root, 'logs')
  fs.mkdirSync(dataDir)
  fs.mkdirSync(logDir)
  const port = await freePort()
  let server: ServerProcess | null = null
  const workers: WorkerHandle[] = []
  let ok = false
  try {
    server = await target.start({ port, dataDir, logDir })
    const pid = server.pid
    const cpuStartup = cpuSeconds(pid)
    const rssAtReady = memory(pid).rssKiB
    log(`server pid ${pid} on port ${port}, data in ${dataDir}`)

    const boards = await target.prepareBoards(server, config.boards)
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
    const cpuBeforeConnect = cpuSeconds(pid)
    const connectStarted = nowUs()
    const selfCpuConnectStart = cpuSeconds('self')
    const connected = await Promise.all(workers.map((w) => w.request<ConnectReport>({ type: 'connect' }, 'connected')))
    const allSyncedMs = (nowUs() - connectStarted) / 1000
    const cpuAfterConnect = cpuSeconds(pid)
    const selfCpuConnectSeconds = cpuSeconds('self') - selfCpuConnectStart
    const clients = config.boards * config.clientsPerBoard
    const syncedMs = connected.flatMap((c) => c.syncedMs)
    const connectFailures = connected.flatMap((c) => c.failures)
    log(`${syncedMs.length}/${clients} clients synced in ${(allSyncedMs / 1000).toFixed(2)} s` + (connectFailures.length ? `, ${connectFailures.length} failed: ${connectFailures[0]}` : ''))
    if (syncedMs.length === 0) throw new Error(`no client could connect: ${connectFailures.slice(0, 3).join('; ')}`)
    await sleep(config.settleMs)

    // Load.
    const cpuLoadStart = cpuSeconds(pid)
    const ioLoadStart = ioCalls(pid)
    const selfCpuLoadStart = cpuSeconds('self')
    const machineLoadStart = machineBusySeconds()
    const startAtUs = nowUs() + 100_000
    const timeline: number[] = []
    let lastSample = { cpu: cpuLoadStart, us: nowUs() }
    const sampler = setInterval(() => {
      const cpu = cpuSeconds(pid)
      const us = nowUs()
      timeline.push(round(((cpu - lastSample.cpu) / ((us - lastSample.us) / 1e6)) * 100, 0))
      lastSample = { cpu, us }
    }, 1000)
    const writesDone = workers.map((w) => w.wait<WritesDoneReport>('writesDone'))
    await Promise.all(workers.map((w) => w.request({ type: 'start', startAtUs }, null)))
    const done = await Promise.all(writesDone)
    const lastWriteUs = Math.max(...done.map((d) => d.lastWriteUs))
    await sleep(Math.max(0, (lastWriteUs - nowUs()) / 1000 + config.drainMs))
    const results = await Promise.all(workers.map((w) => w.request<ResultsReport>({ type: 'collect' }, 'results')))
    const loadEndUs = nowUs()
    clearInterval(sampler)
    const cpuLoadEnd = cpuSeconds(pid)
    const ioLoadEnd = ioCalls(pid)
    const selfCpuLoadEnd = cpuSeconds('self')
    const machineLoadEnd = machineBusySeconds()
    const rssAfterLoad = memory(pid).rssKiB
    const windowSeconds = (loadEndUs - startAtUs) / 1e6

    // Close the clients, then read the totals before the server shuts down.
    await Promise.all(workers.map((w) => w.request({ type: 'close' }, 'closed')))
    await Promise.all(workers.map((w) => w.worker.terminate()))
    workers.length = 0
    await sleep(500)
    const cpuTotal = cpuSeconds(pid)
    const mem = memory(pid)
    const shutdown = await server.stop()
    const dataBytes = directoryBytes(dataDir)
    const serverTrace = connectStagesEnabled() ? readServerTrace(logDir) : null

    const delivered = results.reduce((n, r) => n + r.delivered, 0)
    const expected = results.reduce((n, r) => n + r.expected, 0)
    const writesSent = results.reduce((n, r) => n + r.writesSent, 0)
    const latency = summarize(concat(results.map((r) => r.latenciesUs)), 1 / 1000)
    const result: TargetResult = {
      id: target.id,
      label: target.label,
      persistence: target.persistence,
      connect: {
        clients,
        synced: syncedMs.length,
        failures: connectFailures.slice(0, 20),
        allSyncedMs: round(allSyncedMs, 0),
        syncedMs: roundSummary(summarize(syncedMs)),
        openMs: roundSummary(summarize(connected.flatMap((c) => c.openMs))),
        openToSyncedMs: roundSummary(summarize(connected.flatMap((c) => c.openToSyncedMs))),
        clientWorkerElu: connected.map((c) => round(c.elu, 3)),
        ...(serverTrace && { stages: connectStages(connected.flatMap((c) => c.sockets), serverTrace) }),
      },
      load: {
        windowSeconds: round(windowSeconds, 2),
        writesSent,
        writesExpected: config.boards * config.writersPerBoard * perWriter,
        expectedPairs: expected,
        deliveredPairs: delivered,
        deliveredPct: expected ? round((delivered / expected) * 100, 3) : 0,
        duplicates: results.reduce((n, r) => n + r.duplicates, 0),
        foreign: results.reduce((n, r) => n + r.foreign, 0),
        failures: results.flatMap((r) => r.failures).slice(0, 20),
        latencyMs: roundSummary(latency),
        fanoutCompleteMs: roundSummary(summarize(concat(results.map((r) => r.fanoutCompleteUs)), 1 / 1000)),
        writesReachingEveryone: results.reduce((n, r) => n + r.completeWrites, 0),
        writesReachingNoOne: results.reduce((n, r) => n + r.lostWrites, 0),
        writeLagMs: roundSummary(summarize(done.flatMap((d) => d.lagMs))),
        clientWorkerElu: results.map((r) => round(r.loadElu, 3)),
        clientWorkerLoopDelayMs: results.map((r) => ({ p99: round(r.loopDelayMs.p99, 1), max: round(r.loopDelayMs.max, 1) })),
        writeLagTimelineMs: done.map((d) => d.lagTimeline),
        messagesReceived: results.reduce((n, r) => n + r.messagesIn, 0),
        writersWithPendingUpdates: results.reduce((n, r) => n + r.writersWithPendingUpdates, 0),
        updatesAppliedOutOfOrder: results.reduce((n, r) => n + r.pendingAfterApply, 0),
        bytesReceived: results.reduce((n, r) => n + r.bytesIn, 0),
        messagesPerDeliveredPair: delivered ? round(results.reduce((n, r) => n + r.messagesIn, 0) / delivered, 3) : 0,
        generator: generatorHealth({
          writesSent,
          writesExpected: config.boards * config.writersPerBoard * perWriter,
          clientWorkerElu: results.map((r) => r.loadElu),
          writeLagMs: summarize(done.flatMap((d) => d.lagMs)),
          hz: config.hz,
        }),
      },
      server: {
        pid,
        cpuStartupSeconds: round(cpuStartup, 2),
        cpuConnectSeconds: round(cpuAfterConnect - cpuBeforeConnect, 2),
        cpuLoadSeconds: round(cpuLoadEnd - cpuLoadStart, 2),
        cpuLoadPctOfCore: round(((cpuLoadEnd - cpuLoadStart) / windowSeconds) * 100, 1),
        cpuTotalSeconds: round(cpuTotal, 2),
        rssAtReadyMiB: MiB(rssAtReady),
        peakRssMiB: MiB(mem.hwmKiB),
        rssAfterLoadMiB: MiB(rssAfterLoad),
        writeCallsInLoad: ioLoadEnd.writes - ioLoadStart.writes,
        writeCallsPerDeliveredPair: delivered ? round((ioLoadEnd.writes - ioLoadStart.writes) / delivered, 3) : 0,
        cpuUsPerDeliveredPair: delivered ? round(((cpuLoadEnd - cpuLoadStart) / delivered) * 1e6, 2) : 0,
        cpuTimelinePct: timeline,
        shutdown,
        dataBytes,
      },
      clientProcess: {
        cpuConnectSeconds: round(selfCpuConnectSeconds, 2),
        cpuLoadSeconds: round(selfCpuLoadEnd - selfCpuLoadStart, 2),
        cpuLoadPctOfCore: round(((selfCpuLoadEnd - selfCpuLoadStart) / windowSeconds) * 100, 1),
      },
      otherProcessesPctOfCore: round(
        (Math.max(0, machineLoadEnd - machineLoadStart - (cpuLoadEnd - cpuLoadStart) - (selfCpuLoadEnd - selfCpuLoadStart)) / windowSeconds) * 100,
        1,
      ),
    }
    ok = true
    return result
  } finally {
    for (const w of workers) await w.worker.terminate()
    if (server) {
      const stopped = await server.stop(5000)
      if (!ok) process.stderr.write(`  server log (${server.logFile}, ${stopped.how}):\n${tail(server.logFile)}\n`)
    }
    if (ok && process.env.BENCH_KEEP !== '1') fs.rmSync(root, { recursive: true, force: true })
    else log(`kept ${root}`)
  }
}
