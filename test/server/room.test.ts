import { waitFor } from '../support/providers'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createLogger } from '../../server/logger'
import { MemoryStorage } from '../../server/persistence/MemoryStorage'
import { COMPACT_AFTER_LOG_BYTES, type Room } from '../../server/rooms/Room'
import { AWARENESS_TAKEOVER_MS, DEFAULT_AWARENESS_LIMITS } from '../../server/rooms/RoomAwareness'
import type { RoomHooks } from '../../server/rooms/RoomHooks'
import { RoomManager } from '../../server/rooms/RoomManager'
import { CloseCode, READ_ONLY_REASON } from '../../shared/protocol'
import type { Role } from '../../shared/roles'
import { makeBoard, makeHashes, makeLab, replay } from '../persistence/storageContract'
import { ControlledStorage } from '../support/controlledStorage'
import {
  applySyncMessages,
  awarenessMessage,
  MemorySocket,
  queryAwarenessMessage,
  step1Message,
  step2Message,
  turns,
  untilTurn,
  updateMessage,
  type DecodedMessage,
} from '../support/memorySockets'

const SEND_LIMIT = 1024 * 1024
let managers: RoomManager[] = []

afterEach(async () => {
  for (const m of managers.splice(0)) await m.closeAll(CloseCode.serverShutdown, 'test over')
})

async function setup(options: { hooks?: RoomHooks; compactAfterUpdates?: number; awarenessTakeoverMs?: number; flushWindowMs?: number; renewalDelayMs?: number } = {}) {
  const storage = new ControlledStorage(new MemoryStorage())
  const lab = makeLab()
  await storage.createLab(lab, makeHashes(lab.id))
  const board = makeBoard(lab.id)
  const seed = new Y.Doc()
  seed.getMap('records').set('page:page', { id: 'page:page', typeName: 'page' })
  await storage.createBoard(board, Y.encodeStateAsUpdate(seed))
  const manager = new RoomManager({
    storage,
    logger: createLogger('silent'),
    sendBufferLimitBytes: SEND_LIMIT,
    compactAfterUpdates: options.compactAfterUpdates ?? 1000,
    roomIdleMs: 60_000,
    flushWindowMs: options.flushWindowMs,
    hooks: options.hooks ? [options.hooks] : [],
    awareness: options.awarenessTakeoverMs === undefined ? undefined : { takeoverMs: options.awarenessTakeoverMs },
    renewalDelayMs: options.renewalDelayMs,
  })
  managers.push(manager)
  const room = await manager.getRoom(board.id)
  return { storage, manager, room, boardId: board.id }
}

let people = 0

/** A client of a room over an in-memory socket, with its own document. */
function join(room: Room, role: Role = 'participant') {
  const socket = new MemorySocket()
  const connection = room.addConnection(socket, role, { id: `person-${++people}`, name: 'Test', color: '#1971c2', ephemeral: false })
  const doc = new Y.Doc()
  return {
    socket,
    connection,
    doc,
    send: (message: Uint8Array) => room.handleMessage(connection, message),
    /** Makes a change on this client's doc and returns the update it produced. */
    edit(change: (records: Y.Map<unknown>) => void): Uint8Array {
      let captured: Uint8Array | null = null
      const capture = (u: Uint8Array) => (captured = u)
      doc.on('update', capture)
      doc.transact(() => change(doc.getMap('records')))
      doc.off('update', capture)
      if (!captured) throw new Error('edit made no change')
      return captured
    },
  }
}

/** What `peer` received once the room relayed everything pending (presence goes out with the next flush). */
async function received(room: Room, peer: { socket: MemorySocket }): Promise<DecodedMessage[]> {
  await room.settle()
  return peer.socket.take()
}

const ofType = <T extends DecodedMessage['type']>(messages: DecodedMessage[], type: T) =>
  messages.filter((m): m is Extract<DecodedMessage, { type: T }> => m.type === type)

/** The awareness entries among `messages`. */
const entry = (messages: DecodedMessage[]) => ofType(messages, 'awareness').flatMap((x) => x.entries)

describe('Room: joining', () => {
  it('a new connection gets sync step 1 with the room’s state vector, and no awareness while there is none', async () => {
    const { room } = await setup()
    const a = join(room)
    const messages = a.socket.take()
    expect(messages.map((m) => m.type)).toEqual(['step1'])
    expect(ofType(messages, 'step1')[0]!.payload).toEqual(Y.encodeStateVector(room.doc))
    // Answering its step 1 gives the client the stored board.
    a.send(step1Message(a.doc))
    applySyncMessages(a.doc, a.socket.take())
    expect(a.doc.getMap('records').get('page:page')).toEqual({ id: 'page:page', typeName: 'page' })
  })

  it('a viewer is told first that it is read-only', async () => {
    const { room } = await setup()
    const v = join(room, 'viewer')
    expect(v.socket.take().map((m) => (m.type === 'auth' ? `auth:${m.reason}` : m.type))).toEqual([`auth:${READ_ONLY_REASON}`, 'step1'])
    const p = join(room, 'participant')
    expect(ofType(p.socket.take(), 'auth')).toEqual([])
  })
})

describe('Room: group commit', () => {
  it('with a flush window, updates arriving from several sockets in the window after a flush are stored in one transaction and relayed once stored, in one write', async () => {
    const { room, storage, boardId } = await setup({ flushWindowMs: 30 })
    const a = join(room)
    const b = join(room)
    const c = join(room)
    for (const peer of [a, b, c]) peer.socket.take()
    // A first update after a quiet spell goes out after a burst's time (2 ms)…
    a.send(updateMessage(a.edit((r) => r.set('shape:first', 'from a'))))
    await waitFor(() => c.socket.sent.length > 0, 'the first update to be relayed', 2000)
    await room.settle()
    const first = c.socket.take()
    // …and the next ones wait for the window after it: the server is busy.
    const rowsBefore = (await storage.loadUpdates(boardId)).updates.length
    const batchesBefore = storage.appendBatches
    const writesBefore = c.socket.writes
    a.send(updateMessage(a.edit((r) => r.set('shape:a', 'from a'))))
    await new Promise((r) => setTimeout(r, 5))
    b.send(updateMessage(b.edit((r) => r.set('shape:b', 'from b'))))
    // Within the window: nothing stored, nothing relayed yet.
    expect(c.socket.sent).toHaveLength(0)
    await waitFor(() => room.doc.getMap('records').has('shape:b') && c.socket.sent.length > 0, 'the window to pass', 2000)
    await room.settle()
    const rows = (await storage.loadUpdates(boardId)).updates
    // A row each, in one transaction.
    expect(rows.length - rowsBefore).toBe(2)
    expect(storage.appendBatches - batchesBefore).toBe(1)
    // Both reach c in one write.
    expect(c.socket.writes - writesBefore).toBe(1)
    const received = new Y.Doc()
    applySyncMessages(received, [...first, ...c.socket.take()])
    expect(received.getMap('records').toJSON()).toEqual({ 'shape:first': 'from a', 'shape:a': 'from a', 'shape:b': 'from b' })
  })
})

describe('Room: durability order', () => {
  it('relays an update only once it is stored, and answers a sync step 1 that arrived meanwhile only after the write', async () => {
    const { room, storage, boardId } = await setup()
    const a = join(room)
    const b = join(room)
    const c = join(room)
    for (const peer of [a, b, c]) peer.socket.take()
    storage.holdAppends = true

    a.send(updateMessage(a.edit((r) => r.set('shape:1', { id: 'shape:1', text: 'durable' }))))
    await untilTurn(() => storage.heldAppendCount === 1, 'the append to start')
    // The room applied it in memory, but the disk does not have it yet.
    expect(room.doc.getMap('records').has('shape:1')).toBe(true)
    expect((await storage.loadUpdates(boardId)).updates).toHaveLength(1)
    expect(b.socket.sent).toHaveLength(0)

    // c asks for the state while the write is in flight: no answer yet.
    c.send(step1Message(c.doc))
    await turns(10)
    expect(b.socket.sent).toHaveLength(0)
    expect(c.socket.sent).toHaveLength(0)

    storage.releaseAppends()
    await room.settle()
    expect((await storage.loadUpdates(boardId)).updates).toHaveLength(2)
    const toB = b.socket.take()
    expect(toB.map((m) => m.type)).toEqual(['update'])
    applySyncMessages(b.doc, toB)
    expect(b.doc.getMap('records').get('shape:1')).toEqual({ id: 'shape:1', text: 'durable' })
    // c gets the update, then the answer to its step 1: both carry the stored content.
    const toC = c.socket.take()
    expect(toC.map((m) => m.type)).toEqual(['update', 'step2'])
    const cOnlyStep2 = new Y.Doc()
    applySyncMessages(cOnlyStep2, ofType(toC, 'step2'))
    expect(cOnlyStep2.getMap('records').get('shape:1')).toEqual({ id: 'shape:1', text: 'durable' })
  })

  it('stores a burst of updates received within one turn in one transaction, a row each, and relays it in one write', async () => {
    const { room, storage, boardId } = await setup()
    const a = join(room)
    const b = join(room)
    a.socket.take()
    b.socket.take()
    const rowsBefore = await storage.countUpdates(boardId)
    const batchesBefore = storage.appendBatches
    const writesBefore = b.socket.writes
    for (let i = 0; i < 10; i++) a.send(updateMessage(a.edit((r) => r.set(`shape:${i}`, { i }))))
    await room.settle()
    expect(storage.appendBatches - batchesBefore).toBe(1)
    expect(await storage.countUpdates(boardId)).toBe(rowsBefore + 10)
    expect(b.socket.writes - writesBefore).toBe(1)
    const toB = b.socket.take()
    expect(toB.map((m) => m.type)).toEqual(Array(10).fill('update'))
    applySyncMessages(b.doc, toB)
    expect(b.doc.getMap('records').toJSON()).toEqual(a.doc.getMap('records').toJSON())
    // The stored log replays to the same content.
    expect(replay((await storage.loadUpdates(boardId)).updates).getMap('records').toJSON()).toEqual(room.doc.getMap('records').toJSON())
  })

  it('relays every write of a burst, even two writes to the same key in one turn', async () => {
    const { room } = await setup()
    const a = join(room)
    const b = join(room)
    a.socket.take()
    b.socket.take()
    a.send(updateMessage(a.edit((r) => r.set('shape:moving', { x: 'first-position' }))))
    a.send(updateMessage(a.edit((r) => r.set('shape:moving', { x: 'second-position' }))))
    await room.settle()
    const toB = b.socket.take()
    expect(toB.map((m) => m.type)).toEqual(['update', 'update'])
    // Both values travel (a client applying it sees only the last, as it would one by one).
    const bytes = Buffer.concat(ofType(toB, 'update').map((m) => Buffer.from(m.payload)))
    expect(bytes.includes('first-position')).toBe(true)
    expect(bytes.includes('second-position')).toBe(true)
    applySyncMessages(b.doc, toB)
    expect(b.doc.getMap('records').get('shape:moving')).toEqual({ x: 'second-position' })
  })

  it('does not echo an update to its origin; every other connection gets it once', async () => {
    const { room } = await setup()
    const a = join(room)
    const others = [join(room), join(room), join(room, 'viewer')]
    for (const p of [a, ...others]) p.socket.take()
    a.send(updateMessage(a.edit((r) => r.set('shape:x', 1))))
    await room.settle()
    expect(a.socket.take()).toEqual([])
    for (const p of others) expect(p.socket.take().map((m) => m.type)).toEqual(['update'])
  })

  it('relays a live update as the message received; one with bytes after its update is relayed without them', async () => {
    const { room } = await setup()
    const a = join(room)
    const b = join(room)
    for (const p of [a, b]) p.socket.take()
    const message = updateMessage(a.edit((r) => r.set('shape:x', 1)))
    a.send(message)
    await room.settle()
    expect(b.socket.sent).toEqual([message])
    b.socket.take()
    // A modified client appends bytes after the update: they never reach anyone.
    const update = updateMessage(a.edit((r) => r.set('shape:y', 2)))
    a.send(new Uint8Array([...update, 7, 7, 7]))
    await room.settle()
    expect(b.socket.sent).toEqual([update])
    expect(room.doc.getMap('records').get('shape:y')).toBe(2)
  })

  it('relays a turn’s updates from several origins in one write each: every writer gets the others’ parts, not its own back', async () => {
    const { room } = await setup()
    const a = join(room)
    const b = join(room)
    const c = join(room)
    for (const p of [a, b, c]) p.socket.take()
    const writesBefore = [a, b, c].map((p) => p.socket.writes)
    a.send(updateMessage(a.edit((r) => r.set('from:a', 1))))
    b.send(updateMessage(b.edit((r) => r.set('from:b', 1))))
    await room.settle()
    expect([a, b, c].map((p, i) => p.socket.writes - writesBefore[i]!)).toEqual([1, 1, 1])
    const got = [a, b, c].map((p) => p.socket.take())
    expect(got.map((messages) => messages.map((m) => m.type))).toEqual([['update'], ['update'], ['update', 'update']])
    for (const [i, p] of [a, b, c].entries()) {
      applySyncMessages(p.doc, got[i]!)
      expect(p.doc.getMap('records').toJSON()).toEqual({ 'from:a': 1, 'from:b': 1 })
    }
  })

  it('stores and relays nothing for a step 2 that brings nothing new', async () => {
    const { room, storage } = await setup()
    const a = join(room)
    const b = join(room)
    a.send(step1Message(a.doc))
    applySyncMessages(a.doc, a.socket.take())
    b.socket.take()
    // A reconnecting client answers the server's step 1 with what the server already has.
    a.send(step2Message(Y.encodeStateAsUpdate(a.doc, Y.encodeStateVector(room.doc))))
    a.send(step2Message(Y.encodeStateAsUpdate(a.doc)))
    await room.settle()
    expect(storage.appendCalls).toBe(0)
    expect(b.socket.take()).toEqual([])
  })

  it('refuses a viewer’s update: not applied, not stored, not relayed', async () => {
    const { room, storage, boardId } = await setup()
    const viewer = join(room, 'viewer')
    const other = join(room)
    viewer.socket.take()
    other.socket.take()
    viewer.send(updateMessage(viewer.edit((r) => r.set('shape:viewer', 1))))
    viewer.send(step2Message(Y.encodeStateAsUpdate(viewer.doc)))
    await room.settle()
    expect(room.doc.getMap('records').has('shape:viewer')).toBe(false)
    expect(storage.appendCalls).toBe(0)
    expect((await storage.loadUpdates(boardId)).updates).toHaveLength(1)
    expect(other.socket.take()).toEqual([])
    // The viewer stays connected and keeps receiving others' writes.
    expect(viewer.socket.closed).toBeNull()
    other.send(updateMessage(other.edit((r) => r.set('shape:other', 1))))
    await room.settle()
    expect(viewer.socket.take().map((m) => m.type)).toEqual(['update'])
  })

  it('lets an onChange hook see exactly what an update changed and correct it: no one else sees it, the writer converges, its next edit flows', async () => {
    const seen: { roomIsThis: boolean; role: Role; changes: { path: string; before: unknown; after: unknown }[] }[] = []
    let theRoom: Room | null = null
    const hooks: RoomHooks = {
      onChange: ({ room, connection, changes }) => {
        seen.push({ roomIsThis: room === theRoom, role: connection.role, changes: changes.map((c) => ({ path: `${c.root}/${c.path.join('/')}`, before: c.before, after: c.after })) })
        return changes.filter((c) => c.path[0] === 'shape:guarded').map((change) => ({ change, value: change.before, rule: 'guarded', refused: true }))
      },
    }
    const { room, storage, boardId } = await setup({ hooks })
    theRoom = room
    const a = join(room, 'facilitator')
    const b = join(room)
    a.send(step1Message(a.doc))
    applySyncMessages(a.doc, a.socket.take())
    b.socket.take()
    a.send(updateMessage(a.edit((r) => r.set('shape:guarded', { v: 'first' }))))
    await room.settle()
    expect(room.doc.getMap('records').has('shape:guarded')).toBe(false)
    // The net effect is relayed (nothing visible), and the writer gets the correction.
    applySyncMessages(b.doc, b.socket.take())
    expect(b.doc.getMap('records').has('shape:guarded')).toBe(false)
    applySyncMessages(a.doc, a.socket.take())
    expect(a.doc.getMap('records').toJSON()).toEqual(room.doc.getMap('records').toJSON())
    // The refused content is neither stored nor sent.
    const stored = Buffer.concat((await storage.loadUpdates(boardId)).updates.map((u) => Buffer.from(u)))
    expect(stored.includes('first')).toBe(false)
    // The writer's clock chain is intact: its next edit, built on the refused one, is applied.
    a.send(updateMessage(a.edit((r) => r.set('shape:free', { v: 'next' }))))
    await room.settle()
    expect(room.doc.getMap('records').get('shape:free')).toEqual({ v: 'next' })
    applySyncMessages(b.doc, b.socket.take())
    expect(b.doc.getMap('records').get('shape:free')).toEqual({ v: 'next' })
    expect(seen.map((s) => s.roomIsThis && s.role)).toEqual(['facilitator', 'facilitator'])
    expect(seen[0]!.changes).toEqual([{ path: 'records/shape:guarded', before: undefined, after: { v: 'first' } }])
    expect(seen[1]!.changes).toEqual([{ path: 'records/shape:free', before: undefined, after: { v: 'next' } }])
  })

  it('compacts the stored log once it holds enough rows, keeping the content', async () => {
    const { room, storage, boardId } = await setup({ compactAfterUpdates: 4 })
    const a = join(room)
    for (let i = 0; i < 7; i++) {
      a.send(updateMessage(a.edit((r) => r.set(`shape:${i % 3}`, { v: i }))))
      await room.settle()
    }
    expect(storage.compactCalls).toBeGreaterThanOrEqual(1)
    const stored = await storage.loadUpdates(boardId)
    expect(stored.updates.length).toBeLessThan(4)
    expect(replay(stored.updates).getMap('records').toJSON()).toEqual(room.doc.getMap('records').toJSON())
  })

  it('compacts a log grown by large rewrites long before its row count: the disk holds about the board, twice at most', async () => {
    const { room, storage, boardId } = await setup({ compactAfterUpdates: 1000 })
    const a = join(room)
    const size = 512 * 1024
    let largestLog = 0
    for (let i = 0; i < 60; i++) {
      a.send(updateMessage(a.edit((r) => r.set('shape:big', String(i % 10).repeat(size)))))
      await room.settle()
      const { updates } = await storage.loadUpdates(boardId)
      largestLog = Math.max(largestLog, updates.reduce((n, u) => n + u.byteLength, 0))
    }
    // 30 MiB written for a 512 KiB board: the log never held more than the 8 MiB allowance and the board.
    expect(largestLog).toBeLessThan(COMPACT_AFTER_LOG_BYTES + 3 * size)
    expect(replay((await storage.loadUpdates(boardId)).updates).getMap('records').get('shape:big')).toBe('9'.repeat(size))
  })
})

describe('Room: failures and slow clients', () => {
  it('closes every connection with 4500 when a write fails, relays nothing, and the next getRoom reloads from storage', async () => {
    const { room, storage, manager, boardId } = await setup()
    const a = join(room)
    const b = join(room)
    a.socket.take()
    b.socket.take()
    const loadsBefore = manager.loadCount
    storage.failAppends = new Error('disk full')
    a.send(updateMessage(a.edit((r) => r.set('shape:lost', 1))))
    await room.settle()
    expect(a.socket.closed?.code).toBe(CloseCode.storageFailure)
    expect(b.socket.closed?.code).toBe(CloseCode.storageFailure)
    expect(b.socket.take()).toEqual([])
    expect(room.isFailed).toBe(true)
    expect(room.connectionCount).toBe(0)

    storage.failAppends = null
    const reloaded = await manager.getRoom(boardId)
    expect(reloaded).not.toBe(room)
    expect(manager.loadCount).toBe(loadsBefore + 1)
    // The reloaded room holds what is stored, not the write that failed.
    expect(reloaded.doc.getMap('records').has('shape:lost')).toBe(false)
    expect(reloaded.doc.getMap('records').has('page:page')).toBe(true)
    // The client reconnects and sends its edit again: now it is stored.
    const again = join(reloaded)
    again.send(step2Message(Y.encodeStateAsUpdate(a.doc)))
    await reloaded.settle()
    expect(replay((await storage.loadUpdates(boardId)).updates).getMap('records').get('shape:lost')).toBe(1)
  })

  it('does not keep a board whose load failed: the next getRoom loads it again', async () => {
    const { room, storage, manager, boardId } = await setup()
    // Unload the loaded room first (fail its storage so it is dropped).
    storage.failAppends = new Error('disk full')
    const a = join(room)
    a.send(updateMessage(a.edit((r) => r.set('x', 1))))
    await room.settle()
    storage.failAppends = null
    storage.failLoads = new Error('database locked')
    await expect(manager.getRoom(boardId)).rejects.toThrow('database locked')
    await expect(manager.getRoom(boardId)).rejects.toThrow('database locked')
    storage.failLoads = null
    const loaded = await manager.getRoom(boardId)
    expect(loaded).not.toBe(room)
    expect(loaded.doc.getMap('records').has('page:page')).toBe(true)
    expect(await manager.getRoom(boardId)).toBe(loaded)
  })

  it('drops a connection whose unsent data is over the limit (its data freed at once) instead of skipping it', async () => {
    const { room } = await setup()
    const a = join(room)
    const slow = join(room)
    const fine = join(room)
    for (const p of [a, slow, fine]) p.socket.take()
    slow.socket.bufferedAmount = SEND_LIMIT + 1
    fine.socket.bufferedAmount = SEND_LIMIT
    a.send(updateMessage(a.edit((r) => r.set('shape:1', 1))))
    await room.settle()
    expect(slow.socket.closed?.code).toBe(1006)
    expect(slow.socket.sent).toHaveLength(0)
    expect(fine.socket.closed).toBeNull()
    expect(fine.socket.take().map((m) => m.type)).toEqual(['update'])
    expect(room.connectionCount).toBe(2)
  })

  it('lets a newcomer read a board larger than the limit: its state may wait unsent on top of it, nothing more', async () => {
    const { room } = await setup()
    const a = join(room)
    a.send(updateMessage(a.edit((r) => r.set('shape:big', 'b'.repeat(3 * SEND_LIMIT)))))
    await room.settle()
    const newcomer = join(room)
    newcomer.socket.take()
    newcomer.send(step1Message(newcomer.doc))
    const state = newcomer.socket.take()
    expect(ofType(state, 'step2')).toHaveLength(1)
    // The 3 MiB state is still in the socket's buffer when the next edit comes.
    newcomer.socket.bufferedAmount = 3 * SEND_LIMIT + 100
    a.send(updateMessage(a.edit((r) => r.set('shape:1', 1))))
    await room.settle()
    expect(newcomer.socket.closed).toBeNull()
    expect(newcomer.socket.take().map((m) => m.type)).toEqual(['update'])
    // More than the limit besides the state: a slow reader after all.
    newcomer.socket.bufferedAmount = 4 * SEND_LIMIT + 200
    a.send(updateMessage(a.edit((r) => r.set('shape:2', 2))))
    await room.settle()
    expect(newcomer.socket.closed?.code).toBe(1006)
  })
})

describe('Room: awareness', () => {
  it('tracks entries per connection and relays them to everyone, the sender included', async () => {
    const { room } = await setup()
    const a = join(room)
    const b = join(room)
    await received(room, a)
    await received(room, b)
    a.send(awarenessMessage([{ clientId: 11, clock: 1, state: { name: 'Amina' } }]))
    const expected = [{ clientId: 11, clock: 1, state: '{"name":"Amina"}' }]
    expect(entry(await received(room, a))).toEqual(expected)
    expect(entry(await received(room, b))).toEqual(expected)
    // A newcomer gets the current awareness right after step 1.
    const c = join(room)
    const toC = (await received(room, c))
    expect(toC.map((m) => m.type)).toEqual(['step1', 'awareness'])
    expect(entry(toC)).toEqual(expected)
  })

  it('presence arriving within one flush window reaches each connection in one write, in order', async () => {
    const { room } = await setup({ flushWindowMs: 20 })
    const a = join(room)
    const b = join(room)
    const c = join(room)
    for (const p of [a, b, c]) await received(room, p)
    const writes = c.socket.writes
    a.send(awarenessMessage([{ clientId: 11, clock: 1, state: { n: 'a' } }]))
    b.send(awarenessMessage([{ clientId: 22, clock: 1, state: { n: 'b' } }]))
    a.send(awarenessMessage([{ clientId: 11, clock: 2, state: { n: 'a', cursor: 1 } }]))
    expect(c.socket.sent).toHaveLength(0)
    expect(entry(await received(room, c))).toEqual([
      { clientId: 11, clock: 1, state: '{"n":"a"}' },
      { clientId: 22, clock: 1, state: '{"n":"b"}' },
      { clientId: 11, clock: 2, state: '{"n":"a","cursor":1}' },
    ])
    expect(c.socket.writes - writes).toBe(1)
  })

  it('answers queryAwareness with every current entry', async () => {
    const { room } = await setup()
    const a = join(room)
    const b = join(room)
    a.send(awarenessMessage([{ clientId: 11, clock: 3, state: { n: 'a' } }]))
    b.send(awarenessMessage([{ clientId: 22, clock: 1, state: { n: 'b' } }]))
    b.send(awarenessMessage([{ clientId: 22, clock: 2, state: { n: 'b2' } }]))
    const c = join(room)
    await received(room, c)
    c.send(queryAwarenessMessage())
    const entries = entry(await received(room, c))
    expect(entries.sort((x, y) => x.clientId - y.clientId)).toEqual([
      { clientId: 11, clock: 3, state: '{"n":"a"}' },
      { clientId: 22, clock: 2, state: '{"n":"b2"}' },
    ])
  })

  it('removes a closed connection’s entries for everyone, with clock + 1 and a null state', async () => {
    const { room } = await setup()
    const a = join(room)
    const b = join(room)
    a.send(awarenessMessage([{ clientId: 11, clock: 4, state: { n: 'a' } }, { clientId: 12, clock: 1, state: { n: 'a2' } }]))
    b.send(awarenessMessage([{ clientId: 22, clock: 1, state: { n: 'b' } }]))
    await received(room, b)
    a.connection.close(1000, 'bye')
    expect(entry(await received(room, b)).sort((x, y) => x.clientId - y.clientId)).toEqual([
      { clientId: 11, clock: 5, state: 'null' },
      { clientId: 12, clock: 2, state: 'null' },
    ])
    const c = join(room)
    expect(entry(await received(room, c))).toEqual([{ clientId: 22, clock: 1, state: '{"n":"b"}' }])
  })

  it('forgets an entry its owner sets to null, and does not announce it again on close', async () => {
    const { room } = await setup()
    const a = join(room)
    const b = join(room)
    a.send(awarenessMessage([{ clientId: 11, clock: 1, state: { n: 'a' } }]))
    a.send(awarenessMessage([{ clientId: 11, clock: 2, state: null }]))
    expect(entry(await received(room, b)).at(-1)).toEqual({ clientId: 11, clock: 2, state: 'null' })
    a.connection.close(1000, 'bye')
    expect((await received(room, b))).toEqual([])
  })

  it('does not let a connection overwrite or remove another connection’s client id', async () => {
    const { room } = await setup()
    const owner = join(room)
    const impostor = join(room)
    const witness = join(room)
    owner.send(awarenessMessage([{ clientId: 11, clock: 1, state: { name: 'Amina' } }]))
    for (const p of [owner, impostor, witness]) await received(room, p)

    // A higher clock, then a removal, for a client id another connection owns; plus its own entry.
    impostor.send(awarenessMessage([{ clientId: 11, clock: 9, state: { name: 'Impostor' } }, { clientId: 33, clock: 1, state: { name: 'Bob' } }]))
    impostor.send(awarenessMessage([{ clientId: 11, clock: 10, state: null }]))
    // Peers never see the impostor's version of client 11 (the owner would adopt it as its own).
    for (const p of [owner, witness]) {
      expect(entry(await received(room, p))).toEqual([{ clientId: 33, clock: 1, state: '{"name":"Bob"}' }])
    }
    // The impostor hears back only what was kept (an empty message for the refused removal).
    const echoes = ofType((await received(room, impostor)), 'awareness')
    expect(echoes.map((m) => m.entries)).toEqual([[{ clientId: 33, clock: 1, state: '{"name":"Bob"}' }], []])
    witness.send(queryAwarenessMessage())
    expect(entry(await received(room, witness)).find((e) => e.clientId === 11)).toEqual({ clientId: 11, clock: 1, state: '{"name":"Amina"}' })

    // When the impostor leaves, only its own entry goes.
    impostor.connection.close(1000, 'bye')
    expect(entry(await received(room, witness))).toEqual([{ clientId: 33, clock: 2, state: 'null' }])
    // The owner can still update its entry.
    owner.send(awarenessMessage([{ clientId: 11, clock: 2, state: { name: 'Amina B.' } }]))
    expect(entry(await received(room, witness))).toEqual([{ clientId: 11, clock: 2, state: '{"name":"Amina B."}' }])
  })
})

describe('Room: presence renewals', () => {
  it('holds a renewal (same state, newer clock) and relays it with the next update, in the same write to each recipient', async () => {
    const { room } = await setup({ renewalDelayMs: 60_000 })
    const a = join(room)
    const b = join(room)
    const c = join(room)
    a.send(awarenessMessage([{ clientId: 11, clock: 1, state: { name: 'Amina' } }]))
    for (const p of [a, b, c]) await received(room, p)
    a.send(awarenessMessage([{ clientId: 11, clock: 2, state: { name: 'Amina' } }]))
    // Nothing new to show: no one is written to for it.
    await room.settle()
    for (const p of [a, b, c]) expect(p.socket.sent).toHaveLength(0)
    // A newcomer already gets the renewed clock.
    const late = join(room)
    expect(entry(await received(room, late))).toEqual([{ clientId: 11, clock: 2, state: '{"name":"Amina"}' }])
    const writes = [a, b, c, late].map((p) => p.socket.writes)
    b.send(updateMessage(b.edit((r) => r.set('shape:b', 'from b'))))
    await waitFor(() => c.socket.sent.length > 0, 'the relay', 2000)
    await room.settle()
    // Readers get the update and the renewal in one write; the writer (who gets no echo of its update) the renewal alone.
    for (const p of [a, c, late]) {
      const got = (await received(room, p))
      expect(got.map((m) => m.type)).toEqual(['update', 'awareness'])
      expect(entry(got)).toEqual([{ clientId: 11, clock: 2, state: '{"name":"Amina"}' }])
    }
    expect(entry(await received(room, b))).toEqual([{ clientId: 11, clock: 2, state: '{"name":"Amina"}' }])
    expect([a, b, c, late].map((p, i) => p.socket.writes - writes[i]!)).toEqual([1, 1, 1, 1])
    // Sent once: the next update goes alone.
    b.send(updateMessage(b.edit((r) => r.set('shape:b', 'again'))))
    await waitFor(() => c.socket.sent.length > 0, 'the relay', 2000)
    expect((await received(room, c)).map((m) => m.type)).toEqual(['update'])
  })

  it('without updates, relays the renewals waiting in one message once the delay is over', async () => {
    const { room } = await setup({ renewalDelayMs: 40 })
    const a = join(room)
    const b = join(room)
    const witness = join(room)
    a.send(awarenessMessage([{ clientId: 11, clock: 1, state: { n: 'a' } }]))
    b.send(awarenessMessage([{ clientId: 22, clock: 1, state: { n: 'b' } }]))
    for (const p of [a, b, witness]) await received(room, p)
    a.send(awarenessMessage([{ clientId: 11, clock: 2, state: { n: 'a' } }]))
    b.send(awarenessMessage([{ clientId: 22, clock: 2, state: { n: 'b' } }]))
    a.send(awarenessMessage([{ clientId: 11, clock: 3, state: { n: 'a' } }]))
    await room.settle()
    expect(witness.socket.sent).toHaveLength(0)
    await waitFor(() => witness.socket.sent.length > 0, 'the delay', 2000)
    const got = (await received(room, witness))
    expect(got).toHaveLength(1)
    expect(entry(got).sort((x, y) => x.clientId - y.clientId)).toEqual([
      { clientId: 11, clock: 3, state: '{"n":"a"}' },
      { clientId: 22, clock: 2, state: '{"n":"b"}' },
    ])
    // The senders hear theirs back too (a stock client takes any message as a sign the link lives).
    expect(entry(await received(room, a)).map((e) => e.clientId).sort()).toEqual([11, 22])
  })

  it('relays a change of state with the next flush, the renewals waiting along; never a held renewal older than a change or a departure', async () => {
    const { room } = await setup({ renewalDelayMs: 40 })
    const a = join(room)
    const b = join(room)
    const witness = join(room)
    a.send(awarenessMessage([{ clientId: 11, clock: 1, state: { n: 'a' } }]))
    b.send(awarenessMessage([{ clientId: 22, clock: 1, state: { n: 'b' } }]))
    for (const p of [a, b, witness]) await received(room, p)
    a.send(awarenessMessage([{ clientId: 11, clock: 2, state: { n: 'a' } }]))
    b.send(awarenessMessage([{ clientId: 22, clock: 2, state: { n: 'b' } }]))
    // a's cursor moves: relayed, with b's renewal; a's own renewal was overtaken and is not sent.
    const writes = witness.socket.writes
    a.send(awarenessMessage([{ clientId: 11, clock: 3, state: { n: 'a', cursor: 1 } }]))
    expect(entry(await received(room, witness))).toEqual([
      { clientId: 11, clock: 3, state: '{"n":"a","cursor":1}' },
      { clientId: 22, clock: 2, state: '{"n":"b"}' },
    ])
    expect(witness.socket.writes - writes).toBe(1)
    // b renews, then leaves: its departure goes out, its renewal never does.
    b.send(awarenessMessage([{ clientId: 22, clock: 3, state: { n: 'b' } }]))
    b.connection.close(1000, 'bye')
    expect(entry(await received(room, witness))).toEqual([{ clientId: 22, clock: 4, state: 'null' }])
    await new Promise((r) => setTimeout(r, 120))
    expect(await received(room, witness)).toEqual([])
  })
})

describe('Room: awareness bounds', () => {
  it('keeps at most DEFAULT_AWARENESS_LIMITS.maxIdsPerConnection client ids per connection; the rest never reach anyone', async () => {
    const { room } = await setup()
    const greedy = join(room)
    const witness = join(room)
    for (const p of [greedy, witness]) await received(room, p)
    const many = Array.from({ length: 10 }, (_, i) => ({ clientId: 100 + i, clock: 1, state: { n: i } }))
    greedy.send(awarenessMessage(many))
    expect(entry(await received(room, witness)).map((e) => e.clientId)).toEqual([100, 101, 102, 103].slice(0, DEFAULT_AWARENESS_LIMITS.maxIdsPerConnection))
    // A newcomer gets only those.
    const late = join(room)
    expect(entry(await received(room, late)).map((e) => e.clientId).sort()).toEqual([100, 101, 102, 103].slice(0, DEFAULT_AWARENESS_LIMITS.maxIdsPerConnection))
    // Giving one back makes room for another.
    greedy.send(awarenessMessage([{ clientId: 100, clock: 2, state: null }, { clientId: 200, clock: 1, state: { n: 'new' } }]))
    expect(entry(await received(room, witness)).map((e) => e.clientId)).toEqual([100, 200])
  })

  it('an owner idle for longer than y-protocols’ 15 s renewal keeps its id; silent past the window, it can be taken over', async () => {
    const { room } = await setup()
    const owner = join(room)
    const other = join(room)
    const witness = join(room)
    owner.send(awarenessMessage([{ clientId: 11, clock: 1, state: { name: 'Amina' } }]))
    for (const p of [owner, other, witness]) await received(room, p)
    // Idle, but alive: the last renewal was 16 s ago.
    owner.connection.lastMessageAt = Date.now() - 16_000
    other.send(awarenessMessage([{ clientId: 11, clock: 2, state: { name: 'Pas Amina' } }]))
    expect(entry(await received(room, witness))).toEqual([])
    owner.connection.lastMessageAt = Date.now() - AWARENESS_TAKEOVER_MS - 1
    other.send(awarenessMessage([{ clientId: 11, clock: 3, state: { name: 'Amina' } }]))
    expect(entry(await received(room, witness))).toEqual([{ clientId: 11, clock: 3, state: '{"name":"Amina"}' }])
  })
})

describe('Room: a client back on a new socket', () => {
  it('takes over its awareness id from its silent old socket, and the old socket’s close removes nothing', async () => {
    const { room } = await setup({ awarenessTakeoverMs: 30 })
    const oldSocket = join(room)
    const witness = join(room)
    oldSocket.send(awarenessMessage([{ clientId: 11, clock: 4, state: { name: 'Amina' } }]))
    await received(room, witness)
    // The Wi-Fi dropped: the old socket is silent but not yet closed by the server.
    await new Promise((r) => setTimeout(r, 60))
    const newSocket = join(room)
    newSocket.send(awarenessMessage([{ clientId: 11, clock: 5, state: { name: 'Amina', cursor: 1 } }]))
    expect(entry(await received(room, witness))).toEqual([{ clientId: 11, clock: 5, state: '{"name":"Amina","cursor":1}' }])
    // Pings finally drop the old socket: Amina's presence stays, owned by the new socket.
    oldSocket.connection.close(1000, 'dead')
    expect(await received(room, witness)).toEqual([])
    newSocket.connection.close(1000, 'bye')
    expect(entry(await received(room, witness))).toEqual([{ clientId: 11, clock: 6, state: 'null' }])
  })

  it('cannot take over the id of an owner that is still talking', async () => {
    const { room } = await setup({ awarenessTakeoverMs: 60_000 })
    const owner = join(room)
    const other = join(room)
    owner.send(awarenessMessage([{ clientId: 11, clock: 1, state: { name: 'Amina' } }]))
    other.send(awarenessMessage([{ clientId: 11, clock: 2, state: { name: 'Impostor' } }]))
    await received(room, owner)
    other.send(queryAwarenessMessage())
    expect(entry(await received(room, other)).find((e) => e.clientId === 11)).toEqual({ clientId: 11, clock: 1, state: '{"name":"Amina"}' })
  })
})

describe('Room: malformed messages', () => {
  const cases: [string, () => Uint8Array][] = [
    ['an empty message', () => new Uint8Array([])],
    ['an unknown message type', () => new Uint8Array([9, 0])],
    ['an unknown sync sub-type', () => new Uint8Array([0, 7, 0])],
    ['a sync message whose length overruns it', () => new Uint8Array([0, 2, 50, 1, 2, 3])],
    ['an awareness update with trailing bytes', () => awarenessWithTrailingByte()],
    ['an awareness update announcing more entries than it holds', () => new Uint8Array([1, 4, 2, 11, 1, 0])],
    ['an awareness update announcing 20,000 clients', () => new Uint8Array([1, 3, 0xa0, 0x9c, 0x01])],
    ['a sync update that is not a Yjs update', () => updateMessage(truncatedUpdate())],
  ]

  function awarenessWithTrailingByte(): Uint8Array {
    const ok = awarenessMessage([{ clientId: 5, clock: 1, state: {} }])
    // Inner update length + 1, then one extra byte.
    const inner = ok.subarray(2)
    return new Uint8Array([1, inner.length + 1, ...inner, 0])
  }

  function truncatedUpdate(): Uint8Array {
    const doc = new Y.Doc()
    doc.getMap('records').set('shape:t', { text: 'x'.repeat(100) })
    const full = Y.encodeStateAsUpdate(doc)
    return full.subarray(0, Math.floor(full.length / 2))
  }

  it.each(cases)('closes only the sender of %s with 4400; others carry on', async (_name, make) => {
    const { room, storage, boardId } = await setup()
    const bad = join(room)
    const a = join(room)
    const b = join(room)
    a.send(awarenessMessage([{ clientId: 11, clock: 1, state: {} }]))
    for (const p of [bad, a, b]) p.socket.take()
    bad.send(make())
    await room.settle()
    expect(bad.socket.closed?.code).toBe(CloseCode.malformedMessage)
    expect(bad.socket.closed?.reason).toMatch(/malformed/)
    expect(a.socket.closed).toBeNull()
    expect(b.socket.closed).toBeNull()
    expect(room.connectionCount).toBe(2)
    // Nothing of it reached the others or the disk.
    expect(b.socket.take().filter((m) => m.type !== 'awareness')).toEqual([])
    expect(room.isFailed).toBe(false)
    const rows = await storage.countUpdates(boardId)
    a.send(updateMessage(a.edit((r) => r.set('after', 1))))
    await room.settle()
    expect(await storage.countUpdates(boardId)).toBe(rows + 1)
    expect(b.socket.take().map((m) => m.type)).toEqual(['update'])
    // Later messages from the closed connection are ignored.
    bad.send(updateMessage(bad.edit((r) => r.set('ghost', 1))))
    await room.settle()
    expect(room.doc.getMap('records').has('ghost')).toBe(false)
  })

  it('ignores auth messages from clients (nothing to say there) without closing', async () => {
    const { room } = await setup()
    const a = join(room)
    a.send(new Uint8Array([2, 0, 3, 0x61, 0x62, 0x63]))
    await room.settle()
    expect(a.socket.closed).toBeNull()
  })
})
