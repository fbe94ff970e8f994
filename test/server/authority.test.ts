import { isDeepStrictEqual } from 'node:util'
import WebSocket from 'ws'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { Rule } from '../../shared/authority/rules'
import { BoardMetaKey, getMetaMap, getRecordsMap, getSessionMap, type StoredRecord } from '../../shared/boardDoc'
import { BoardSessionKey } from '../../shared/boardSession'
import type { ServerEvent } from '../../shared/commands'
import { CloseCode } from '../../shared/protocol'
import { createBoardSchema } from '../../shared/tldrawDoc'
import { updateMessage } from '../support/memorySockets'
import { commandChannel, hello, issueIdentity, type CommandChannel } from '../support/commands'
import { connect, waitFor, waitSynced } from '../support/providers'
import { note, textOf } from '../support/records'
import { api, createLabAndBoard, startServer, type TestServer } from '../support/testServer'

let servers: TestServer[] = []
let cleanups: (() => void)[] = []

afterEach(async () => {
  for (const c of cleanups.splice(0)) c()
  for (const s of servers.splice(0)) await s.stop()
})

async function server(): Promise<TestServer> {
  const s = await startServer()
  servers.push(s)
  return s
}

type Client = ReturnType<typeof connect> & { commands: CommandChannel }

function client(s: TestServer, boardId: string, token: string, identity?: string): Client {
  const c = connect(s.wsUrl, boardId, token, new Y.Doc(), { identity })
  cleanups.push(() => c.provider.destroy())
  return { ...c, commands: commandChannel(c.provider) }
}

/** What a board holds, as plain JSON: records, meta and session. */
function boardState(doc: Y.Doc, without: readonly string[] = []): Record<string, unknown> {
  const records = getRecordsMap(doc).toJSON()
  for (const key of without) delete records[key]
  return { records, meta: getMetaMap(doc).toJSON(), session: getSessionMap(doc).toJSON() }
}

/**
 * A board from the iceberg template (its zones locked by the server), with a facilitator,
 * a modified client holding a participant token (the offender) and another participant who
 * watches every transaction it receives. The facilitator added a locked frame with a note in
 * it; the watcher has a note of its own.
 */
async function workshop(s: TestServer) {
  const { lab, board } = await createLabAndBoard(s.url, { title: 'Atelier', template: 'iceberg' })
  const [fac, alice, bob] = await Promise.all([
    issueIdentity(s.url, lab.id, lab.tokens.facilitator, 'Fatou'),
    issueIdentity(s.url, lab.id, lab.tokens.participant, 'Alice'),
    issueIdentity(s.url, lab.id, lab.tokens.participant, 'Bob'),
  ])
  const facilitator = client(s, board.id, lab.tokens.facilitator, fac.credential)
  const offender = client(s, board.id, lab.tokens.participant, alice.credential)
  const watcher = client(s, board.id, lab.tokens.participant, bob.credential)
  await Promise.all([facilitator, offender, watcher].map((c) => waitSynced(c.provider)))
  const frame: StoredRecord = {
    ...note('frame'),
    type: 'frame',
    isLocked: true,
    props: { w: 600, h: 400, name: 'Zone réservée', color: 'black' },
  }
  Y.transact(facilitator.doc, () => {
    getRecordsMap(facilitator.doc).set('shape:frame', frame)
    getRecordsMap(facilitator.doc).set('shape:in-frame', note('in-frame', 'dans le cadre', { parentId: 'shape:frame', x: 20, y: 20 }))
  })
  getRecordsMap(watcher.doc).set('shape:bob-note', note('bob-note', 'Note de Bob'))
  await waitFor(
    () => [facilitator, offender, watcher].every((c) => ['shape:frame', 'shape:in-frame', 'shape:bob-note'].every((id) => getRecordsMap(c.doc).has(id))),
    'the setup everywhere',
  )
  const room = await s.server.rooms.getRoom(board.id)
  await waitFor(() => [facilitator, offender, watcher].every((c) => isDeepStrictEqual(boardState(c.doc), boardState(room.doc))), 'everyone converged')
  const zone = [...getRecordsMap(room.doc).values()].find((r) => (r.meta as any)?.part === 'zone' && r.isLocked === true)!
  expect(zone).toBeDefined()
  return { lab, board, facilitator, offender, watcher, zone, room, identities: { fac, alice, bob } }
}

type Workshop = Awaited<ReturnType<typeof workshop>>

const current = createBoardSchema().serialize()
const withNoteVersion = (delta: number) => {
  const schema = structuredClone(current) as any
  schema.sequences['com.tldraw.shape.note'] += delta
  return schema
}

/** Forbidden changes a participant's modified client tries, and the rule that refuses each. */
const FORBIDDEN: [name: string, rule: string, act: (doc: Y.Doc, w: Workshop) => void][] = [
  ['delete a locked zone', Rule.locked, (doc, w) => getRecordsMap(doc).delete(w.zone.id)],
  ['move a locked zone', Rule.locked, (doc, w) => getRecordsMap(doc).set(w.zone.id, { ...w.zone, x: (w.zone.x as number) + 500 })],
  ['resize a locked zone', Rule.locked, (doc, w) => getRecordsMap(doc).set(w.zone.id, { ...w.zone, props: { ...(w.zone.props as object), w: 10 } })],
  ['unlock a locked zone', Rule.locked, (doc, w) => getRecordsMap(doc).set(w.zone.id, { ...w.zone, isLocked: false })],
  ['set a locked zone to null', Rule.locked, (doc, w) => getRecordsMap(doc).set(w.zone.id, null as never)],
  ['re-parent a locked zone to a page that does not exist', Rule.locked, (doc, w) => getRecordsMap(doc).set(w.zone.id, { ...w.zone, parentId: 'page:nowhere' })],
  ['re-parent a free note to a page that does not exist', Rule.missingReference, (doc) => getRecordsMap(doc).set('shape:bob-note', { ...getRecordsMap(doc).get('shape:bob-note')!, parentId: 'page:nowhere' })],
  ['set a free note to null', Rule.invalidRecord, (doc) => getRecordsMap(doc).set('shape:bob-note', null as never)],
  ['put a note in itself', Rule.missingReference, (doc) => getRecordsMap(doc).set('shape:bob-note', { ...getRecordsMap(doc).get('shape:bob-note')!, parentId: 'shape:bob-note' })],
  ['move a note inside a locked frame', Rule.locked, (doc) => getRecordsMap(doc).set('shape:in-frame', { ...getRecordsMap(doc).get('shape:in-frame')!, x: 300 })],
  ['write a new note into a locked frame', Rule.locked, (doc) => getRecordsMap(doc).set('shape:intruder', note('intruder', 'intrus', { parentId: 'shape:frame' }))],
  ['lock someone else’s note', Rule.lockFacilitatorOnly, (doc) => getRecordsMap(doc).set('shape:bob-note', { ...getRecordsMap(doc).get('shape:bob-note')!, isLocked: true })],
  ['delete another participant’s note', Rule.notAuthor, (doc) => getRecordsMap(doc).delete('shape:bob-note')],
  ['write meta.schema: newer', Rule.serverOnly, (doc) => getMetaMap(doc).set(BoardMetaKey.schema, withNoteVersion(3))],
  ['write meta.schema: older', Rule.serverOnly, (doc) => getMetaMap(doc).set(BoardMetaKey.schema, withNoteVersion(-1))],
  ['write meta.schema: garbage', Rule.serverOnly, (doc) => getMetaMap(doc).set(BoardMetaKey.schema, 'garbage')],
  ['delete meta.templates', Rule.metaFacilitatorOnly, (doc) => getMetaMap(doc).delete(BoardMetaKey.templates)],
  ['write session', Rule.serverOnly, (doc) => getSessionMap(doc).set(BoardSessionKey.editing, { mode: 'frozen', by: 'me', at: 'now' })],
  ['write a record that is not a record', Rule.invalidRecord, (doc) => getRecordsMap(doc).set('shape:junk', { hello: 'world' } as never)],
  ['write a note under another id than its own', Rule.invalidRecord, (doc) => getRecordsMap(doc).set('shape:elsewhere', note('not-elsewhere'))],
  ['write a shape of an unknown type', Rule.invalidRecord, (doc) => getRecordsMap(doc).set('shape:alien', { ...note('alien'), type: 'alien' })],
  [
    'add an image stored on another site (every viewer’s browser would call it)',
    Rule.foreignAsset,
    (doc) =>
      getRecordsMap(doc).set('asset:tracker', {
        id: 'asset:tracker',
        typeName: 'asset',
        type: 'image',
        meta: {},
        props: { name: 'x.png', src: 'https://tracker.example/pixel.png', w: 1, h: 1, mimeType: 'image/png', isAnimated: false, fileSize: 1 },
      }),
  ],
  ['write to a map that is not the board’s', Rule.unknownEntry, (doc) => doc.getMap('evil').set('x', 'y')],
  ['write list content into a map of its own', Rule.unknownEntry, (doc) => doc.getArray('evil-list').insert(0, ['junk'])],
  [
    'write list content into the records map',
    Rule.unknownEntry,
    (_doc, w) => {
      // Another Yjs client's update, sent on the offender's socket: a list where records live.
      const other = new Y.Doc()
      other.getArray('records').insert(0, ['junk'])
      w.offender.provider.ws!.send(updateMessage(Y.encodeStateAsUpdate(other)))
    },
  ],
]

describe('the server is the authority: a participant’s modified client tries each forbidden change', () => {
  it.each(FORBIDDEN)('%s: nobody else sees it, nothing stores it, the offender converges and its next edit flows', async (name, rule, act) => {
    let s = await server()
    const w = await workshop(s)
    const baseline = boardState(w.room.doc)
    await hello(w.offender.commands)
    // Every state the watcher ever holds, transaction by transaction (legal notes aside).
    const legal = ['shape:legal']
    const seen: Record<string, unknown>[] = []
    w.watcher.doc.on('afterTransaction', () => seen.push(boardState(w.watcher.doc, legal)))
    const refusalsBefore = (await api(s.url, 'GET', '/healthz')).body.refusals.total

    act(w.offender.doc, w)
    // The offender's next legal edit: built on the refused one (its clock chain must hold).
    getRecordsMap(w.offender.doc).set('shape:legal', note('legal', `après « ${name} »`))
    await waitFor(() => getRecordsMap(w.watcher.doc).has('shape:legal'), 'the next legal edit at the watcher')

    expect(seen.length).toBeGreaterThan(0)
    for (const state of seen) expect(state).toEqual(baseline)
    // The offender is back in line with the server within a second.
    await waitFor(() => isDeepStrictEqual(boardState(w.offender.doc), boardState(w.room.doc)), 'the offender to converge', 1000)
    expect(textOf(getRecordsMap(w.room.doc).get('shape:legal'))).toBe(`après « ${name} »`)
    // It was told why, and the refusal was counted.
    await waitFor(() => w.offender.commands.events.some((e) => e.type === 'refused'), 'the refusal event')
    const refused = w.offender.commands.events.find((e): e is Extract<ServerEvent, { type: 'refused' }> => e.type === 'refused')!
    expect(refused.changes.map((c) => c.rule)).toContain(rule)
    expect((await api(s.url, 'GET', '/healthz')).body.refusals.total).toBeGreaterThan(refusalsBefore)

    // What is stored never held it either: a fresh client after a restart sees the baseline.
    const boardId = w.board.id
    const token = w.lab.tokens.viewer
    cleanups.splice(0).forEach((c) => c())
    s = await s.restart()
    servers = [s]
    const fresh = client(s, boardId, token)
    await waitSynced(fresh.provider)
    expect(boardState(fresh.doc, legal)).toEqual(baseline)
    expect(textOf(getRecordsMap(fresh.doc).get('shape:legal'))).toBe(`après « ${name} »`)
    expect(fresh.doc.share.has('evil') ? fresh.doc.getMap('evil').size : 0).toBe(0)
  })
})

describe('what each role may do', () => {
  it('a participant moves others’ free notes and deletes only their own; authorship is stamped by the server', async () => {
    const s = await server()
    const w = await workshop(s)
    const records = getRecordsMap(w.offender.doc)
    records.set('shape:mine', note('mine', 'à moi', { meta: { author: w.identities.bob.identity.id } }))
    await waitFor(() => getRecordsMap(w.watcher.doc).has('shape:mine'), 'alice’s note at bob')
    // Claiming to be Bob does not work: the server stamps who really wrote it.
    await waitFor(() => (getRecordsMap(w.watcher.doc).get('shape:mine')?.meta as any)?.author === w.identities.alice.identity.id, 'the real author')
    expect((getRecordsMap(w.room.doc).get('shape:mine')?.meta as any).author).toBe(w.identities.alice.identity.id)
    records.set('shape:bob-note', { ...records.get('shape:bob-note')!, x: 999 })
    await waitFor(() => getRecordsMap(w.watcher.doc).get('shape:bob-note')?.x === 999, 'bob’s note moved by alice')
    records.delete('shape:mine')
    await waitFor(() => !getRecordsMap(w.watcher.doc).has('shape:mine'), 'alice’s note deleted')
    // Bob's note keeps its author when Alice moves it.
    expect((getRecordsMap(w.room.doc).get('shape:bob-note')?.meta as any).author).toBe(w.identities.bob.identity.id)
  })

  it('Ctrl+A, Delete from a participant removes only their own notes; everyone else’s stay', async () => {
    const s = await server()
    const w = await workshop(s)
    getRecordsMap(w.offender.doc).set('shape:alice-1', note('alice-1', 'un'))
    getRecordsMap(w.offender.doc).set('shape:alice-2', note('alice-2', 'deux'))
    await waitFor(() => getRecordsMap(w.watcher.doc).has('shape:alice-2'), 'alice’s notes')
    const before = getRecordsMap(w.room.doc).size
    // What tldraw's select-all + delete does: every unlocked shape goes in one transaction.
    Y.transact(w.offender.doc, () => {
      const records = getRecordsMap(w.offender.doc)
      for (const [id, r] of [...records.entries()]) if (r.typeName === 'shape' && !r.isLocked) records.delete(id)
    })
    await waitFor(() => !getRecordsMap(w.watcher.doc).has('shape:alice-2'), 'alice’s notes gone')
    await waitFor(() => isDeepStrictEqual(boardState(w.offender.doc), boardState(w.room.doc)), 'alice to converge')
    expect(getRecordsMap(w.room.doc).size).toBe(before - 2)
    for (const id of ['shape:bob-note', 'shape:in-frame', 'shape:frame']) expect(getRecordsMap(w.watcher.doc).has(id)).toBe(true)
    // The template's example notes are not hers either.
    expect([...getRecordsMap(w.room.doc).values()].filter((r) => (r.meta as any)?.part === 'example').length).toBeGreaterThan(0)
  })

  it('a facilitator locks and unlocks anything, and may delete anyone’s note', async () => {
    const s = await server()
    const w = await workshop(s)
    const records = getRecordsMap(w.facilitator.doc)
    records.set(w.zone.id, { ...w.zone, isLocked: false, x: (w.zone.x as number) + 10 })
    await waitFor(() => getRecordsMap(w.watcher.doc).get(w.zone.id)?.isLocked === false, 'the zone unlocked')
    records.delete('shape:bob-note')
    await waitFor(() => !getRecordsMap(w.watcher.doc).has('shape:bob-note'), 'bob’s note deleted by the facilitator')
    // Now unlocked, the zone can be moved by a participant.
    getRecordsMap(w.offender.doc).set(w.zone.id, { ...getRecordsMap(w.offender.doc).get(w.zone.id)!, x: 5 })
    await waitFor(() => getRecordsMap(w.watcher.doc).get(w.zone.id)?.x === 5, 'the unlocked zone moved')
    // The facilitator still cannot write the schema: only the server does.
    getMetaMap(w.facilitator.doc).set(BoardMetaKey.schema, withNoteVersion(-1))
    records.set('shape:after-schema', note('after-schema'))
    await waitFor(() => getRecordsMap(w.watcher.doc).has('shape:after-schema'), 'the next edit')
    expect(getMetaMap(w.room.doc).get(BoardMetaKey.schema)).toEqual(current)
    expect(getMetaMap(w.watcher.doc).get(BoardMetaKey.schema)).toEqual(current)
  })

  it('a facilitator freezes the board: participants can change nothing until it is unfrozen', async () => {
    const s = await server()
    const w = await workshop(s)
    await hello(w.facilitator.commands)
    await w.facilitator.commands.ok({ type: 'board.setMode', mode: 'frozen' })
    await waitFor(() => (getSessionMap(w.offender.doc).get(BoardSessionKey.editing) as any)?.mode === 'frozen', 'the mode at the participant')
    getRecordsMap(w.offender.doc).set('shape:while-frozen', note('while-frozen'))
    getRecordsMap(w.facilitator.doc).set('shape:facilitator-writes', note('facilitator-writes'))
    await waitFor(() => getRecordsMap(w.watcher.doc).has('shape:facilitator-writes'), 'the facilitator’s note')
    await waitFor(() => !getRecordsMap(w.offender.doc).has('shape:while-frozen'), 'the participant’s note undone')
    expect(getRecordsMap(w.room.doc).has('shape:while-frozen')).toBe(false)
    expect(getRecordsMap(w.watcher.doc).has('shape:while-frozen')).toBe(false)
    await w.facilitator.commands.ok({ type: 'board.setMode', mode: 'open' })
    await waitFor(() => (getSessionMap(w.offender.doc).get(BoardSessionKey.editing) as any)?.mode === 'open', 'unfrozen at the participant')
    getRecordsMap(w.offender.doc).set('shape:after-thaw', note('after-thaw'))
    await waitFor(() => getRecordsMap(w.watcher.doc).has('shape:after-thaw'), 'the participant writes again')
  })

  it('in “each their own notes” mode a participant changes only their own shapes, and still adds new ones', async () => {
    const s = await server()
    const w = await workshop(s)
    await w.facilitator.commands.ok({ type: 'board.setMode', mode: 'own' })
    await waitFor(() => (getSessionMap(w.offender.doc).get(BoardSessionKey.editing) as any)?.mode === 'own', 'the mode at the participant')
    const records = getRecordsMap(w.offender.doc)
    records.set('shape:bob-note', { ...records.get('shape:bob-note')!, x: 4242 })
    records.set('shape:alice-own', note('alice-own', 'à moi'))
    await waitFor(() => getRecordsMap(w.watcher.doc).has('shape:alice-own'), 'alice’s new note')
    await waitFor(() => getRecordsMap(w.offender.doc).get('shape:bob-note')?.x !== 4242, 'the move undone at alice')
    expect(getRecordsMap(w.watcher.doc).get('shape:bob-note')?.x).not.toBe(4242)
    records.set('shape:alice-own', { ...records.get('shape:alice-own')!, x: 77 })
    await waitFor(() => getRecordsMap(w.watcher.doc).get('shape:alice-own')?.x === 77, 'alice moves her own note')
  })

  it('a deleted frame whose notes belong to others is kept, with its notes', async () => {
    const s = await server()
    const w = await workshop(s)
    // Alice draws a frame; Bob puts a note in it; Alice deletes the frame and everything in it.
    getRecordsMap(w.offender.doc).set('shape:alice-frame', { ...note('alice-frame'), type: 'frame', props: { w: 300, h: 300, name: 'Alice', color: 'black' } })
    await waitFor(() => getRecordsMap(w.watcher.doc).has('shape:alice-frame'), 'alice’s frame at bob')
    getRecordsMap(w.watcher.doc).set('shape:bob-in-alice', note('bob-in-alice', 'chez Alice', { parentId: 'shape:alice-frame' }))
    await waitFor(() => getRecordsMap(w.offender.doc).has('shape:bob-in-alice'), 'bob’s note at alice')
    Y.transact(w.offender.doc, () => {
      getRecordsMap(w.offender.doc).delete('shape:bob-in-alice')
      getRecordsMap(w.offender.doc).delete('shape:alice-frame')
    })
    getRecordsMap(w.offender.doc).set('shape:legal', note('legal'))
    await waitFor(() => getRecordsMap(w.watcher.doc).has('shape:legal'), 'the next edit')
    expect(getRecordsMap(w.room.doc).has('shape:alice-frame')).toBe(true)
    expect(getRecordsMap(w.room.doc).has('shape:bob-in-alice')).toBe(true)
    await waitFor(() => isDeepStrictEqual(boardState(w.offender.doc), boardState(w.room.doc)), 'alice to converge')
  })

  it('a deleted note that comes back (undo, or an edit that met the delete) is judged as what it was', async () => {
    const s = await server()
    const w = await workshop(s)
    const records = getRecordsMap(w.offender.doc)
    records.set('shape:undo-me', note('undo-me', 'à garder'))
    await waitFor(() => (getRecordsMap(w.watcher.doc).get('shape:undo-me')?.meta as any)?.author === w.identities.alice.identity.id, 'alice’s note')
    const stamped = records.get('shape:undo-me')!
    records.delete('shape:undo-me')
    await waitFor(() => !getRecordsMap(w.watcher.doc).has('shape:undo-me'), 'deleted')
    // tldraw's undo puts the same record back: still hers.
    records.set('shape:undo-me', stamped)
    await waitFor(() => getRecordsMap(w.watcher.doc).has('shape:undo-me'), 'back')
    expect((getRecordsMap(w.room.doc).get('shape:undo-me')?.meta as any).author).toBe(w.identities.alice.identity.id)
    // Bob's note, deleted by the facilitator, brought back by Alice: Bob's, still.
    const bobs = getRecordsMap(w.offender.doc).get('shape:bob-note')!
    getRecordsMap(w.facilitator.doc).delete('shape:bob-note')
    await waitFor(() => !getRecordsMap(w.offender.doc).has('shape:bob-note'), 'bob’s note deleted')
    records.set('shape:bob-note', bobs)
    await waitFor(() => getRecordsMap(w.watcher.doc).has('shape:bob-note'), 'bob’s note back')
    expect((getRecordsMap(w.room.doc).get('shape:bob-note')?.meta as any).author).toBe(w.identities.bob.identity.id)
    // When each edits their own, Alice cannot bring back Bob's note.
    await w.facilitator.commands.ok({ type: 'board.setMode', mode: 'own' })
    await waitFor(() => (getSessionMap(w.offender.doc).get(BoardSessionKey.editing) as any)?.mode === 'own', 'own mode')
    getRecordsMap(w.facilitator.doc).delete('shape:bob-note')
    await waitFor(() => !getRecordsMap(w.offender.doc).has('shape:bob-note'), 'deleted again')
    records.set('shape:bob-note', bobs)
    records.set('shape:legal', note('legal'))
    await waitFor(() => getRecordsMap(w.watcher.doc).has('shape:legal'), 'the next edit')
    expect(getRecordsMap(w.room.doc).has('shape:bob-note')).toBe(false)
  })

  it('a client with no identity (stock y-websocket) is stamped as someone new for its connection', async () => {
    const s = await server()
    const w = await workshop(s)
    const stock = client(s, w.board.id, w.lab.tokens.participant)
    await waitSynced(stock.provider)
    getRecordsMap(stock.doc).set('shape:anon', note('anon'))
    await waitFor(() => getRecordsMap(w.watcher.doc).has('shape:anon'), 'the anonymous note')
    await waitFor(() => typeof (getRecordsMap(stock.doc).get('shape:anon')?.meta as any)?.author === 'string', 'the stamp at the writer')
    expect((getRecordsMap(w.room.doc).get('shape:anon')?.meta as any).author).toMatch(/^anon-/)
  })

  it('an identity from another lab, or with a wrong secret, is refused at the upgrade', async () => {
    const s = await server()
    const w = await workshop(s)
    const other = await createLabAndBoard(s.url)
    const foreign = await issueIdentity(s.url, other.lab.id, other.lab.tokens.participant, 'Ailleurs')
    const status = (identity: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`${s.wsUrl}/${w.board.id}?token=${w.lab.tokens.participant}&identity=${encodeURIComponent(identity)}`)
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
        ws.on('open', () => resolve(101))
        ws.on('error', () => {})
      })
    expect(await status(foreign.credential)).toBe(403)
    expect(await status(`${w.identities.alice.identity.id}.wrong-secret`)).toBe(403)
    expect(await status(w.identities.alice.credential)).toBe(101)
  })
})

describe('commands', () => {
  it('are checked against the role; unknown and malformed ones get a typed error and the connection stays', async () => {
    const s = await server()
    const w = await workshop(s)
    const p = w.offender.commands
    await hello(p)
    const welcome = p.events.find((e) => e.type === 'welcome')
    expect(welcome).toMatchObject({ role: 'participant', identity: { id: w.identities.alice.identity.id, name: 'Alice' } })
    expect(await p.send({ type: 'board.setMode', mode: 'frozen' })).toMatchObject({ type: 'error', code: 'forbidden' })
    expect(await p.send({ type: 'shape.lock', ids: ['shape:bob-note'], locked: true })).toMatchObject({ type: 'error', code: 'forbidden' })
    expect(await p.send({ type: 'participant.remove', identityId: w.identities.bob.identity.id })).toMatchObject({ type: 'error', code: 'forbidden' })
    expect(await p.send({ type: 'nonsense' } as never)).toMatchObject({ type: 'error', code: 'unknown-command' })
    expect(await p.send({ type: 'board.setMode', mode: 'chaos' } as never)).toMatchObject({ type: 'error', code: 'invalid' })
    const errorsBefore = p.events.filter((e) => e.type === 'error' && e.code === 'malformed').length
    p.sendRaw(new Uint8Array([100, 3, 0x7b, 0x7b, 0x7b]))
    await waitFor(() => p.events.filter((e) => e.type === 'error' && e.code === 'malformed').length > errorsBefore, 'the malformed answer')
    // Nothing changed, and the connection still works.
    expect(getSessionMap(w.room.doc).get(BoardSessionKey.editing)).toBeUndefined()
    getRecordsMap(w.offender.doc).set('shape:still-here', note('still-here'))
    await waitFor(() => getRecordsMap(w.watcher.doc).has('shape:still-here'), 'the participant still writes')
  })

  it('shape.lock locks shapes for everyone; a participant can no longer move them', async () => {
    const s = await server()
    const w = await workshop(s)
    await w.facilitator.commands.ok({ type: 'shape.lock', ids: ['shape:bob-note'], locked: true })
    await waitFor(() => getRecordsMap(w.offender.doc).get('shape:bob-note')?.isLocked === true, 'locked at alice')
    getRecordsMap(w.offender.doc).set('shape:bob-note', { ...getRecordsMap(w.offender.doc).get('shape:bob-note')!, x: -500 })
    getRecordsMap(w.offender.doc).set('shape:legal', note('legal'))
    await waitFor(() => getRecordsMap(w.watcher.doc).has('shape:legal'), 'the next edit')
    expect(getRecordsMap(w.room.doc).get('shape:bob-note')?.x).not.toBe(-500)
    expect(await w.facilitator.commands.send({ type: 'shape.lock', ids: ['shape:nothing-here'], locked: true })).toMatchObject({ type: 'error', code: 'invalid' })
  })

  it('a facilitator sees who is on the board, removes a participant (closed, refused on reconnect) and lets them back', async () => {
    const s = await server()
    const w = await workshop(s)
    await hello(w.facilitator.commands)
    await waitFor(() => {
      const people = [...w.facilitator.commands.events].reverse().find((e) => e.type === 'people')
      return people?.type === 'people' && people.people.length === 3
    }, 'three people on the board')
    const people = [...w.facilitator.commands.events].reverse().find((e): e is Extract<ServerEvent, { type: 'people' }> => e.type === 'people')!
    expect(people.people.map((p) => `${p.name}:${p.role}`).sort()).toEqual(['Alice:participant', 'Bob:participant', 'Fatou:facilitator'])

    let closed: { code: number; reason: string } | null = null
    w.offender.provider.on('closed', (event: { code: number; reason: string }) => (closed = event))
    await hello(w.offender.commands)
    await w.facilitator.commands.ok({ type: 'participant.remove', identityId: w.identities.alice.identity.id })
    await waitFor(() => closed !== null, 'alice’s connection closed')
    expect(closed!.code).toBe(CloseCode.removed)
    expect(w.offender.commands.events.some((e) => e.type === 'removed')).toBe(true)
    expect(Object.keys(getSessionMap(w.room.doc).get(BoardSessionKey.removed) as object)).toEqual([w.identities.alice.identity.id])
    // Coming back with the same identity: closed at once, before any sync.
    const again = client(s, w.board.id, w.lab.tokens.participant, w.identities.alice.credential)
    let againClosed: { code: number } | null = null
    again.provider.on('closed', (event: { code: number }) => (againClosed = event))
    await waitFor(() => againClosed !== null, 'the reconnect refused')
    expect(againClosed!.code).toBe(CloseCode.removed)
    expect(again.provider.synced).toBe(false)
    // Bob is untouched; a participant cannot remove, nor remove oneself as facilitator.
    expect(await w.facilitator.commands.send({ type: 'participant.remove', identityId: w.identities.fac.identity.id })).toMatchObject({ type: 'error', code: 'invalid' })
    // Let back in.
    await w.facilitator.commands.ok({ type: 'participant.readmit', identityId: w.identities.alice.identity.id })
    const back = client(s, w.board.id, w.lab.tokens.participant, w.identities.alice.credential)
    await waitSynced(back.provider)
    getRecordsMap(back.doc).set('shape:back', note('back', 'de retour'))
    await waitFor(() => getRecordsMap(w.watcher.doc).has('shape:back'), 'alice writes again')
  })

  it('identity.update renames a person for the facilitator’s list and for later visits', async () => {
    const s = await server()
    const w = await workshop(s)
    await hello(w.facilitator.commands)
    await w.offender.commands.ok({ type: 'identity.update', name: 'Alice B.' })
    await waitFor(() => {
      const people = [...w.facilitator.commands.events].reverse().find((e) => e.type === 'people')
      return people?.type === 'people' && people.people.some((p) => p.name === 'Alice B.')
    }, 'the new name in the list')
    expect((await s.server.storage.getIdentity(w.identities.alice.identity.id))?.name).toBe('Alice B.')
    expect(await w.offender.commands.send({ type: 'identity.update', name: '' })).toMatchObject({ type: 'error', code: 'invalid' })
  })
})
