// `npx tsx bench/physicalFloor.ts`: the physical floor of the 60 × 20 load on this machine —
// what a server that did nothing but one `send` per recipient per update would spend. 1,200
// WebSockets on loopback (`ws`, as the servers use), 60 boards of 20; for each of the bench's
// 27,000 writes (3 writers per board at 10 Hz for 15 s), the writer's ~0.9 KB frame goes to
// its 19 readers. Two ways, one after the other: `ws.send` per recipient (framing each time),
// and one prebuilt frame written to each TCP socket (what Fabrique's rooms do). No Yjs, no
// storage, no parsing: the readers (in a child process) only count messages. The sender's CPU
// over the window is the floor; the readers' CPU is what any load generator must spend at
// least to receive it (both share the machine's two cores). FLOOR_BOARDS=250 for 5,000 clients.
import { fork } from 'node:child_process'
import type { Socket } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import { binaryFrame } from '../server/sync/WsRoomSocket'
import { cpuSeconds } from './procStats'

const BOARDS = Number(process.env.FLOOR_BOARDS ?? 60)
const CLIENTS = Number(process.env.FLOOR_CLIENTS ?? 20)
const WRITERS = 3
const HZ = 10
const SECONDS = Number(process.env.FLOOR_SECONDS ?? 15)
const BYTES = 900

if (process.argv[2] === 'readers') {
  // The reading side: CLIENTS × BOARDS sockets that count what arrives.
  const { default: WS } = await import('ws')
  const port = Number(process.argv[3])
  let received = 0
  const sockets: InstanceType<typeof WS>[] = []
  for (let i = 0; i < BOARDS * CLIENTS; i++) {
    const ws = new WS(`ws://127.0.0.1:${port}/${Math.floor(i / CLIENTS)}`, { perMessageDeflate: false })
    ws.on('message', () => received++)
    sockets.push(ws)
    await new Promise((r) => ws.once('open', r))
  }
  const { cpuSeconds: readerCpu } = await import('./procStats')
  const cpuAtReady = readerCpu('self')
  process.send!({ ready: true })
  process.on('message', () => {
    process.send!({ received, cpuSeconds: readerCpu('self') - cpuAtReady })
    for (const ws of sockets) ws.terminate()
    process.exit(0)
  })
} else {
  for (const mode of ['ws.send', 'prebuilt frame'] as const) await run(mode)
  process.exit(0)
}

async function run(mode: 'ws.send' | 'prebuilt frame'): Promise<void> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false })
  await new Promise((r) => wss.once('listening', r))
  const boards: WebSocket[][] = Array.from({ length: BOARDS }, () => [])
  wss.on('connection', (ws, req) => boards[Number(req.url!.slice(1))]!.push(ws))
  const port = (wss.address() as { port: number }).port
  const readers = fork(import.meta.filename, ['readers', String(port)], { execArgv: process.execArgv })
  await new Promise<void>((resolve) => readers.once('message', () => resolve()))
  const payload = Buffer.alloc(BYTES, 120)
  const frame = binaryFrame(payload)
  const cpu0 = cpuSeconds('self')
  const started = Date.now()
  let writes = 0
  let sends = 0
  // Every 100 ms / (boards × writers) one write: writers spread evenly over the period.
  const perTick = BOARDS * WRITERS
  const total = perTick * HZ * SECONDS
  await new Promise<void>((resolve) => {
    const step = () => {
      const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * HZ * perTick))
      for (; writes < due; writes++) {
        const board = boards[writes % BOARDS]!
        const writer = Math.floor(writes / BOARDS) % WRITERS
        for (let i = 0; i < board.length; i++) {
          if (i === writer) continue
          if (mode === 'ws.send') board[i]!.send(payload, { binary: true })
          else (board[i] as unknown as { _socket: Socket })._socket.write(frame)
          sends++
        }
      }
      if (writes >= total) resolve()
      else setTimeout(step, 1)
    }
    step()
  })
  // Until every socket has flushed.
  while (wss.clients.size && [...wss.clients].some((c) => c.bufferedAmount > 0)) await new Promise((r) => setTimeout(r, 5))
  const cpu = cpuSeconds('self') - cpu0
  readers.send('report')
  const { received, cpuSeconds: readerCpu } = await new Promise<{ received: number; cpuSeconds: number }>((resolve) =>
    readers.once('message', (m) => resolve(m as { received: number; cpuSeconds: number })),
  )
  process.stdout.write(
    `${mode}: ${writes} writes → ${sends} sends of ${BYTES} B to ${BOARDS * CLIENTS} sockets in ${((Date.now() - started) / 1000).toFixed(1)} s; ${received} received\n` +
      `sender CPU: ${cpu.toFixed(2)} s, ${((cpu / sends) * 1e6).toFixed(2)} µs per send; ` +
      `readers' CPU (receiving only, counting messages): ${readerCpu.toFixed(2)} s, ${((readerCpu / Math.max(1, received)) * 1e6).toFixed(2)} µs per message\n`,
  )
  readers.kill()
  wss.close()
}
