import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { parentPort, workerData } from 'node:worker_threads'
import { DeliveryRecorder } from './deliveryRecorder'
import { LoadClient, type ClientEvents } from './loadClient'
import { nowUs } from './marker'
import { createProtocol } from './protocols/createProtocol'
import type { FromWorker, ToWorker, WorkerInit } from './workerMessages'

/**
 * A worker thread hosting the clients of some boards: connects them, runs the writers'
 * schedule, and counts what every reader receives.
 */

const init = workerData as WorkerInit
const port = parentPort!
const post = (msg: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer)

const firstBoard = init.boards[0]!.index
const recorder = new DeliveryRecorder({
  firstBoard,
  boards: init.boards.length,
  clientsPerBoard: init.clientsPerBoard,
  writersPerBoard: init.writersPerBoard,
  writesPerWriter: init.writesPerWriter,
})
const failures: string[] = []
const events: ClientEvents = {
  onMarker(client, writerId, seq, sentUs, arrivalUs) {
    recorder.record(client.setup.board, client.setup.slot, writerId, seq, sentUs, arrivalUs)
  },
  onFailure(client, what) {
    if (failures.length < 200) failures.push(`board ${client.setup.board} client ${client.setup.slot}: ${what}`)
  },
}

const clients: LoadClient[] = []
for (const board of init.boards) {
  for (let slot = 0; slot < init.clientsPerBoard; slot++) {
    const isWriter = slot < init.writersPerBoard
    clients.push(
      new LoadClient(
        {
          url: board.urls?.length ? board.urls[slot % board.urls.length]! : board.url,
          protocol: createProtocol(init.protocol, board.documentName, board.token),
          board: board.index,
          slot,
          writerId: isWriter ? board.index * init.writersPerBoard + slot : null,
          recordBytes: init.recordBytes,
        },
        events,
      ),
    )
  }
}
/**
 * Writers in the order they write within each period (evenly spaced). `adjacent` (default):
 * board by board, so a board's writers write within ~1 ms of each other; `spread`: slot by
 * slot, so they write a third of a period apart (BENCH_WRITER_SCHEDULE).
 */
const writers = clients.filter((c) => c.isWriter)
if (init.writerSchedule === 'spread') writers.sort((a, b) => a.setup.slot - b.setup.slot || a.setup.board - b.setup.board)

async function connectAll(): Promise<void> {
  const started = nowUs()
  const eluStart = performance.eventLoopUtilization()
  const connectFailures: string[] = []
  let next = 0
  const lane = async () => {
    while (next < clients.length) {
      const client = clients[next++]!
      try {
        await client.connect(init.connectTimeoutMs)
      } catch (err) {
        connectFailures.push(`board ${client.setup.board} client ${client.setup.slot}: ${(err as Error).message}`)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(init.connectConcurrency, clients.length) }, lane))
  const synced = clients.filter((c) => c.syncedUs > 0)
  const opened = clients.filter((c) => c.openUs > 0)
  post({
    type: 'connected',
    syncedMs: synced.map((c) => (c.syncedUs - c.createdUs) / 1000),
    openMs: opened.map((c) => (c.openUs - c.createdUs) / 1000),
    openToSyncedMs: synced.map((c) => (c.syncedUs - c.openUs) / 1000),
    sockets: opened.map((c) => ({ port: c.localPort, createdUs: c.createdUs, openUs: c.openUs, syncedUs: c.syncedUs })),
    failures: connectFailures,
    wallMs: (nowUs() - started) / 1000,
    elu: performance.eventLoopUtilization(eluStart).utilization,
  })
  startAwarenessRenewal()
}

let awarenessTimer: NodeJS.Timeout | null = null
/** Each client renews its awareness every `awarenessRenewMs`, spread over the interval. */
function startAwarenessRenewal(): void {
  if (init.awarenessRenewMs <= 0) return
  const slots = Math.max(1, Math.round(init.awarenessRenewMs / 1000))
  let tick = 0
  awarenessTimer = setInterval(() => {
    tick++
    for (let i = tick % slots; i < clients.length; i += slots) clients[i]!.renewAwareness()
  }, 1000)
}

let loadElu: ReturnType<typeof performance.eventLoopUtilization> | null = null
/** Event-loop delay of this worker during the window: the clients' own stalls. */
const loopDelay = monitorEventLoopDelay({ resolution: 10 })

/** Every writer writes `writesPerWriter` times at `hz`, writers spread evenly over a period. */
function runWriters(startAtUs: number): void {
  const periodUs = 1e6 / init.hz
  const n = writers.length
  const offsets = writers.map((_, i) => ((i + init.workerIndex / init.workers) / n) * periodUs)
  const lagMs: number[] = []
  /** Worst lag per second of the run, ms. */
  const lagTimeline: number[] = []
  let round = 0
  let i = 0
  let lastWriteUs = 0
  const due = () => startAtUs + round * periodUs + offsets[i]!
  const tick = () => {
    const now = nowUs()
    while (round < init.writesPerWriter && due() <= now) {
      const writer = writers[i]!
      const lateMs = (nowUs() - due()) / 1000
      const sentUs = writer.write(round)
      lastWriteUs = sentUs
      recorder.sent[recorder.localWriter(writer.setup.writerId!)] = round + 1
      lagMs.push(lateMs)
      const second = Math.floor((sentUs - startAtUs) / 1e6)
      if (second >= 0) lagTimeline[second] = Math.max(lagTimeline[second] ?? 0, Math.round(lateMs))
      if (++i === n) {
        i = 0
        round++
      }
    }
    if (round >= init.writesPerWriter || n === 0) {
      post({ type: 'writesDone', lastWriteUs, lagMs, lagTimeline: Array.from(lagTimeline, (v) => v ?? 0) })
      return
    }
    setTimeout(tick, Math.max(0, (due() - nowUs()) / 1000))
  }
  setTimeout(tick, Math.max(0, (startAtUs - nowUs()) / 1000))
}

function report(): void {
  recorder.counting = false
  loopDelay.disable()
  const elu = loadElu ? performance.eventLoopUtilization(loadElu).utilization : 0
  const latencies = recorder.latencySamples()
  const fanout = recorder.fanoutSamples()
  let messagesIn = 0
  let bytesIn = 0
  let maxBufferedAmount = 0
  for (const c of clients) {
    messagesIn += c.messagesIn
    bytesIn += c.bytesIn
    maxBufferedAmount = Math.max(maxBufferedAmount, c.bufferedAmount)
  }
  post(
    {
      type: 'results',
      latenciesUs: latencies,
      fanoutCompleteUs: fanout.complete,
      completeWrites: fanout.completeWrites,
      lostWrites: fanout.lostWrites,
      delivered: recorder.delivered,
      expected: recorder.expected,
      writesSent: recorder.writesSent,
      duplicates: recorder.duplicates,
      foreign: recorder.foreign,
      failures,
      loadElu: elu,
      loopDelayMs: { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
      messagesIn,
      bytesIn,
      maxBufferedAmount,
      writersWithPendingUpdates: writers.filter((w) => w.hasPendingUpdates).length,
      pendingAfterApply: writers.reduce((n, w) => n + w.pendingAfterApply, 0),
    },
    [latencies.buffer as ArrayBuffer, fanout.complete.buffer as ArrayBuffer],
  )
}

async function closeAll(): Promise<void> {
  if (awarenessTimer) clearInterval(awarenessTimer)
  await Promise.all(clients.map((c) => c.close()))
  for (const c of clients) c.destroy()
  post({ type: 'closed' })
}

port.on('message', (msg: ToWorker) => {
  const run = async () => {
    switch (msg.type) {
      case 'connect':
        await connectAll()
        break
      case 'start':
        recorder.counting = true
        loadElu = performance.eventLoopUtilization()
        loopDelay.reset()
        loopDelay.enable()
        runWriters(msg.startAtUs)
        break
      case 'collect':
        report()
        break
      case 'close':
        await closeAll()
        break
    }
  }
  run().catch((err) => post({ type: 'fatal', message: (err as Error).stack ?? String(err) }))
})
