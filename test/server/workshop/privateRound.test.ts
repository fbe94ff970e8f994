import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { DEFAULT_PAGE_ID, getRecordsMap, getSessionMap, type StoredRecord } from '../../../shared/boardDoc'
import { BoardSessionKey } from '../../../shared/boardSession'
import type { PrivateRoundState } from '../../../shared/workshop/privateRound'
import { ControlledStorage } from '../../support/controlledStorage'
import { hello, issueIdentity } from '../../support/commands'
import { waitFor, waitSynced } from '../../support/providers'
import { note, textOf } from '../../support/records'
import type { TestServer } from '../../support/testServer'
import { eventsOf, sessionOf, useWorkshop, waitSession, type Client, type RawClient, type Workshop } from './workshopHarness'

const w0 = useWorkshop()

const roundOf = (doc: Y.Doc) => sessionOf(doc)[BoardSessionKey.privateRound] as PrivateRoundState | undefined
const authorOf = (record: StoredRecord | undefined) => (record?.meta as { author?: string } | undefined)?.author

async function openRound(w: Workshop, prompt = 'Vos idées, chacun pour soi'): Promise<PrivateRoundState> {
  await w.facilitator.commands.ok({ type: 'private.open', prompt })
  await w.room.settle()
  const round = roundOf(w.room.doc)!
  await Promise.all(w.everyone.map((c) => waitSession(c, (s) => s[BoardSessionKey.privateRound]?.id === round.id, 'the round everywhere')))
  return round
}

/** A participant (Chloé) and a viewer (Victor) whose clients keep every message they get. */
async function watchers(s: TestServer, w: Workshop): Promise<RawClient[]> {
  const chloe = await issueIdentity(s.url, w.lab.id, w.lab.tokens.participant, 'Chloé')
  const victor = await issueIdentity(s.url, w.lab.id, w.lab.tokens.viewer, 'Victor')
  const raws = [w0.rawClient(s, w.board.id, w.lab.tokens.participant, chloe.credential), w0.rawClient(s, w.board.id, w.lab.tokens.viewer, victor.credential)]
  await Promise.all(raws.map((r) => waitSynced(r.provider)))
  await Promise.all(raws.map((r) => hello(r.commands)))
  return raws
}

/** Waits until `client` sees the round's counts at `writers`/`shapes`: every write before them has reached it. */
const countsAt = (client: Client, writers: number, shapes: number) =>
  waitSession(client, (s) => s[BoardSessionKey.privateRound]?.writers === writers && s[BoardSessionKey.privateRound]?.shapes === shapes, `${writers} writers, ${shapes} shapes`)

describe('the private writing round', () => {
  it('keeps each participant’s notes to their author until the reveal — nothing reaches a raw participant or viewer client — then reveals them all at once, attributed, where they were put', async () => {
    const s = await w0.server()
    const w = await w0.setup(s)
    const raws = await watchers(s, w)
    const aliceTab = w0.client(s, w.board.id, w.lab.tokens.participant, w.identities.alice.credential)
    await waitSynced(aliceTab.provider)
    await hello(aliceTab.commands)
    const round = await openRound(w)
    expect(round).toMatchObject({ status: 'open', prompt: 'Vos idées, chacun pour soi', by: w.identities.fac.identity.id, writers: 0, shapes: 0 })
    const aliceId = w.identities.alice.identity.id
    const bobId = w.identities.bob.identity.id

    const aliceFrame: StoredRecord = { ...note('alice-frame', '', { x: 2000, y: 0 }), type: 'frame', props: { w: 500, h: 500, name: 'Mon coin', color: 'black' } }
    const aliceNote = note('alice-note', 'SECRET-ALICE-4471', { x: 120, y: 80 })
    await w.participant.commands.ok({ type: 'private.put', roundId: round.id, records: [aliceFrame, aliceNote] })
    await w.participant.commands.ok({ type: 'private.put', roundId: round.id, records: [note('alice-in-frame', 'SECRET-ALICE-CADRE', { parentId: 'shape:alice-frame', x: 10, y: 10 })] })
    await w.other.commands.ok({ type: 'private.put', roundId: round.id, records: [note('bob-note', 'SECRET-BOB-9902', { x: 900, y: 40 })] })
    // Alice moves her note: a change of her private record.
    await w.participant.commands.ok({ type: 'private.put', roundId: round.id, records: [{ ...aliceNote, x: 150 }] })
    // Alice's other tab follows her records (stamped by the server); her sending tab already has them.
    await waitFor(() => eventsOf(aliceTab, 'private.records').some((e) => e.records.some((r) => r.id === 'shape:alice-note' && r.x === 150)), 'alice’s other tab')
    const stamped = eventsOf(aliceTab, 'private.records')[0]!
    expect(stamped).toMatchObject({ roundId: round.id, full: false, removed: [] })
    expect(stamped.records.map((r) => [r.id, authorOf(r)])).toEqual([
      ['shape:alice-frame', aliceId],
      ['shape:alice-note', aliceId],
    ])
    expect(eventsOf(w.participant, 'private.records')).toEqual([])
    for (const c of [w.other, w.facilitator, w.viewer, ...raws]) expect(eventsOf(c, 'private.records').filter((e) => e.records.some((r) => authorOf(r) === aliceId))).toEqual([])

    // The public state is counts only, reached by everyone.
    for (const c of [...raws, w.facilitator]) await countsAt(c, 2, 4)
    expect(await s.server.storage.listBoardSecrets(w.board.id, `private/${round.id}/`)).toHaveLength(4)
    // No message to the raw clients, and no state of their documents, ever held a private note.
    for (const raw of raws) {
      for (const secret of ['SECRET-ALICE-4471', 'SECRET-ALICE-CADRE', 'SECRET-BOB-9902', 'shape:alice-note', 'shape:bob-note', 'Mon coin']) expect(raw.saw(secret), secret).toBe(false)
    }
    expect(getRecordsMap(w.room.doc).has('shape:alice-note')).toBe(false)

    const revealedAfter = Date.now()
    await w.facilitator.commands.ok({ type: 'private.reveal', roundId: round.id })
    for (const c of [...raws, w.participant, w.other, w.facilitator]) await waitSession(c, (s) => s[BoardSessionKey.privateRound]?.status === 'revealed', 'revealed')
    const records = getRecordsMap(raws[0]!.doc)
    // Attributed, and marked with the round that revealed them (clients name their authors).
    expect(records.get('shape:alice-note')).toEqual({ ...aliceNote, x: 150, meta: { author: aliceId, privateRound: round.id } })
    expect(records.get('shape:alice-frame')).toEqual({ ...aliceFrame, meta: { author: aliceId, privateRound: round.id } })
    expect(records.get('shape:alice-in-frame')).toMatchObject({ parentId: 'shape:alice-frame', x: 10, y: 10, meta: { author: aliceId, privateRound: round.id } })
    expect(textOf(records.get('shape:bob-note'))).toBe('SECRET-BOB-9902')
    expect(authorOf(records.get('shape:bob-note'))).toBe(bobId)
    const revealed = roundOf(raws[1]!.doc)!
    expect(revealed).toMatchObject({ id: round.id, status: 'revealed', writers: 2, shapes: 4 })
    expect(Date.parse(revealed.revealedAt!)).toBeGreaterThanOrEqual(revealedAfter - 1000)
    expect(revealed.authors).toEqual({ [aliceId]: { name: 'Alice', color: w.identities.alice.identity.color }, [bobId]: { name: 'Bob', color: w.identities.bob.identity.color } })
    // The inspection does see them now, so its silence before meant something.
    for (const raw of raws) expect(raw.saw('SECRET-ALICE-4471')).toBe(true)
    expect(await s.server.storage.listBoardSecrets(w.board.id, 'private/')).toEqual([])
    expect(await w.participant.commands.send({ type: 'private.put', roundId: round.id, records: [note('late', 'trop tard')] })).toMatchObject({ type: 'error', code: 'invalid', message: 'this private round is not open' })
    // Now they are ordinary notes: their author moves them, the rules apply as usual.
    getRecordsMap(w.participant.doc).set('shape:alice-note', { ...getRecordsMap(w.participant.doc).get('shape:alice-note')!, y: 999 })
    await waitFor(() => getRecordsMap(w.other.doc).get('shape:alice-note')?.y === 999, 'alice moves her revealed note')
  })

  it('judges private records with the board’s rules: no ids of the board, no locks, no frame removed under a note, at most so many; facilitators and viewers do not write privately', async () => {
    const s = await w0.server()
    const w = await w0.setup(s)
    getRecordsMap(w.facilitator.doc).set('shape:public', note('public', 'au tableau'))
    await waitFor(() => getRecordsMap(w.room.doc).has('shape:public'), 'a public note')
    const round = await openRound(w)
    const put = (c: Client, records: StoredRecord[]) => c.commands.send({ type: 'private.put', roundId: round.id, records })
    expect(await put(w.participant, [note('public', 'je la prends')])).toMatchObject({ type: 'error', code: 'invalid' })
    expect(await put(w.participant, [note('locked', 'verrouillée', { isLocked: true })])).toMatchObject({ type: 'error', code: 'invalid', message: expect.stringContaining('lock-facilitator-only') })
    expect(await put(w.participant, [note('lost', 'perdue', { parentId: 'shape:nowhere' })])).toMatchObject({ type: 'error', code: 'invalid', message: expect.stringContaining('missing-reference') })
    expect(await put(w.participant, [{ id: 'page:mine', typeName: 'page', name: 'Ma page', index: 'a9', meta: {} }])).toMatchObject({ type: 'error', code: 'invalid' })
    expect(await put(w.participant, [note('ok', 'fine'), { ...note('bad'), x: 'left' } as StoredRecord])).toMatchObject({ type: 'error', code: 'invalid' })
    // Nothing of a refused put was kept.
    expect(await s.server.storage.listBoardSecrets(w.board.id, 'private/')).toEqual([])
    // Someone else's private record is not visible to her, so she cannot point to it.
    await w.other.commands.ok({ type: 'private.put', roundId: round.id, records: [{ ...note('bob-frame'), type: 'frame', props: { w: 100, h: 100, name: 'Bob', color: 'black' } }] })
    expect(await put(w.participant, [note('in-bobs', 'chez Bob', { parentId: 'shape:bob-frame' })])).toMatchObject({ type: 'error', code: 'invalid', message: expect.stringContaining('missing-reference') })

    await w.participant.commands.ok({ type: 'private.put', roundId: round.id, records: [{ ...note('frame'), type: 'frame', props: { w: 300, h: 300, name: 'Cadre', color: 'black' } }, note('inside', 'dedans', { parentId: 'shape:frame' })] })
    expect(await w.participant.commands.send({ type: 'private.remove', roundId: round.id, ids: ['shape:frame'] })).toMatchObject({ type: 'error', code: 'invalid', message: expect.stringContaining('in-use') })
    await w.participant.commands.ok({ type: 'private.remove', roundId: round.id, ids: ['shape:inside', 'shape:frame'] })
    // Removing what is not (or no longer) hers changes nothing.
    await w.participant.commands.ok({ type: 'private.remove', roundId: round.id, ids: ['shape:frame', 'shape:bob-frame'] })
    await countsAt(w.facilitator, 1, 1)
    expect((await s.server.storage.listBoardSecrets(w.board.id, 'private/')).map((e) => e.key)).toEqual([`private/${round.id}/${w.identities.bob.identity.id}/shape:bob-frame`])

    expect(await put(w.facilitator, [note('fac', 'animation')])).toMatchObject({ type: 'error', code: 'forbidden' })
    expect(await put(w.viewer, [note('viewer', 'observation')])).toMatchObject({ type: 'error', code: 'forbidden' })
    expect(await w.viewer.commands.send({ type: 'private.remove', roundId: round.id, ids: ['shape:bob-frame'] })).toMatchObject({ type: 'error', code: 'forbidden' })
    expect(await w.participant.commands.send({ type: 'private.put', roundId: 'another', records: [note('x')] })).toMatchObject({ type: 'error', code: 'invalid', message: 'this private round is not open' })

    // A frozen board is frozen for private records too.
    await w.facilitator.commands.ok({ type: 'board.setMode', mode: 'frozen' })
    expect(await put(w.participant, [note('while-frozen', 'gelé')])).toMatchObject({ type: 'error', code: 'invalid', message: expect.stringContaining('frozen') })
  })

  it('at most PRIVATE_RECORDS_MAX records per person in a round', async () => {
    const s = await w0.server()
    const w = await w0.setup(s)
    const round = await openRound(w)
    const { PRIVATE_RECORDS_MAX, PRIVATE_PUT_MAX } = await import('../../../shared/workshop/privateRound')
    let n = 0
    while (n < PRIVATE_RECORDS_MAX) {
      const batch = Array.from({ length: Math.min(PRIVATE_PUT_MAX, PRIVATE_RECORDS_MAX - n) }, () => note(`many-${n++}`, 'x'))
      await w.participant.commands.ok({ type: 'private.put', roundId: round.id, records: batch })
    }
    expect(await w.participant.commands.send({ type: 'private.put', roundId: round.id, records: [note('one-too-many', 'x')] })).toMatchObject({
      type: 'error',
      code: 'invalid',
      message: expect.stringContaining('private-round-full'),
    })
    // Changing one she has is still fine; someone else still writes.
    await w.participant.commands.ok({ type: 'private.put', roundId: round.id, records: [note('many-0', 'changée')] })
    await w.other.commands.ok({ type: 'private.put', roundId: round.id, records: [note('bob', 'x')] })
  })

  it('at most PRIVATE_BYTES_MAX bytes of records per person in a round (they are kept outside the board’s own limit)', async () => {
    const s = await w0.server()
    const w = await w0.setup(s)
    const round = await openRound(w)
    const { PRIVATE_BYTES_MAX } = await import('../../../server/workshop/judgePrivateRecords')
    const big = (id: string) => note(id, 'x'.repeat(Math.floor(PRIVATE_BYTES_MAX / 3)))
    await w.other.commands.ok({ type: 'private.put', roundId: round.id, records: [big('big-1')] })
    await w.other.commands.ok({ type: 'private.put', roundId: round.id, records: [big('big-2')] })
    expect(await w.other.commands.send({ type: 'private.put', roundId: round.id, records: [big('big-3')] })).toMatchObject({ type: 'error', code: 'invalid', message: expect.stringContaining('private-round-too-large') })
    // Making one smaller, or removing one, makes room again.
    await w.other.commands.ok({ type: 'private.put', roundId: round.id, records: [note('big-1', 'court')] })
    await w.other.commands.ok({ type: 'private.put', roundId: round.id, records: [big('big-3')] })
    expect(await s.server.storage.listBoardSecrets(w.board.id, 'private/')).toHaveLength(3)
  })

  it('diverts a note a stock client writes straight into the document: no one else receives it, its author keeps it privately, and it is revealed with the rest', async () => {
    const s = await w0.server()
    const w = await w0.setup(s)
    const raws = await watchers(s, w)
    getRecordsMap(w.participant.doc).set('shape:alice-public', note('alice-public', 'avant le tour'))
    await waitFor(() => getRecordsMap(w.room.doc).has('shape:alice-public'), 'alice’s public note')
    const round = await openRound(w)
    const aliceId = w.identities.alice.identity.id
    // A stock y-websocket client of Alice's (it speaks no commands) writes as if no round were open.
    const stock = w0.client(s, w.board.id, w.lab.tokens.participant, w.identities.alice.credential)
    await waitSynced(stock.provider)
    getRecordsMap(stock.doc).set('shape:stock-note', note('stock-note', 'SECRET-STOCK-3318', { x: 42, y: 43 }))
    // Alice's command client hears of it as hers; the stock client's copy is taken back.
    await waitFor(() => eventsOf(w.participant, 'private.records').some((e) => e.records.some((r) => r.id === 'shape:stock-note')), 'the diverted note at alice')
    await waitFor(() => !getRecordsMap(stock.doc).has('shape:stock-note'), 'the stock client converging')
    const told = eventsOf(w.participant, 'private.records')[0]!
    expect(told).toMatchObject({ roundId: round.id, full: false })
    expect(authorOf(told.records[0])).toBe(aliceId)
    // Her changes to the board's notes stay public, and the facilitator still writes in the open.
    getRecordsMap(stock.doc).set('shape:alice-public', { ...getRecordsMap(stock.doc).get('shape:alice-public')!, x: 777 })
    getRecordsMap(w.facilitator.doc).set('shape:fac-note', note('fac-note', 'consigne'))
    for (const raw of raws) await waitFor(() => getRecordsMap(raw.doc).get('shape:alice-public')?.x === 777 && getRecordsMap(raw.doc).has('shape:fac-note'), 'public edits at the raw clients')
    for (const raw of raws) await countsAt(raw, 1, 1)
    for (const raw of raws) expect(raw.saw('SECRET-STOCK-3318')).toBe(false)
    expect(getRecordsMap(w.room.doc).has('shape:stock-note')).toBe(false)
    const kept = await s.server.storage.listBoardSecrets(w.board.id, 'private/')
    expect(kept.map((e) => e.key)).toEqual([`private/${round.id}/${aliceId}/shape:stock-note`])

    // A new tab of hers, after hello, gets all her private records at once.
    const tab = w0.client(s, w.board.id, w.lab.tokens.participant, w.identities.alice.credential)
    await waitSynced(tab.provider)
    await hello(tab.commands)
    expect(eventsOf(tab, 'private.records')).toEqual([{ type: 'private.records', roundId: round.id, records: [told.records[0]], removed: [], full: true }])

    await w.facilitator.commands.ok({ type: 'private.reveal', roundId: round.id })
    for (const raw of raws) await waitFor(() => getRecordsMap(raw.doc).has('shape:stock-note'), 'the diverted note revealed')
    expect(getRecordsMap(raws[0]!.doc).get('shape:stock-note')).toMatchObject({ x: 42, y: 43, parentId: DEFAULT_PAGE_ID, meta: { author: aliceId } })
    await waitFor(() => getRecordsMap(stock.doc).has('shape:stock-note'), 'back at the stock client')
    // After the reveal, a stock client writes in the open again.
    getRecordsMap(stock.doc).set('shape:after', note('after', 'après'))
    await waitFor(() => getRecordsMap(raws[1]!.doc).has('shape:after'), 'public again')
  })

  it('a modified client cannot escape: closing the round in its own update, or pointing a public change to its new private record', async () => {
    const s = await w0.server()
    const w = await w0.setup(s)
    const raws = await watchers(s, w)
    getRecordsMap(w.participant.doc).set('shape:mine', note('mine', 'publique'))
    await waitFor(() => getRecordsMap(w.room.doc).has('shape:mine'), 'a public note of alice')
    const round = await openRound(w)
    Y.transact(w.participant.doc, () => {
      getSessionMap(w.participant.doc).set(BoardSessionKey.privateRound, { ...round, status: 'revealed' })
      getRecordsMap(w.participant.doc).set('shape:escape', note('escape', 'SECRET-ESCAPE-5150'))
    })
    Y.transact(w.participant.doc, () => {
      getRecordsMap(w.participant.doc).set('shape:new-frame', { ...note('new-frame'), type: 'frame', props: { w: 300, h: 300, name: 'SECRET-FRAME-6001', color: 'black' } })
      getRecordsMap(w.participant.doc).set('shape:mine', { ...getRecordsMap(w.participant.doc).get('shape:mine')!, parentId: 'shape:new-frame' })
    })
    await waitFor(() => eventsOf(w.participant, 'private.records').flatMap((e) => e.records).length === 2, 'both diverted')
    getRecordsMap(w.facilitator.doc).set('shape:marker', note('marker', 'après'))
    for (const raw of raws) await waitFor(() => getRecordsMap(raw.doc).has('shape:marker'), 'a later public write')
    for (const raw of raws) {
      expect(raw.saw('SECRET-ESCAPE-5150')).toBe(false)
      expect(raw.saw('SECRET-FRAME-6001')).toBe(false)
      expect(getRecordsMap(raw.doc).get('shape:mine')?.parentId).toBe(DEFAULT_PAGE_ID)
      expect(roundOf(raw.doc)?.status).toBe('open')
    }
    await waitFor(() => getRecordsMap(w.participant.doc).get('shape:mine')?.parentId === DEFAULT_PAGE_ID && roundOf(w.participant.doc)?.status === 'open', 'alice converging')
    expect(eventsOf(w.participant, 'refused').flatMap((e) => e.changes.map((c) => c.rule))).toEqual(expect.arrayContaining(['server-only', 'missing-reference']))
  })

  it('diverts an arrow with its bindings (private with their arrow); a binding of a board arrow to a new note is refused', async () => {
    const s = await w0.server()
    const w = await w0.setup(s)
    const raws = await watchers(s, w)
    Y.transact(w.facilitator.doc, () => {
      getRecordsMap(w.facilitator.doc).set('shape:topic', note('topic', 'sujet'))
      getRecordsMap(w.facilitator.doc).set('shape:board-arrow', { ...note('board-arrow'), type: 'arrow', props: { start: { x: 0, y: 0 }, end: { x: 5, y: 5 } } })
    })
    await waitFor(() => getRecordsMap(w.room.doc).has('shape:board-arrow'), 'the facilitator’s shapes')
    const round = await openRound(w)
    const stock = w0.client(s, w.board.id, w.lab.tokens.participant, w.identities.alice.credential)
    await waitSynced(stock.provider)
    const binding = (id: string, fromId: string, toId: string): StoredRecord => ({ id, typeName: 'binding', type: 'arrow', fromId, toId, props: { terminal: 'end' }, meta: {} })
    Y.transact(stock.doc, () => {
      const records = getRecordsMap(stock.doc)
      records.set('shape:my-arrow', { ...note('my-arrow'), type: 'arrow', props: { start: { x: 0, y: 0 }, end: { x: 9, y: 9 }, text: 'SECRET-ARROW-8080' } })
      records.set('binding:mine', binding('binding:mine', 'shape:my-arrow', 'shape:topic'))
      records.set('shape:my-note', note('my-note', 'SECRET-NOTE-8081'))
      records.set('binding:board-to-mine', binding('binding:board-to-mine', 'shape:board-arrow', 'shape:my-note'))
    })
    await waitFor(async () => (await s.server.storage.listBoardSecrets(w.board.id, 'private/')).length === 3, 'arrow, binding and note kept')
    getRecordsMap(w.facilitator.doc).set('shape:marker', note('marker'))
    for (const raw of raws) await waitFor(() => getRecordsMap(raw.doc).has('shape:marker'), 'a later write')
    for (const raw of raws) for (const secret of ['SECRET-ARROW-8080', 'SECRET-NOTE-8081']) expect(raw.saw(secret)).toBe(false)
    for (const id of ['binding:mine', 'binding:board-to-mine', 'shape:my-arrow']) expect(getRecordsMap(w.room.doc).has(id)).toBe(false)
    await w.facilitator.commands.ok({ type: 'private.reveal', roundId: round.id })
    await waitFor(() => getRecordsMap(raws[0]!.doc).has('binding:mine'), 'the binding revealed with its arrow')
    expect(getRecordsMap(raws[0]!.doc).get('binding:mine')).toMatchObject({ fromId: 'shape:my-arrow', toId: 'shape:topic' })
    expect(getRecordsMap(raws[0]!.doc).has('binding:board-to-mine')).toBe(false)
  })

  it('only a facilitator opens and reveals: refused to a participant and a viewer, nothing changes; one round at a time', async () => {
    const s = await w0.server()
    const w = await w0.setup(s)
    await w0.expectFacilitatorOnly(s, w, { type: 'private.open', prompt: 'Pirate' })
    const round = await openRound(w)
    await w.participant.commands.ok({ type: 'private.put', roundId: round.id, records: [note('kept', 'gardée')] })
    await w0.expectFacilitatorOnly(s, w, { type: 'private.reveal', roundId: round.id })
    await w0.expectFacilitatorOnly(s, w, { type: 'private.open', prompt: 'Pirate' })
    expect(await w.facilitator.commands.send({ type: 'private.open', prompt: 'Encore' })).toMatchObject({ type: 'error', code: 'invalid', message: 'a private round is already open: reveal it first' })
    expect(await w.facilitator.commands.send({ type: 'private.reveal', roundId: 'not-this-one' })).toMatchObject({ type: 'error', code: 'invalid' })
  })

  it('survives a server restart: the open round, and each author gets their private notes back (full) on reconnecting', async () => {
    let s = await w0.server()
    const w = await w0.setup(s)
    const round = await openRound(w)
    await w.participant.commands.ok({ type: 'private.put', roundId: round.id, records: [note('a1', 'SECRET-A1', { x: 1, y: 2 }), note('a2', 'SECRET-A2', { x: 3, y: 4 })] })
    await w.other.commands.ok({ type: 'private.put', roundId: round.id, records: [note('b1', 'SECRET-B1')] })
    await w.room.settle()
    s = await w0.restart(s)
    const alice = w0.client(s, w.board.id, w.lab.tokens.participant, w.identities.alice.credential)
    const vera = w0.client(s, w.board.id, w.lab.tokens.viewer, w.identities.vera.credential)
    const fatou = w0.client(s, w.board.id, w.lab.tokens.facilitator, w.identities.fac.credential)
    await Promise.all([alice, vera, fatou].map((c) => waitSynced(c.provider)))
    expect(roundOf(alice.doc)).toMatchObject({ id: round.id, status: 'open', writers: 2, shapes: 3 })
    await Promise.all([alice, vera, fatou].map((c) => hello(c.commands)))
    const [mine] = eventsOf(alice, 'private.records')
    expect(mine).toMatchObject({ roundId: round.id, full: true, removed: [] })
    expect(mine!.records.map((r) => [r.id, textOf(r), authorOf(r)]).sort()).toEqual([
      ['shape:a1', 'SECRET-A1', w.identities.alice.identity.id],
      ['shape:a2', 'SECRET-A2', w.identities.alice.identity.id],
    ])
    expect(eventsOf(vera, 'private.records')).toEqual([])
    expect(eventsOf(fatou, 'private.records')).toEqual([])
    await fatou.commands.ok({ type: 'private.reveal', roundId: round.id })
    await waitFor(() => ['shape:a1', 'shape:a2', 'shape:b1'].every((id) => getRecordsMap(vera.doc).has(id)), 'revealed after the restart')
  })

  it('reveals what the board became meanwhile: a note whose frame was deleted goes on the page, a binding to a deleted shape is dropped, a taken id is renamed', async () => {
    const s = await w0.server()
    const w = await w0.setup(s)
    const records = getRecordsMap(w.facilitator.doc)
    Y.transact(w.facilitator.doc, () => {
      records.set('shape:zone', { ...note('zone', '', { x: 1000, y: 1000 }), type: 'frame', props: { w: 800, h: 800, name: 'Zone', color: 'black' } })
      records.set('shape:target', note('target', 'cible', { x: 0, y: 600 }))
    })
    await waitFor(() => getRecordsMap(w.room.doc).has('shape:target'), 'the facilitator’s shapes')
    const round = await openRound(w)
    const arrow: StoredRecord = { ...note('arrow', '', { x: 0, y: 0 }), type: 'arrow', props: { start: { x: 0, y: 0 }, end: { x: 10, y: 600 } } }
    const binding: StoredRecord = { id: 'binding:to-target', typeName: 'binding', type: 'arrow', fromId: 'shape:arrow', toId: 'shape:target', props: { terminal: 'end' }, meta: {} }
    await w.participant.commands.ok({
      type: 'private.put',
      roundId: round.id,
      records: [note('in-zone', 'dans la zone', { parentId: 'shape:zone', x: 50, y: 60 }), arrow, binding, { ...note('clash'), type: 'frame', props: { w: 200, h: 200, name: 'Le mien', color: 'black' } }],
    })
    await w.participant.commands.ok({ type: 'private.put', roundId: round.id, records: [note('in-clash', 'dans le mien', { parentId: 'shape:clash', x: 5, y: 5 })] })
    // Meanwhile, the facilitator deletes the zone and the arrow's target, and writes a note whose id happens to be Alice's frame's.
    Y.transact(w.facilitator.doc, () => {
      records.delete('shape:zone')
      records.delete('shape:target')
      records.set('shape:clash', note('clash', 'au tableau'))
    })
    await waitFor(() => getRecordsMap(w.room.doc).has('shape:clash') && !getRecordsMap(w.room.doc).has('shape:zone'), 'the board changed')
    await w.facilitator.commands.ok({ type: 'private.reveal', roundId: round.id })
    await waitSession(w.viewer, (s) => s[BoardSessionKey.privateRound]?.status === 'revealed', 'revealed')
    const seen = getRecordsMap(w.viewer.doc)
    expect(seen.get('shape:in-zone')).toMatchObject({ parentId: DEFAULT_PAGE_ID, x: 50, y: 60 })
    expect(seen.get('shape:arrow')).toMatchObject({ type: 'arrow' })
    expect(seen.has('binding:to-target')).toBe(false)
    expect(textOf(seen.get('shape:clash'))).toBe('au tableau')
    const renamed = [...seen.values()].find((r) => r.type === 'frame' && (r.props as { name?: string }).name === 'Le mien')!
    expect(renamed.id).not.toBe('shape:clash')
    expect(seen.get('shape:in-clash')).toMatchObject({ parentId: renamed.id, x: 5, y: 5 })
    // The revealed board is one the rules accept: a participant can go on editing her notes.
    getRecordsMap(w.participant.doc).set('shape:in-clash', { ...getRecordsMap(w.participant.doc).get('shape:in-clash')!, x: 55 })
    await waitFor(() => getRecordsMap(w.viewer.doc).get('shape:in-clash')?.x === 55, 'an edit after the reveal')
  })

  it('crash safety: private records of a revealed (or unknown) round left behind are deleted on load, and never revealed again', async () => {
    let s = await w0.server()
    const w = await w0.setup(s)
    const round = await openRound(w)
    await w.participant.commands.ok({ type: 'private.put', roundId: round.id, records: [note('a', 'a')] })
    await w.facilitator.commands.ok({ type: 'private.reveal', roundId: round.id })
    await w.room.settle()
    const revealed = getRecordsMap(w.room.doc).toJSON()
    const author = { name: 'Alice', color: '#e03131' }
    await s.server.storage.putBoardSecrets(w.board.id, [
      { key: `private/${round.id}/${w.identities.alice.identity.id}/shape:leftover`, value: { record: note('leftover', 'SECRET-LEFTOVER'), author } },
      { key: `private/gone-round/${w.identities.bob.identity.id}/shape:old`, value: { record: note('old', 'SECRET-OLD'), author } },
    ])
    s = await w0.restart(s)
    const vera = w0.client(s, w.board.id, w.lab.tokens.viewer, w.identities.vera.credential)
    await waitSynced(vera.provider)
    expect(await s.server.storage.listBoardSecrets(w.board.id, 'private/')).toEqual([])
    expect(getRecordsMap(vera.doc).toJSON()).toEqual(revealed)
    // A new round starts empty.
    const facilitator = w0.client(s, w.board.id, w.lab.tokens.facilitator, w.identities.fac.credential)
    await waitSynced(facilitator.provider)
    await facilitator.commands.ok({ type: 'private.open', prompt: '' })
    await waitSession(facilitator, (s) => s[BoardSessionKey.privateRound]?.status === 'open', 'a new round')
    await facilitator.commands.ok({ type: 'private.reveal', roundId: roundOf(facilitator.doc)!.id })
    await waitSession(vera, (s) => s[BoardSessionKey.privateRound]?.status === 'revealed', 'the new round revealed')
    expect(roundOf(vera.doc)).toMatchObject({ writers: 0, shapes: 0, authors: {} })
    expect(getRecordsMap(vera.doc).toJSON()).toEqual(revealed)
  })

  it('a diverted note that cannot be stored fails the board’s room: it is never relayed, and comes back privately when its client reconnects', async () => {
    let controlled: ControlledStorage | null = null
    const s: TestServer = await w0.server({}, undefined, { wrapStorage: (inner) => (controlled = new ControlledStorage(inner)) })
    const w = await w0.setup(s)
    const raws = await watchers(s, w)
    const round = await openRound(w)
    const stock = w0.client(s, w.board.id, w.lab.tokens.participant, w.identities.alice.credential)
    await waitSynced(stock.provider)
    let closes = 0
    stock.provider.on('connection-close', () => closes++)
    controlled!.failSecretWrites = new Error('disk full')
    getRecordsMap(stock.doc).set('shape:fragile', note('fragile', 'SECRET-FRAGILE-2024'))
    await waitFor(() => closes > 0, 'the room failing and closing its connections')
    controlled!.failSecretWrites = null
    // The stock client reconnects on its own and sends its note again: diverted, kept this time.
    await waitFor(async () => (await s.server.storage.listBoardSecrets(w.board.id, 'private/')).length === 1, 'the note kept privately', 20_000)
    const raw = w0.rawClient(s, w.board.id, w.lab.tokens.viewer, w.identities.vera.credential)
    await waitSynced(raw.provider)
    await countsAt(raw, 1, 1)
    expect(raw.saw('SECRET-FRAGILE-2024')).toBe(false)
    for (const r of raws) expect(r.saw('SECRET-FRAGILE-2024')).toBe(false)
    expect(roundOf(raw.doc)?.id).toBe(round.id)
  })
})
