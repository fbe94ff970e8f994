// `npx tsx bench/perUpdateWork.ts`: the server's work per update above the physical floor, with
// no network and no load generator — the part of "Where the CPU goes" a change to the rooms,
// the rules or the storage moves. A real FabriqueServer (production hooks, SQLite in a
// temporary directory) holds 60 boards of 20 connections; the connections' sockets frame what
// they are sent, as `ws` sockets do (`server/sync/WsRoomSocket.ts`), and drop it instead of
// writing it. Each board's 3 writers send the note records a bench writer sends, in bursts (a
// board's 3 writes, then the next board's…), 150 bursts per writer; the process's CPU time
// over the bursts is divided by the updates. Quieter than `npm run bench` (no kernel, no other
// process), so it can compare small changes: PER_UPDATE_ROUNDS rounds (default 5), each on a
// fresh server, median reported.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as decoding from 'lib0/decoding'
import * as Y from 'yjs'
import { loadConfig } from '../server/config'
import { FabriqueServer } from '../server/FabriqueServer'
import { createLogger } from '../server/logger'
import type { Room } from '../server/rooms/Room'
import type { RoomSocket } from '../server/rooms/RoomSocket'
import { binaryFrame, binaryFrames } from '../server/sync/WsRoomSocket'
import { MessageType, SyncMessageType } from '../shared/protocol'
import { DEFAULT_PAGE_ID } from '../shared/boardDoc'
import { noteRecord, plainRichText } from '../shared/noteRecord'
import { postJson } from './servers/fabrique'
import { makeRecord } from './marker'
import { syncUpdate } from './protocols/yMessages'

const BOARDS = Number(process.env.PER_UPDATE_BOARDS ?? 60)
const CLIENTS = 20
const WRITERS = 3
const BURSTS = Number(process.env.PER_UPDATE_BURSTS ?? 150)
const ROUNDS = Number(process.env.PER_UPDATE_ROUNDS ?? 5)
const RECORD_BYTES = 400
/** Boards' bursts stored in one flush (one SQLite transaction): ~5 under the bench's load (600 bursts a second, a flush every 8 ms). */
const BOARDS_PER_FLUSH = Number(process.env.PER_UPDATE_BOARDS_PER_FLUSH ?? 5)

/** A socket that frames what it is sent as the `ws` adapter does (one frame per message object, shared), then drops it. */
class FramingSink implements RoomSocket {
  bufferedAmount = 0
  /** While set, sync updates sent here are kept (to bring a writer's document up to date). */
  keep: Uint8Array[] | null = null
  /** Sync updates sent here. */
  updates = 0
  constructor(private readonly frames: WeakMap<object, Buffer>) {}
  send(data: Uint8Array): void {
    this.frame(data)
  }
  sendAll(messages: readonly Uint8Array[]): void {
    this.frame(messages.length === 1 ? messages[0]! : messages)
  }
  private frame(what: Uint8Array | readonly Uint8Array[]): void {
    for (const m of Array.isArray(what) ? what : [what as Uint8Array]) {
      if (m[0] === MessageType.sync && m[1] === SyncMessageType.update) this.updates++
      this.keep?.push(m)
    }
    if (!this.frames.has(what)) this.frames.set(what, Array.isArray(what) ? binaryFrames(what) : binaryFrame(what as Uint8Array))
  }
  close(): void {}
  terminate(): void {}
}

/** The sync updates among `messages`, applied to `doc`. */
function applyRelayed(doc: Y.Doc, messages: Uint8Array[]): void {
  for (const m of messages) {
    const d = decoding.createDecoder(m)
    if (decoding.readVarUint(d) !== MessageType.sync) continue
    const sub = decoding.readVarUint(d)
    if (sub === SyncMessageType.update || sub === SyncMessageType.step2) Y.applyUpdate(doc, decoding.readVarUint8Array(d), 'server')
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20))

async function round(): Promise<{ usPerUpdate: number; updates: number }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fabrique-per-update-'))
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    API_WRITES_PER_MINUTE_PER_ADDRESS: '1000000',
    // Flushes run as soon as a group of bursts is in: the loop below makes the groups the
    // group commit makes under the bench's load.
    FLUSH_WINDOW_MS: '0',
  })
  const server = new FabriqueServer({ config, logger: createLogger('warn') })
  const port = await server.listen()
  const base = `http://127.0.0.1:${port}`
  try {
    const lab = await postJson<{ id: string; tokens: { facilitator: string } }>(`${base}/api/labs`, { title: 'Per-update work' })
    const frames = new WeakMap<object, Buffer>()
    /** Per board: the room, and its writers (connection, own document, sink). */
    const boards: { room: Room; reader: FramingSink; writers: { send: (m: Uint8Array) => void; doc: Y.Doc; key: string; slot: number; sink: FramingSink }[] }[] = []
    let person = 0
    for (let b = 0; b < BOARDS; b++) {
      const board = await postJson<{ id: string }>(`${base}/api/labs/${lab.id}/boards`, { title: `Board ${b + 1}` }, lab.tokens.facilitator)
      const room = await server.rooms.getRoom(board.id)
      const writers = []
      let reader: FramingSink | null = null
      for (let c = 0; c < CLIENTS; c++) {
        const sink = new FramingSink(frames)
        const identity = { id: `person-${++person}`, name: `Person ${person}`, color: '#1971c2', ephemeral: true }
        const connection = room.addConnection(sink, 'participant', identity)
        if (c < WRITERS) {
          const doc = new Y.Doc()
          Y.applyUpdate(doc, Y.encodeStateAsUpdate(room.doc), 'server')
          sink.keep = []
          writers.push({ send: (m: Uint8Array) => room.handleMessage(connection, m), doc, key: `shape:bench-writer-${c}`, slot: c, sink })
        } else reader ??= sink
      }
      boards.push({ room, reader: reader!, writers })
    }
    // Each writer creates its note (the server stamps its author), and takes the server's version.
    for (const { writers } of boards) {
      for (const w of writers) {
        const update = captureUpdate(w.doc, () =>
          w.doc.getMap('records').set(w.key, noteRecord({ id: w.key, parentId: DEFAULT_PAGE_ID, x: 240 * w.slot, y: 0, index: `a${w.slot + 1}`, text: 'first' })),
        )
        w.send(syncUpdate(update))
      }
    }
    await settle()
    for (const { writers } of boards) for (const w of writers) (applyRelayed(w.doc, w.sink.keep!), (w.sink.keep = null))
    // Every write of the round, made in advance by the writers' own documents.
    let writerId = 0
    /** Per burst number, per board: its writers' writes. */
    const bursts: { send: (m: Uint8Array) => void; message: Uint8Array }[][][] = []
    for (let i = 0; i < BURSTS; i++) bursts.push([])
    for (const { writers } of boards) {
      for (let i = 0; i < BURSTS; i++) bursts[i]!.push([])
      for (const w of writers) {
        const id = ++writerId
        const map = w.doc.getMap('records') as Y.Map<Record<string, unknown>>
        for (let i = 0; i < BURSTS; i++) {
          const current = map.get(w.key)!
          const text = makeRecord(id, i, 0, RECORD_BYTES)
          const update = captureUpdate(w.doc, () => map.set(w.key, { ...current, props: { ...(current.props as object), richText: plainRichText(text) } }))
          bursts[i]!.at(-1)!.push({ send: w.send, message: syncUpdate(update) })
        }
      }
    }
    await settle()
    const relayedBefore = boards.reduce((n, b) => n + b.reader.updates, 0)
    const start = process.cpuUsage()
    for (const tick of bursts) {
      // Board after board, a board's writes together; BOARDS_PER_FLUSH boards' writes per flush.
      for (let b = 0; b < tick.length; b += BOARDS_PER_FLUSH) {
        for (const board of tick.slice(b, b + BOARDS_PER_FLUSH)) for (const { send, message } of board) send(message)
        await Promise.all(boards.slice(b, b + BOARDS_PER_FLUSH).map(({ room }) => room.settle()))
      }
    }
    const used = process.cpuUsage(start)
    const updates = BURSTS * boards.length * WRITERS
    const relayed = boards.reduce((n, b) => n + b.reader.updates, 0) - relayedBefore
    if (relayed !== updates) throw new Error(`perUpdateWork: ${relayed} of ${updates} updates relayed to the boards' readers`)
    return { usPerUpdate: (used.user + used.system) / updates, updates }
  } finally {
    await server.stop()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

function captureUpdate(doc: Y.Doc, change: () => void): Uint8Array {
  let captured: Uint8Array | null = null
  const capture = (u: Uint8Array) => (captured = u)
  doc.on('update', capture)
  doc.transact(change)
  doc.off('update', capture)
  if (!captured) throw new Error('perUpdateWork: the change made no update')
  return captured
}

const results: number[] = []
// A first round warms the JIT up; not counted.
await round()
for (let r = 0; r < ROUNDS; r++) {
  const { usPerUpdate, updates } = await round()
  results.push(usPerUpdate)
  console.log(`round ${r + 1}: ${usPerUpdate.toFixed(1)} µs of server CPU per update (${updates} updates)`)
}
results.sort((a, b) => a - b)
console.log(`median ${results[Math.floor(results.length / 2)]!.toFixed(1)} µs per update, min ${results[0]!.toFixed(1)}`)
