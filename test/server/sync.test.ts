import * as decoding from 'lib0/decoding'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { afterEach, describe, expect, it } from 'vitest'
import { getRecordsMap } from '../../shared/boardDoc'
import { connect, waitFor, waitSynced } from '../support/providers'
import { note, textOf } from '../support/records'
import { createLabAndBoard, startServer, type TestServer } from '../support/testServer'

let servers: TestServer[] = []
let cleanups: (() => void)[] = []

async function server(env: Record<string, string> = {}): Promise<TestServer> {
  const s = await startServer(env)
  servers.push(s)
  return s
}

function client(s: TestServer, boardId: string, token: string) {
  const c = connect(s.wsUrl, boardId, token)
  cleanups.push(() => c.provider.destroy())
  return c
}

afterEach(async () => {
  for (const c of cleanups.splice(0)) c()
  for (const s of servers.splice(0)) await s.stop()
})

/** Tries a raw upgrade; resolves with the HTTP status of a refusal, or 101 when accepted. */
function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url)
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0)
      ws.terminate()
    })
    ws.on('open', () => {
      resolve(101)
      ws.close()
    })
    ws.on('error', () => {})
  })
}

describe('sync over real WebSockets', () => {
  it('two stock providers on one board converge, both ways', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    const a = client(s, board.id, lab.tokens.participant)
    const b = client(s, board.id, lab.tokens.facilitator)
    await Promise.all([waitSynced(a.provider), waitSynced(b.provider)])
    a.doc.getMap('records').set('shape:a', note('a', 'from a'))
    b.doc.getMap('records').set('shape:b', note('b', 'from b'))
    await waitFor(() => a.doc.getMap('records').has('shape:b') && b.doc.getMap('records').has('shape:a'), 'convergence')
    expect(Y.encodeStateVector(a.doc)).toEqual(Y.encodeStateVector(b.doc))
    expect(a.doc.getMap('records').toJSON()).toEqual(b.doc.getMap('records').toJSON())
  })

  it('a new board already holds its document and page, written by the server', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    const a = client(s, board.id, lab.tokens.participant)
    await waitSynced(a.provider)
    const records = getRecordsMap(a.doc)
    expect(records.get('document:document')?.typeName).toBe('document')
    expect(records.get('page:page')?.typeName).toBe('page')
  })

  it('awareness of one client reaches the other and is removed when it leaves', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    const a = client(s, board.id, lab.tokens.participant)
    const b = client(s, board.id, lab.tokens.participant)
    await Promise.all([waitSynced(a.provider), waitSynced(b.provider)])
    a.provider.awareness.setLocalStateField('presence', { name: 'Amina', cursor: { x: 10, y: 20 } })
    await waitFor(() => (b.provider.awareness.getStates().get(a.doc.clientID) as any)?.presence?.name === 'Amina', 'awareness of a at b')
    a.provider.disconnect()
    await waitFor(() => !b.provider.awareness.getStates().has(a.doc.clientID), 'awareness of a removed at b')
  })

  it('a client joining later gets the whole state', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    const a = client(s, board.id, lab.tokens.participant)
    await waitSynced(a.provider)
    const map = a.doc.getMap('records')
    for (let i = 0; i < 50; i++) map.set(`shape:${i}`, note(`shape:${i}`, `note ${i}`))
    map.delete('shape:7')
    await waitFor(() => s.server.rooms.loadedBoardIds.length === 1, 'room loaded')
    const room = await s.server.rooms.getRoom(board.id)
    await waitFor(() => getRecordsMap(room.doc).size === getRecordsMap(a.doc).size, 'server has the writes')
    const late = client(s, board.id, lab.tokens.viewer)
    await waitSynced(late.provider)
    expect(late.doc.getMap('records').toJSON()).toEqual(map.toJSON())
  })

  it('a restart on the same data directory keeps everything', async () => {
    let s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    const a = client(s, board.id, lab.tokens.participant)
    await waitSynced(a.provider)
    a.doc.getMap('records').set('shape:kept', note('kept', 'toujours là'))
    const room = await s.server.rooms.getRoom(board.id)
    await waitFor(() => getRecordsMap(room.doc).has('shape:kept'), 'server has the write')
    a.provider.destroy()
    servers = servers.filter((x) => x !== s)
    s = await s.restart()
    servers.push(s)
    const b = client(s, board.id, lab.tokens.participant)
    await waitSynced(b.provider)
    expect(textOf(b.doc.getMap('records').get('shape:kept'))).toBe('toujours là')
  })

  it("a viewer's writes reach neither the others nor the disk, and the viewer is told it is read-only", async () => {
    let s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    const viewer = client(s, board.id, lab.tokens.viewer)
    let readOnlyReason = ''
    viewer.provider.messageHandlers[2] = (_enc, decoder) => {
      // auth message: permission denied (0) + reason
      decoding.readVarUint(decoder)
      readOnlyReason = decoding.readVarString(decoder)
    }
    const writer = client(s, board.id, lab.tokens.participant)
    await Promise.all([waitSynced(viewer.provider), waitSynced(writer.provider)])
    await waitFor(() => readOnlyReason === 'read-only', 'read-only notice')
    viewer.doc.getMap('records').set('shape:viewer', note('viewer'))
    // A write from the participant afterwards proves messages flowed past the viewer's.
    writer.doc.getMap('records').set('shape:writer', note('writer'))
    await waitFor(() => viewer.doc.getMap('records').has('shape:writer'), 'viewer receives writes')
    const room = await s.server.rooms.getRoom(board.id)
    await room.settle()
    expect(writer.doc.getMap('records').has('shape:viewer')).toBe(false)
    expect(getRecordsMap(room.doc).has('shape:viewer')).toBe(false)
    viewer.provider.destroy()
    writer.provider.destroy()
    servers = servers.filter((x) => x !== s)
    s = await s.restart()
    servers.push(s)
    const check = client(s, board.id, lab.tokens.facilitator)
    await waitSynced(check.provider)
    expect(check.doc.getMap('records').has('shape:writer')).toBe(true)
    expect(check.doc.getMap('records').has('shape:viewer')).toBe(false)
  })

  it('refuses upgrades without a valid token of the board’s lab, before any socket exists', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    const other = await createLabAndBoard(s.url)
    expect(await upgradeStatus(`${s.wsUrl}/${board.id}`)).toBe(401)
    expect(await upgradeStatus(`${s.wsUrl}/${board.id}?token=wrong`)).toBe(403)
    expect(await upgradeStatus(`${s.wsUrl}/${board.id}?token=${other.lab.tokens.facilitator}`)).toBe(403)
    expect(await upgradeStatus(`${s.wsUrl}/nosuchboard123?token=${lab.tokens.facilitator}`)).toBe(404)
    expect(await upgradeStatus(`${s.wsUrl}/${board.id}?token=${lab.tokens.viewer}`)).toBe(101)
    expect(s.server.rooms.loadedBoardIds).not.toContain(other.board.id)
  })

  it('twenty simultaneous first connections load the board once and all converge', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    const before = s.server.rooms.loadCount
    const clients = Array.from({ length: 20 }, () => client(s, board.id, lab.tokens.participant))
    await Promise.all(clients.map((c) => waitSynced(c.provider)))
    expect(s.server.rooms.loadCount - before).toBe(1)
    clients.forEach((c, i) => c.doc.getMap('records').set(`shape:${i}`, note(`shape:${i}`)))
    await waitFor(() => clients.every((c) => c.doc.getMap('records').size === 22), 'all 20 writes everywhere')
  })

  it('compaction keeps the content identical', async () => {
    const s = await server({ COMPACT_AFTER_UPDATES: '10' })
    const { lab, board } = await createLabAndBoard(s.url)
    const a = client(s, board.id, lab.tokens.participant)
    await waitSynced(a.provider)
    const map = a.doc.getMap('records')
    for (let i = 0; i < 45; i++) {
      map.set(`shape:${i % 7}`, note(`shape:${i % 7}`, `v${i}`))
      await new Promise((r) => setTimeout(r, 2))
    }
    map.delete('shape:3')
    const room = await s.server.rooms.getRoom(board.id)
    await waitFor(() => JSON.stringify(getRecordsMap(room.doc).toJSON()) === JSON.stringify(map.toJSON()), 'server caught up')
    await room.settle()
    const rows = await s.server.storage.countUpdates(board.id)
    expect(rows).toBeLessThan(10)
    const stored = await s.server.storage.loadUpdates(board.id)
    const reloaded = new Y.Doc()
    for (const u of stored.updates) Y.applyUpdate(reloaded, u)
    expect(getRecordsMap(reloaded).toJSON()).toEqual(map.toJSON())
  })

  it('a malformed message closes only its own connection; the board keeps serving others', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    const a = client(s, board.id, lab.tokens.participant)
    await waitSynced(a.provider)
    const raw = new WebSocket(`${s.wsUrl}/${board.id}?token=${lab.tokens.participant}`)
    const closed = new Promise<{ code: number; reason: string }>((resolve) => raw.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
    await new Promise((r) => raw.on('open', r))
    raw.send(Buffer.from([0, 2, 50, 1, 2, 3])) // sync update whose length overruns the message
    const { code, reason } = await closed
    expect(code).toBe(4400)
    expect(reason).toMatch(/malformed/)
    a.doc.getMap('records').set('shape:after', note('after'))
    const b = client(s, board.id, lab.tokens.participant)
    await waitSynced(b.provider)
    await waitFor(() => b.doc.getMap('records').has('shape:after'), 'board still works')
  })
})
