import { spawn } from 'node:child_process'
import path from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { afterEach, describe, expect, it } from 'vitest'
import type { Storage } from '../../server/persistence/Storage'
import { getRecordsMap } from '../../shared/boardDoc'
import { replay } from '../persistence/storageContract'
import { MAX_EARLY_MESSAGES } from '../../server/sync/SyncEndpoint'
import { CloseCode } from '../../shared/protocol'
import { ControlledStorage } from '../support/controlledStorage'
import { awarenessMessage } from '../support/memorySockets'
import { connect, waitFor, waitSynced } from '../support/providers'
import { note, textOf } from '../support/records'
import { api, createLabAndBoard, makeDataDir, startServer, type StartServerOptions, type TestServer } from '../support/testServer'

let servers: TestServer[] = []
let cleanups: (() => void)[] = []

afterEach(async () => {
  for (const c of cleanups.splice(0)) c()
  for (const s of servers.splice(0)) await s.stop()
})

async function server(env: Record<string, string> = {}, options: StartServerOptions = {}, dataDir?: string): Promise<TestServer> {
  const s = await startServer(env, dataDir, options)
  servers.push(s)
  return s
}

/** Starts a server whose storage can be held or failed by the test. */
async function controlledServer(env: Record<string, string> = {}) {
  let controlled: ControlledStorage | null = null
  const s = await server(env, {
    wrapStorage: (inner: Storage) => (controlled = new ControlledStorage(inner)),
  })
  return { s, storage: controlled! as ControlledStorage }
}

function client(s: TestServer, boardId: string, token: string) {
  const c = connect(s.wsUrl, boardId, token)
  cleanups.push(() => c.provider.destroy())
  return c
}

/** The board's stored records, replayed from the update log. */
async function storedRecords(storage: Storage, boardId: string): Promise<Record<string, unknown>> {
  return getRecordsMap(replay((await storage.loadUpdates(boardId)).updates)).toJSON()
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function healthz(s: TestServer): Promise<{ boardsLoaded: number; connections: number }> {
  return (await api(s.url, 'GET', '/healthz')).body
}

/** A raw WebSocket to a board; resolves once open. */
async function rawSocket(s: TestServer, boardId: string, token: string, options: WebSocket.ClientOptions = {}) {
  const ws = new WebSocket(`${s.wsUrl}/${boardId}?token=${token}`, options)
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
  ws.on('error', () => {})
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)))
  })
  cleanups.push(() => ws.terminate())
  return { ws, closed }
}

describe('idle rooms', () => {
  it('leaves memory after the grace period, and only once its last write is stored', async () => {
    const { s, storage } = await controlledServer({ ROOM_IDLE_MS: '50' })
    const { lab, board } = await createLabAndBoard(s.url)
    const a = client(s, board.id, lab.tokens.participant)
    await waitSynced(a.provider)
    expect(s.server.rooms.loadedBoardIds).toEqual([board.id])
    storage.holdAppends = true
    a.doc.getMap('records').set('shape:late', note('late'))
    await waitFor(() => storage.heldAppendCount === 1, 'the write to be in flight')
    a.provider.destroy()
    await waitFor(async () => (await healthz(s)).connections === 0, 'the client to leave')
    // Many grace periods: the idle timer has had every chance to fire. The room must wait.
    await sleep(500)
    expect(s.server.rooms.loadedBoardIds).toEqual([board.id])
    expect(await storedRecords(storage, board.id)).not.toHaveProperty('shape:late')

    storage.releaseAppends()
    await waitFor(() => s.server.rooms.loadedBoardIds.length === 0, 'the room to be unloaded')
    expect(await storedRecords(storage, board.id)).toHaveProperty('shape:late')
  })

  it('a client arriving while the room is unloading waits, then gets the full state from a fresh load', async () => {
    const { s, storage } = await controlledServer({ ROOM_IDLE_MS: '50' })
    const { lab, board } = await createLabAndBoard(s.url)
    const a = client(s, board.id, lab.tokens.participant)
    await waitSynced(a.provider)
    a.doc.getMap('records').set('shape:1', note('1', 'avant'))
    await waitFor(() => storage.appendCalls === 1, 'the write to be stored')
    const loads = s.server.rooms.loadCount
    storage.holdCompactions = true
    a.provider.destroy()
    // Unloading compacts first: a held compaction means the unload is under way.
    await waitFor(() => storage.heldCompactionCount === 1, 'the unload to start')

    const b = client(s, board.id, lab.tokens.participant)
    await waitFor(async () => (await healthz(s)).connections === 1, 'b to be connected')
    await sleep(200)
    // b is not served by the room being unloaded.
    expect(b.provider.synced).toBe(false)

    storage.releaseCompactions()
    await waitSynced(b.provider)
    expect(textOf(b.doc.getMap('records').get('shape:1'))).toBe('avant')
    expect(s.server.rooms.loadCount).toBe(loads + 1)
    // The fresh room works: a write from b reaches a third client and the disk.
    b.doc.getMap('records').set('shape:2', note('2'))
    const c = client(s, board.id, lab.tokens.viewer)
    await waitFor(() => c.doc.getMap('records').has('shape:2'), 'b’s write at c')
    expect(await storedRecords(storage, board.id)).toHaveProperty('shape:2')
  })

  it('a client coming back after the unload gets the full state', async () => {
    const s = await server({ ROOM_IDLE_MS: '50' })
    const { lab, board } = await createLabAndBoard(s.url)
    const a = client(s, board.id, lab.tokens.participant)
    await waitSynced(a.provider)
    const map = a.doc.getMap('records')
    for (let i = 0; i < 20; i++) map.set(`shape:${i}`, note(`shape:${i}`, `${i}`))
    map.delete('shape:3')
    const watcher = client(s, board.id, lab.tokens.viewer)
    // The server stamped the author on each note: the writer converges to what everyone has.
    await waitFor(() => watcher.doc.getMap('records').size === map.size && isDeepStrictEqual(watcher.doc.getMap('records').toJSON(), map.toJSON()), 'the writes to be relayed')
    const expected = map.toJSON()
    a.provider.destroy()
    watcher.provider.destroy()
    await waitFor(() => s.server.rooms.loadedBoardIds.length === 0, 'the room to be unloaded')
    const loads = s.server.rooms.loadCount
    const back = client(s, board.id, lab.tokens.participant)
    await waitSynced(back.provider)
    expect(back.doc.getMap('records').toJSON()).toEqual(expected)
    expect(s.server.rooms.loadCount).toBe(loads + 1)
    // The reconnecting client, holding the same document, changes nothing on the server.
    const again = connect(s.wsUrl, board.id, lab.tokens.participant, a.doc)
    cleanups.push(() => again.provider.destroy())
    await waitSynced(again.provider)
    expect(back.doc.getMap('records').toJSON()).toEqual(expected)
  })
})

describe('dead and misbehaving connections', () => {
  it('drops a connection that stops answering pings, and removes its presence for everyone else', async () => {
    const s = await server({ PING_INTERVAL_MS: '100' })
    const { lab, board } = await createLabAndBoard(s.url)
    const b = client(s, board.id, lab.tokens.participant)
    const c = client(s, board.id, lab.tokens.participant)
    await Promise.all([waitSynced(b.provider), waitSynced(c.provider)])
    const dead = await rawSocket(s, board.id, lab.tokens.participant, { autoPong: false })
    dead.ws.send(awarenessMessage([{ clientId: 4242, clock: 1, state: { name: 'fantôme' } }]))
    await waitFor(() => b.provider.awareness.getStates().has(4242), 'the ghost’s presence at b')
    const { code } = await dead.closed
    expect(code).toBe(1006) // terminated, no closing handshake
    await waitFor(() => !b.provider.awareness.getStates().has(4242), 'the ghost’s presence to be removed at b')
    // Clients that answer pings stay, across several ping intervals.
    await sleep(500)
    expect(b.provider.wsconnected && c.provider.wsconnected).toBe(true)
    c.doc.getMap('records').set('shape:alive', note('alive'))
    await waitFor(() => b.doc.getMap('records').has('shape:alive'), 'c’s write at b')
  })

  it('a client back while its old, dead socket still holds its awareness id gets its presence back once that socket is dropped', async () => {
    const s = await server({ PING_INTERVAL_MS: '100' })
    const { lab, board } = await createLabAndBoard(s.url)
    const b = client(s, board.id, lab.tokens.participant)
    await waitSynced(b.provider)
    // The old connection of client 4343, gone silent (the network dropped, no close frame).
    const old = await rawSocket(s, board.id, lab.tokens.participant, { autoPong: false })
    old.ws.send(awarenessMessage([{ clientId: 4343, clock: 1, state: { name: 'Amina (old)' } }]))
    await waitFor(() => (b.provider.awareness.getStates().get(4343) as any)?.name === 'Amina (old)', 'the old presence at b')
    // The same client, reconnected.
    const doc = new Y.Doc()
    doc.clientID = 4343
    const back = connect(s.wsUrl, board.id, lab.tokens.participant, doc)
    cleanups.push(() => back.provider.destroy())
    back.provider.awareness.setLocalState({ name: 'Amina' })
    await waitSynced(back.provider)
    await old.closed
    back.provider.awareness.setLocalState({ name: 'Amina', cursor: { x: 1, y: 2 } })
    await waitFor(() => (b.provider.awareness.getStates().get(4343) as any)?.cursor?.x === 1, 'the new presence at b')
  })

  it('closes a socket that sends a message over MAX_MESSAGE_BYTES with 1009; the others carry on', async () => {
    const s = await server({ MAX_MESSAGE_BYTES: '1024' })
    const { lab, board } = await createLabAndBoard(s.url)
    const b = client(s, board.id, lab.tokens.participant)
    const c = client(s, board.id, lab.tokens.participant)
    await Promise.all([waitSynced(b.provider), waitSynced(c.provider)])
    const big = await rawSocket(s, board.id, lab.tokens.participant)
    const doc = new Y.Doc()
    doc.getMap('records').set('shape:huge', note('huge', 'x'.repeat(2000)))
    const update = Y.encodeStateAsUpdate(doc)
    big.ws.send(Buffer.concat([Buffer.from([0, 2]), Buffer.from(encodeLength(update.length)), update]))
    expect((await big.closed).code).toBe(1009)
    c.doc.getMap('records').set('shape:small', note('small'))
    await waitFor(() => b.doc.getMap('records').has('shape:small'), 'c’s write at b')
    expect(b.doc.getMap('records').has('shape:huge')).toBe(false)
    expect(b.provider.wsconnected && c.provider.wsconnected).toBe(true)
  })
})

/** varUint encoding of a length (lib0 style). */
function encodeLength(n: number): number[] {
  const bytes: number[] = []
  while (n > 0x7f) {
    bytes.push(0x80 | (n & 0x7f))
    n >>>= 7
  }
  bytes.push(n)
  return bytes
}

describe('messages before the board is loaded', () => {
  it('are held in order up to a bound; a socket that floods them is closed with 4508 and the board serves the others', async () => {
    const { s, storage } = await controlledServer()
    const { lab, board } = await createLabAndBoard(s.url)
    storage.holdLoads = true
    cleanups.push(() => storage.releaseLoads())
    const flood = await rawSocket(s, board.id, lab.tokens.participant)
    const polite = client(s, board.id, lab.tokens.participant)
    // The stock client's first messages (step 1, awareness) wait with the polite one; the flood overflows.
    for (let i = 0; i <= MAX_EARLY_MESSAGES; i++) flood.ws.send(new Uint8Array([1, 1, 0]))
    expect((await flood.closed).code).toBe(CloseCode.tooManyEarlyMessages)
    expect(polite.provider.synced).toBe(false)
    storage.releaseLoads()
    await waitSynced(polite.provider)
    getRecordsMap(polite.doc).set('shape:after-flood', note('after-flood'))
    const other = client(s, board.id, lab.tokens.viewer)
    await waitFor(() => getRecordsMap(other.doc).has('shape:after-flood'), 'the board still serves')
  })
})

describe('stopping the server', () => {
  it('stop() waits for a write in flight; it is on disk after the restart', async () => {
    const dataDir = makeDataDir()
    let controlled: ControlledStorage | null = null
    const s = await server({}, { wrapStorage: (inner) => (controlled = new ControlledStorage(inner)) }, dataDir)
    const storage = controlled! as ControlledStorage
    const { lab, board } = await createLabAndBoard(s.url)
    const a = client(s, board.id, lab.tokens.participant)
    await waitSynced(a.provider)
    storage.holdAppends = true
    a.doc.getMap('records').set('shape:pending', note('pending'))
    await waitFor(() => storage.heldAppendCount === 1, 'the write to be in flight')
    let stopped = false
    const stopping = s.stop().then(() => (stopped = true))
    await sleep(100)
    expect(stopped).toBe(false)
    storage.releaseAppends()
    await stopping
    const restarted = await server({}, {}, dataDir)
    expect(await storedRecords(restarted.server.storage, board.id)).toHaveProperty('shape:pending')
  })

  it('after stop(), everything the server applied or relayed is on disk', async () => {
    const dataDir = makeDataDir()
    const s = await server({}, {}, dataDir)
    const { lab, board } = await createLabAndBoard(s.url)
    const a = client(s, board.id, lab.tokens.participant)
    const b = client(s, board.id, lab.tokens.viewer)
    await Promise.all([waitSynced(a.provider), waitSynced(b.provider)])
    const room = await s.server.rooms.getRoom(board.id)
    const map = a.doc.getMap('records')
    // Separate messages, sent as fast as the client can.
    for (let i = 0; i < 200; i++) map.set(`shape:${i}`, note(`shape:${i}`))
    await waitFor(() => getRecordsMap(room.doc).size > 2, 'the first writes to reach the server')
    // Stop at once, with writes queued, in flight and still arriving.
    const appliedAtStop = Object.keys(getRecordsMap(room.doc).toJSON())
    await s.stop()
    const relayed = Object.keys(b.doc.getMap('records').toJSON())
    const restarted = await server({}, {}, dataDir)
    const stored = Object.keys(await storedRecords(restarted.server.storage, board.id))
    expect(stored).toEqual(expect.arrayContaining(appliedAtStop))
    expect(stored).toEqual(expect.arrayContaining(relayed))
    // The clients reconnect on their own and send what the server never got.
    a.provider.disconnect()
    const back = connect(restarted.wsUrl, board.id, lab.tokens.participant, a.doc)
    cleanups.push(() => back.provider.destroy())
    await waitSynced(back.provider)
    const fresh = client(restarted, board.id, lab.tokens.viewer)
    await waitFor(() => fresh.doc.getMap('records').size === map.size, 'every write to be on the restarted server')
  })

  it('on SIGTERM the server process stores what it received and exits 0', async () => {
    const dataDir = makeDataDir()
    const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('server/main.ts')], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    cleanups.push(() => child.kill('SIGKILL'))
    let stderr = ''
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString()
        const match = /"url":"(http:\/\/[^"]+)"/.exec(stderr)
        if (match) resolve(match[1]!)
      })
      child.on('exit', () => reject(new Error(`server exited early: ${stderr}`)))
    })
    const wsUrl = url.replace('http:', 'ws:') + '/sync'
    const { lab, board } = await createLabAndBoard(url)
    const a = connect(wsUrl, board.id, lab.tokens.participant)
    const b = connect(wsUrl, board.id, lab.tokens.viewer)
    cleanups.push(() => a.provider.destroy(), () => b.provider.destroy())
    await Promise.all([waitSynced(a.provider), waitSynced(b.provider)])
    for (let i = 0; i < 100; i++) a.doc.getMap('records').set(`shape:${i}`, note(`shape:${i}`))
    await waitFor(() => b.doc.getMap('records').has('shape:0'), 'the first write to be relayed')
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    const relayed = Object.keys(b.doc.getMap('records').toJSON())
    a.provider.destroy()
    b.provider.destroy()
    const restarted = await server({}, {}, dataDir)
    expect(Object.keys(await storedRecords(restarted.server.storage, board.id))).toEqual(expect.arrayContaining(relayed))
  })
})
