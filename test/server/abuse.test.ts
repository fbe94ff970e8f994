import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { backupDatabase } from '../../server/persistence/backupDatabase'
import { getRecordsMap } from '../../shared/boardDoc'
import { CloseCode } from '../../shared/protocol'
import { MAX_NEW_YJS_CLIENTS_PER_CONNECTION } from '../../server/rooms/Room'
import { awarenessMessage, step1Message, updateMessage } from '../support/memorySockets'
import { commandChannel, hello, issueIdentity } from '../support/commands'
import { connect } from '../support/providers'
import { readPrivateRound } from '../../shared/workshop/session'
import { waitFor, waitSynced } from '../support/providers'
import { note, textOf } from '../support/records'
import { api, createLabAndBoard, makeDataDir, type TestServer } from '../support/testServer'
import { useTestResources } from '../support/testResources'

/** A real 1×1 PNG, padded to `size` bytes (PNG readers ignore what follows IEND). */
function png(size: number): Buffer {
  const base = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64')
  return Buffer.concat([base, Buffer.alloc(Math.max(0, size - base.length))])
}

const { server, client, onCleanup } = useTestResources()

/** A raw socket to a board (a modified client); resolves once open. */
async function raw(s: TestServer, boardId: string, token: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(`${s.wsUrl}/${boardId}?token=${token}`, { headers })
  const closed = new Promise<{ code: number }>((resolve) => ws.on('close', (code) => resolve({ code })))
  ws.on('error', () => {})
  const received: Buffer[] = []
  ws.on('message', (data: Buffer) => received.push(data))
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)))
  })
  onCleanup(() => ws.terminate())
  return { ws, closed, received }
}

function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers })
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    ws.on('open', () => {
      resolve(101)
      ws.close()
    })
    ws.on('error', () => {})
  })
}

const healthz = async (s: TestServer) => (await api(s.url, 'GET', '/healthz')).body

describe('presence cannot be used against others', () => {
  it('a viewer announcing thousands of awareness ids leaves a newcomer syncing normally, with a few of them at most', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    const flood = await raw(s, board.id, lab.tokens.viewer)
    const big = { user: { name: 'x'.repeat(100) } }
    for (let batch = 0; batch < 30; batch++) {
      flood.ws.send(awarenessMessage(Array.from({ length: 5000 }, (_, i) => ({ clientId: batch * 5000 + i + 1, clock: 1, state: big }))))
    }
    // The flood's own echo proves the server read every batch.
    await waitFor(() => flood.received.length >= 31, 'the flood processed')
    const newcomer = client(s, board.id, lab.tokens.participant)
    await waitSynced(newcomer.provider)
    const others = [...newcomer.provider.awareness.getStates().keys()].filter((id) => id !== newcomer.doc.clientID)
    expect(others.length).toBeLessThanOrEqual(4)
    expect(flood.ws.readyState).toBe(WebSocket.OPEN)
  })

  it('presence that is not a JSON object, or too big, never reaches the other client (stock clients would crash on it)', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    const watcher = client(s, board.id, lab.tokens.participant)
    await waitSynced(watcher.provider)
    const bad = await raw(s, board.id, lab.tokens.viewer)
    const sendRaw = (clientId: number, clock: number, state: string) => {
      // An awareness message whose state is raw text, not JSON.stringify of anything.
      const text = Buffer.from(state)
      const inner = Buffer.concat([Buffer.from([1, clientId, clock]), varUint(text.length), text])
      bad.ws.send(Buffer.concat([Buffer.from([1]), varUint(inner.length), inner]))
    }
    sendRaw(7, 1, 'not json {')
    sendRaw(8, 1, '[1,2,3]')
    sendRaw(9, 1, JSON.stringify({ user: { name: 'y'.repeat(20_000) } }))
    sendRaw(10, 1, JSON.stringify({ user: { name: 'Valide' } }))
    await waitFor(() => watcher.provider.awareness.getStates().has(10), 'the valid presence after the bad ones')
    for (const id of [7, 8, 9]) expect(watcher.provider.awareness.getStates().has(id)).toBe(false)
  })

  it('a user idle for 6 s keeps their presence: another connection cannot take their id', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    const owner = await raw(s, board.id, lab.tokens.participant)
    owner.ws.send(awarenessMessage([{ clientId: 4242, clock: 1, state: { user: { name: 'Amina' } } }]))
    const watcher = client(s, board.id, lab.tokens.participant)
    await waitSynced(watcher.provider)
    await waitFor(() => (watcher.provider.awareness.getStates().get(4242) as any)?.user?.name === 'Amina', 'Amina present')
    await new Promise((r) => setTimeout(r, 6000))
    const impostor = await raw(s, board.id, lab.tokens.viewer)
    impostor.ws.send(awarenessMessage([{ clientId: 4242, clock: 9, state: { user: { name: 'Imposteur' } } }]))
    impostor.ws.send(awarenessMessage([{ clientId: 77, clock: 1, state: { user: { name: 'Témoin' } } }]))
    await waitFor(() => watcher.provider.awareness.getStates().has(77), 'the impostor’s own presence (proof it was processed)')
    expect((watcher.provider.awareness.getStates().get(4242) as any)?.user?.name).toBe('Amina')
  }, 20_000)
})

describe('a client inventing Yjs client ids', () => {
  it('is closed past MAX_NEW_YJS_CLIENTS_PER_CONNECTION (each id would cost the board for ever); others carry on', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    const inventor = await raw(s, board.id, lab.tokens.participant)
    for (let i = 0; i < MAX_NEW_YJS_CLIENTS_PER_CONNECTION + 5 && inventor.ws.readyState === WebSocket.OPEN; i++) {
      const doc = new Y.Doc()
      getRecordsMap(doc).set(`shape:inv-${i}`, note(`inv-${i}`))
      inventor.ws.send(updateMessage(Y.encodeStateAsUpdate(doc)))
    }
    expect((await inventor.closed).code).toBe(CloseCode.malformedMessage)
    const room = await s.server.rooms.getRoom(board.id)
    expect(room.doc.store.clients.size).toBeLessThanOrEqual(MAX_NEW_YJS_CLIENTS_PER_CONNECTION + 3)
    const honest = client(s, board.id, lab.tokens.participant)
    await waitSynced(honest.provider)
    getRecordsMap(honest.doc).set('shape:honest', note('honest'))
    await waitFor(() => getRecordsMap(room.doc).has('shape:honest'), 'the board still takes honest edits')
  })

  it('a board holding MAX_YJS_CLIENTS_PER_BOARD ids closes new writers with 4413; known ones and readers go on', async () => {
    const s = await server({ MAX_YJS_CLIENTS_PER_BOARD: '100' })
    const { lab, board } = await createLabAndBoard(s.url)
    const regular = client(s, board.id, lab.tokens.participant)
    await waitSynced(regular.provider)
    getRecordsMap(regular.doc).set('shape:regular', note('regular'))
    let full = false
    for (let round = 0; round < 10 && !full; round++) {
      const inventor = await raw(s, board.id, lab.tokens.participant)
      for (let i = 0; i < 20 && inventor.ws.readyState === WebSocket.OPEN; i++) {
        const doc = new Y.Doc()
        getRecordsMap(doc).set(`shape:inv-${round}-${i}`, note(`inv-${round}-${i}`))
        inventor.ws.send(updateMessage(Y.encodeStateAsUpdate(doc)))
      }
      const code = await Promise.race([inventor.closed.then((c) => c.code), new Promise<number>((r) => setTimeout(() => r(0), 300))])
      full = code === CloseCode.boardFull
      inventor.ws.terminate()
    }
    expect(full).toBe(true)
    // The regular writer's id is known: it still writes.
    getRecordsMap(regular.doc).set('shape:regular-2', note('regular-2'))
    const reader = client(s, board.id, lab.tokens.viewer)
    await waitFor(() => getRecordsMap(reader.doc).has('shape:regular-2'), 'the known writer still writes')
  })

  it('connections beyond CONNECTIONS_PER_MINUTE_PER_ADDRESS are refused with 429 at the upgrade', async () => {
    const s = await server({ CONNECTIONS_PER_MINUTE_PER_ADDRESS: '5' })
    const { lab, board } = await createLabAndBoard(s.url)
    const url = `${s.wsUrl}/${board.id}?token=${lab.tokens.participant}`
    const statuses: number[] = []
    for (let i = 0; i < 7; i++) statuses.push(await upgradeStatus(url))
    expect(statuses).toEqual([101, 101, 101, 101, 101, 429, 429])
  })
})

describe('hostile readers are bounded', () => {
  it('sockets asking for a large board and never reading stay within the budget; an honest newcomer still syncs', async () => {
    const budget = 24 * 1024 * 1024
    const s = await server({ SEND_BUDGET_BYTES: String(budget), MAX_MESSAGE_BYTES: String(8 * 1024 * 1024) })
    const { lab, board } = await createLabAndBoard(s.url)
    // A board of ~6 MiB: notes with long texts.
    const writer = client(s, board.id, lab.tokens.facilitator)
    await waitSynced(writer.provider)
    Y.transact(writer.doc, () => {
      for (let i = 0; i < 60; i++) getRecordsMap(writer.doc).set(`shape:big-${i}`, note(`big-${i}`, `${i}`.padEnd(100_000, '.')))
    })
    await waitFor(async () => getRecordsMap((await s.server.rooms.getRoom(board.id)).doc).size >= 62, 'the board written')
    writer.provider.destroy()
    // Readers that ask for everything and stop reading their socket.
    const readers = await Promise.all(Array.from({ length: 8 }, () => raw(s, board.id, lab.tokens.viewer)))
    for (const r of readers) {
      ;(r.ws as unknown as { _socket: { pause(): void } })._socket.pause()
      for (let i = 0; i < 10; i++) r.ws.send(step1Message(new Y.Doc()))
    }
    await new Promise((r) => setTimeout(r, 1500))
    const newcomer = client(s, board.id, lab.tokens.participant)
    await waitSynced(newcomer.provider)
    expect(getRecordsMap(newcomer.doc).size).toBeGreaterThanOrEqual(62)
    // Within the budget (plus the one message that was admitted last), by dropping slow readers.
    const { sendBudget } = await healthz(s)
    expect(sendBudget.queuedBytes).toBeLessThanOrEqual(budget + 7 * 1024 * 1024)
    expect(sendBudget.dropped).toBeGreaterThan(0)
  })
})

describe('quotas', () => {
  it('a board past MAX_BOARD_BYTES refuses writes with 4413; what is stored stays and the board loads', async () => {
    const s = await server({ MAX_BOARD_BYTES: String(96 * 1024) })
    const { lab, board } = await createLabAndBoard(s.url)
    const writer = client(s, board.id, lab.tokens.participant)
    let closedWith: number | null = null
    writer.provider.on('closed', (e: { code: number }) => (closedWith = e.code))
    await waitSynced(writer.provider)
    for (let i = 0; i < 40 && closedWith === null; i++) {
      getRecordsMap(writer.doc).set(`shape:n${i}`, note(`n${i}`, `${i}`.padEnd(4000, '~')))
      await new Promise((r) => setTimeout(r, 20))
    }
    await waitFor(() => closedWith !== null, 'the writer closed')
    expect(closedWith).toBe(CloseCode.boardFull)
    expect((await healthz(s)).refusals.byRule['board-full']).toBeGreaterThan(0)
    const reader = client(s, board.id, lab.tokens.viewer)
    await waitSynced(reader.provider)
    expect(textOf(getRecordsMap(reader.doc).get('shape:n0'))).toMatch(/^0~/)

    // Deleting still works on a full board (a writer adding anything is closed); once lighter
    // it takes new notes again.
    const cleaner = client(s, board.id, lab.tokens.participant)
    await waitSynced(cleaner.provider)
    const heavy = [...getRecordsMap(cleaner.doc).keys()].filter((k) => k.startsWith('shape:n') && k !== 'shape:n0')
    expect(heavy.length).toBeGreaterThan(5)
    // The writer's own notes: only their author may delete them. Here the facilitator does.
    const facilitator = client(s, board.id, lab.tokens.facilitator)
    let facilitatorClosed: number | null = null
    facilitator.provider.on('closed', (e: { code: number }) => (facilitatorClosed = e.code))
    await waitSynced(facilitator.provider)
    facilitator.doc.transact(() => {
      for (const k of heavy) getRecordsMap(facilitator.doc).delete(k)
    })
    await waitFor(() => heavy.every((k) => !getRecordsMap(reader.doc).has(k)), 'the deletions reached the reader')
    expect(facilitatorClosed).toBeNull()
    const room = await s.server.rooms.getRoom(board.id)
    await room.settle()
    getRecordsMap(facilitator.doc).set('shape:after', note('after', 'de nouveau de la place'))
    await waitFor(() => getRecordsMap(reader.doc).has('shape:after'), 'a new note after the clean-up')
    expect(facilitatorClosed).toBeNull()
  })

  it('a lab’s images past MAX_LAB_ASSET_BYTES are refused with 413 and a reason; what is stored is still served', async () => {
    const s = await server({ MAX_LAB_ASSET_BYTES: '3000' })
    const { lab, board } = await createLabAndBoard(s.url)
    const upload = (size: number) =>
      fetch(`${s.url}/api/boards/${board.id}/assets`, { method: 'POST', headers: { 'content-type': 'image/png', authorization: `Bearer ${lab.tokens.participant}` }, body: new Uint8Array(png(size)) })
    const first = await upload(2000)
    expect(first.status).toBe(201)
    const second = await upload(2000)
    expect(second.status).toBe(413)
    expect(await second.json()).toMatchObject({ error: expect.stringMatching(/images already take/), code: 'assets.quota' })
    const { src } = await first.json()
    expect((await fetch(s.url + src, { headers: { authorization: `Bearer ${lab.tokens.viewer}` } })).status).toBe(200)
  })

  it('lab creation beyond the per-address limit gets 429 with Retry-After; API writes too', async () => {
    const s = await server({ LABS_PER_HOUR_PER_ADDRESS: '3', API_WRITES_PER_MINUTE_PER_ADDRESS: '8' })
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) statuses.push((await api(s.url, 'POST', '/api/labs', { title: `Labo ${i}` })).status)
    expect(statuses).toEqual([201, 201, 201, 429])
    const refused = await fetch(`${s.url}/api/labs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title":"encore"}' })
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await refused.json()).toMatchObject({ error: expect.stringMatching(/too many/), code: 'labs.rateLimited' })
    // Four writes used of eight: the next four pass, then 429 (reading is never limited).
    const labs = await api(s.url, 'GET', '/healthz')
    expect(labs.status).toBe(200)
    let last = { status: 0, body: null as any }
    for (let i = 0; i < 5; i++) last = await api(s.url, 'POST', '/api/labs/nosuchlab0000/identities', { name: 'A' })
    expect(last.status).toBe(429)
    expect(last.body.code).toBe('rate.limited')
  })

  it('LAB_CREATION=secret: creating a lab needs the admin secret', async () => {
    const s = await server({ LAB_CREATION: 'secret', ADMIN_SECRET: 'le-secret-du-serveur-1234' })
    expect(await api(s.url, 'POST', '/api/labs', { title: 'Sans clé' })).toMatchObject({ status: 401, body: { code: 'labCreation.secretRequired' } })
    expect(await api(s.url, 'POST', '/api/labs', { title: 'Mauvaise clé' }, 'pas-le-bon-secret-du-tout')).toMatchObject({ status: 403, body: { code: 'labCreation.secretRequired' } })
    expect((await api(s.url, 'POST', '/api/labs', { title: 'Avec clé' }, 'le-secret-du-serveur-1234')).status).toBe(201)
    expect((await api(s.url, 'GET', '/api/config')).body.labCreation).toBe('secret')
  })
})

describe('other sites', () => {
  it('refuses WebSocket upgrades and API writes from another site’s page; same-site and non-browser requests pass', async () => {
    const s = await server({ PUBLIC_URL: 'https://fabrique.example.org' })
    const { lab, board } = await createLabAndBoard(s.url)
    const url = `${s.wsUrl}/${board.id}?token=${lab.tokens.participant}`
    expect(await upgradeStatus(url, { origin: 'https://evil.example' })).toBe(403)
    expect(await upgradeStatus(url, { origin: 'https://fabrique.example.org' })).toBe(101)
    expect(await upgradeStatus(url, { origin: `http://127.0.0.1:${s.port}` })).toBe(101)
    expect(await upgradeStatus(url)).toBe(101)
    const post = (origin: string) => fetch(`${s.url}/api/labs`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: '{"title":"Labo"}' })
    const refused = await post('https://evil.example')
    expect(refused.status).toBe(403)
    expect((await refused.json()).code).toBe('origin.refused')
    expect((await post('https://fabrique.example.org')).status).toBe(201)
  })
})

describe('disk', () => {
  it('backs up the database while the server runs; a server on the restored copy has every board and its content', async () => {
    const s = await server()
    const boards: { id: string; token: string }[] = []
    for (let i = 0; i < 3; i++) {
      const { lab, board } = await createLabAndBoard(s.url, { title: `Atelier ${i}` })
      const c = client(s, board.id, lab.tokens.participant)
      await waitSynced(c.provider)
      getRecordsMap(c.doc).set('shape:kept', note('kept', `contenu ${i}`))
      await waitFor(async () => getRecordsMap((await s.server.rooms.getRoom(board.id)).doc).has('shape:kept'), 'stored')
      boards.push({ id: board.id, token: lab.tokens.viewer })
    }
    const file = path.join(makeDataDir(), 'backup.db')
    const { bytes } = await backupDatabase(s.dataDir, file)
    expect(bytes).toBeGreaterThan(0)
    // Restore: a fresh DATA_DIR holding the copy.
    const restoredDir = makeDataDir()
    fs.copyFileSync(file, path.join(restoredDir, 'fabrique.db'))
    const restored = await server({}, restoredDir)
    for (const [i, b] of boards.entries()) {
      const c = client(restored, b.id, b.token)
      await waitSynced(c.provider)
      expect(textOf(getRecordsMap(c.doc).get('shape:kept'))).toBe(`contenu ${i}`)
    }
    await expect(backupDatabase(s.dataDir, file)).rejects.toThrow(/exists/)
  })

  it('images no board refers to are deleted when the board leaves memory; those in use stay', async () => {
    const s = await server({ ASSET_GRACE_HOURS: '0', ROOM_IDLE_MS: '20' })
    const { lab, board } = await createLabAndBoard(s.url)
    const upload = async () =>
      (await (await fetch(`${s.url}/api/boards/${board.id}/assets`, { method: 'POST', headers: { 'content-type': 'image/png', authorization: `Bearer ${lab.tokens.participant}` }, body: new Uint8Array(png(500)) })).json()) as { id: string; src: string }
    const used = await upload()
    const abandoned = await upload()
    const c = client(s, board.id, lab.tokens.participant)
    await waitSynced(c.provider)
    getRecordsMap(c.doc).set(`asset:${used.id}`, { id: `asset:${used.id}`, typeName: 'asset', type: 'image', meta: {}, props: { name: 'a.png', src: used.src, w: 1, h: 1, mimeType: 'image/png', isAnimated: false, fileSize: 500 } })
    await waitFor(async () => getRecordsMap((await s.server.rooms.getRoom(board.id)).doc).has(`asset:${used.id}`), 'the asset record stored')
    c.provider.destroy()
    await waitFor(async () => (await healthz(s)).boardsLoaded === 0, 'the board unloaded')
    const status = async (src: string) => (await fetch(s.url + src, { headers: { authorization: `Bearer ${lab.tokens.viewer}` } })).status
    await waitFor(async () => (await status(abandoned.src)) === 404, 'the abandoned image deleted')
    expect(await status(used.src)).toBe(200)
  })

  it('an image on a note still private (a writing round not yet revealed) is in use: it stays', async () => {
    const s = await server({ ASSET_GRACE_HOURS: '0', ROOM_IDLE_MS: '20' })
    const { lab, board } = await createLabAndBoard(s.url)
    const [fac, paul] = await Promise.all([issueIdentity(s.url, lab.id, lab.tokens.facilitator, 'Fatou'), issueIdentity(s.url, lab.id, lab.tokens.participant, 'Paul')])
    const facilitator = connect(s.wsUrl, board.id, lab.tokens.facilitator, new Y.Doc(), { identity: fac.credential })
    const participant = connect(s.wsUrl, board.id, lab.tokens.participant, new Y.Doc(), { identity: paul.credential })
    onCleanup(() => facilitator.provider.destroy())
    onCleanup(() => participant.provider.destroy())
    const [fc, pc] = [commandChannel(facilitator.provider), commandChannel(participant.provider)]
    await Promise.all([waitSynced(facilitator.provider), waitSynced(participant.provider)])
    await Promise.all([hello(fc), hello(pc)])
    await fc.ok({ type: 'private.open', prompt: '' })
    await waitFor(() => readPrivateRound(participant.doc)?.status === 'open', 'the round open for the participant')
    const roundId = readPrivateRound(participant.doc)!.id
    const image = (await (await fetch(`${s.url}/api/boards/${board.id}/assets`, { method: 'POST', headers: { 'content-type': 'image/png', authorization: `Bearer ${lab.tokens.participant}` }, body: new Uint8Array(png(500)) })).json()) as { id: string; src: string }
    await pc.ok({
      type: 'private.put',
      roundId,
      records: [{ id: `asset:${image.id}`, typeName: 'asset', type: 'image', meta: {}, props: { name: 'a.png', src: image.src, w: 1, h: 1, mimeType: 'image/png', isAnimated: false, fileSize: 500 } }],
    })
    facilitator.provider.destroy()
    participant.provider.destroy()
    await waitFor(async () => (await healthz(s)).boardsLoaded === 0, 'the board unloaded')
    // The board was unloaded and its unused images reclaimed: this one is still there.
    expect(getRecordsMap((await s.server.rooms.getRoom(board.id)).doc).has(`asset:${image.id}`)).toBe(false)
    expect((await fetch(s.url + image.src, { headers: { authorization: `Bearer ${lab.tokens.viewer}` } })).status).toBe(200)
  })
})

function varUint(n: number): Buffer {
  const bytes: number[] = []
  while (n > 0x7f) {
    bytes.push((n & 0x7f) | 0x80)
    n >>>= 7
  }
  bytes.push(n)
  return Buffer.from(bytes)
}
