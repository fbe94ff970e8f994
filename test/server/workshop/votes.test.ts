import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { getRecordsMap, type StoredRecord } from '../../../shared/boardDoc'
import { BoardSessionKey } from '../../../shared/boardSession'
import type { ClientCommand } from '../../../shared/commands'
import { voteRecordKey, type ActiveVote, type VoteRecord } from '../../../shared/workshop/votes'
import { ControlledStorage } from '../../support/controlledStorage'
import { hello, issueIdentity } from '../../support/commands'
import { waitFor, waitSynced } from '../../support/providers'
import { note } from '../../support/records'
import type { TestServer } from '../../support/testServer'
import { eventsOf, sessionOf, useWorkshop, waitSession, type Client, type Workshop } from './workshopHarness'

const w0 = useWorkshop()

const voteOf = (doc: Y.Doc) => sessionOf(doc)[BoardSessionKey.vote] as ActiveVote | undefined

/**
 * Notes on the board, written by the facilitator: three on the page (top to bottom), two in a
 * frame lower down, and a shape that is not a note.
 */
async function notes(w: Workshop) {
  const frame: StoredRecord = { ...note('frame', '', { x: 0, y: 1000 }), type: 'frame', props: { w: 800, h: 400, name: 'Pistes', color: 'black' } }
  Y.transact(w.facilitator.doc, () => {
    const records = getRecordsMap(w.facilitator.doc)
    records.set('shape:garden', note('garden', 'Jardin partagé', { x: 500, y: 0 }))
    records.set('shape:cafe', note('cafe', 'Café des aidants', { x: 0, y: 200 }))
    records.set('shape:bus', note('bus', 'Bus de nuit', { x: 0, y: 0 }))
    records.set('shape:frame', frame)
    records.set('shape:library', note('library', 'Bibliothèque\nde rue', { parentId: 'shape:frame', x: 300, y: 20 }))
    records.set('shape:repair', note('repair', 'Repair café', { parentId: 'shape:frame', x: 10, y: 20 }))
    records.set('shape:box', { ...note('box'), type: 'geo', props: { geo: 'rectangle', w: 10, h: 10 } })
  })
  await waitFor(() => getRecordsMap(w.room.doc).has('shape:box'), 'the notes on the server')
}

async function openVote(w: Workshop, command: Partial<Extract<ClientCommand, { type: 'vote.open' }>> = {}): Promise<ActiveVote> {
  await w.facilitator.commands.ok({ type: 'vote.open', title: 'Quelles pistes ?', scope: { kind: 'board' }, dotsPerPerson: 3, onePerNote: false, anonymous: false, ...command })
  await w.room.settle()
  const vote = voteOf(w.room.doc)!
  await Promise.all(w.everyone.map((c) => waitSession(c, (s) => s[BoardSessionKey.vote]?.id === vote.id, 'the vote everywhere')))
  return vote
}

const cast = (c: Client, voteId: string, noteId: string) => c.commands.send({ type: 'vote.cast', voteId, noteId })

describe('dot voting', () => {
  it('opens on the notes of the board, of a frame or of a selection, in reading order; one vote at a time', async () => {
    const s = await w0.server()
    const w = await w0.setup(s)
    const f = w.facilitator.commands
    expect(await f.send({ type: 'vote.open', title: 'Vide', scope: { kind: 'board' }, dotsPerPerson: 3, onePerNote: false, anonymous: true })).toMatchObject({ type: 'error', code: 'invalid', message: 'there is no note to vote on here' })
    await notes(w)
    const board = await openVote(w)
    expect(board).toMatchObject({ status: 'open', title: 'Quelles pistes ?', dotsPerPerson: 3, onePerNote: false, anonymous: false, voters: 0, by: w.identities.fac.identity.id })
    expect(board.options).toEqual(['shape:bus', 'shape:garden', 'shape:cafe', 'shape:repair', 'shape:library'])
    expect(await f.send({ type: 'vote.open', title: 'Encore', scope: { kind: 'board' }, dotsPerPerson: 1, onePerNote: true, anonymous: true })).toMatchObject({
      type: 'error',
      code: 'invalid',
      message: 'a vote is already open: reveal or cancel it first',
    })
    await f.ok({ type: 'vote.cancel', voteId: board.id })
    const inFrame = await openVote(w, { scope: { kind: 'frame', frameId: 'shape:frame' } })
    expect(inFrame.options).toEqual(['shape:repair', 'shape:library'])
    await f.ok({ type: 'vote.cancel', voteId: inFrame.id })
    const selected = await openVote(w, { scope: { kind: 'selection', ids: ['shape:library', 'shape:box', 'shape:bus', 'shape:gone'] } })
    expect(selected.options).toEqual(['shape:bus', 'shape:library'])
    await f.ok({ type: 'vote.cancel', voteId: selected.id })
    expect(await f.send({ type: 'vote.open', title: 'Rien', scope: { kind: 'selection', ids: ['shape:box'] }, dotsPerPerson: 1, onePerNote: true, anonymous: true })).toMatchObject({ type: 'error', code: 'invalid' })
    expect(await f.send({ type: 'vote.open', title: 'Rien', scope: { kind: 'frame', frameId: 'shape:nowhere' }, dotsPerPerson: 1, onePerNote: true, anonymous: true })).toMatchObject({ type: 'error', code: 'invalid' })
    expect(voteOf(w.room.doc)).toBeUndefined()
  })

  it('keeps ballots secret until the reveal, even from a raw client inspecting every message; then counts, ranks, names and keeps a record', async () => {
    const s = await w0.server()
    const w = await w0.setup(s)
    await notes(w)
    const chloe = await issueIdentity(s.url, w.lab.id, w.lab.tokens.participant, 'Chloé')
    const raw = w0.rawClient(s, w.board.id, w.lab.tokens.participant, chloe.credential)
    await waitSynced(raw.provider)
    await hello(raw.commands)
    // Alice has a second tab: her ballot goes to both, and to no one else.
    const aliceTab = w0.client(s, w.board.id, w.lab.tokens.participant, w.identities.alice.credential)
    await waitSynced(aliceTab.provider)
    await hello(aliceTab.commands)
    const vote = await openVote(w)
    const alice = w.participant
    const aliceId = w.identities.alice.identity.id
    const bobId = w.identities.bob.identity.id

    expect(await cast(alice, vote.id, 'shape:garden')).toMatchObject({ type: 'result' })
    expect(await cast(aliceTab, vote.id, 'shape:garden')).toMatchObject({ type: 'result' })
    expect(await cast(alice, vote.id, 'shape:cafe')).toMatchObject({ type: 'result' })
    expect(await cast(alice, vote.id, 'shape:bus')).toMatchObject({ type: 'error', code: 'invalid', message: 'no dots left (3 each)' })
    await alice.commands.ok({ type: 'vote.uncast', voteId: vote.id, noteId: 'shape:cafe' })
    expect(await alice.commands.send({ type: 'vote.uncast', voteId: vote.id, noteId: 'shape:cafe' })).toMatchObject({ type: 'error', code: 'invalid' })
    await alice.commands.ok({ type: 'vote.cast', voteId: vote.id, noteId: 'shape:library' })
    expect(await cast(w.other, vote.id, 'shape:library')).toMatchObject({ type: 'result' })
    expect(await cast(w.other, vote.id, 'shape:box')).toMatchObject({ type: 'error', code: 'invalid', message: 'this note is not part of the vote' })
    expect(await cast(raw, vote.id, 'shape:bus')).toMatchObject({ type: 'result' })
    expect(await cast(w.facilitator, vote.id, 'shape:garden')).toMatchObject({ type: 'result' })
    // A viewer does not vote; a connection without an identity of its own cannot either.
    expect(await cast(w.viewer, vote.id, 'shape:bus')).toMatchObject({ type: 'error', code: 'forbidden' })
    const anonymous = w0.client(s, w.board.id, w.lab.tokens.participant)
    await waitSynced(anonymous.provider)
    await hello(anonymous.commands)
    expect(await cast(anonymous, vote.id, 'shape:bus')).toMatchObject({ type: 'error', code: 'forbidden' })
    expect(await cast(alice, 'some-other-vote', 'shape:bus')).toMatchObject({ type: 'error', code: 'invalid', message: 'this vote is not open' })

    // Each voter's connections got their own ballot, nobody else's.
    const lastBallot = (c: Client) => eventsOf(c, 'ballot').at(-1)?.dots
    await waitFor(() => lastBallot(aliceTab)?.['shape:library'] === 1, 'alice’s last ballot in her other tab')
    expect(lastBallot(alice)).toEqual({ 'shape:garden': 2, 'shape:library': 1 })
    expect(lastBallot(aliceTab)).toEqual({ 'shape:garden': 2, 'shape:library': 1 })
    expect(eventsOf(w.other, 'ballot').map((e) => e.dots)).toEqual([{ 'shape:library': 1 }])
    expect(eventsOf(raw, 'ballot').map((e) => e.dots)).toEqual([{ 'shape:bus': 1 }])
    expect(eventsOf(w.viewer, 'ballot')).toEqual([])
    // The session counts voters, nothing more.
    await waitSession(raw, (s) => s[BoardSessionKey.vote]?.voters === 4, 'four voters at the raw client')
    expect(voteOf(raw.doc)).toEqual({ ...vote, voters: 4 })
    // Ballots are in storage, not in the document.
    expect((await s.server.storage.listBoardSecrets(w.board.id, 'ballot/')).map((e) => e.key).sort()).toEqual(
      [aliceId, bobId, chloe.identity.id, w.identities.fac.identity.id].map((id) => `ballot/${vote.id}/${id}`).sort(),
    )
    expect(JSON.stringify(sessionOf(w.room.doc))).not.toContain(aliceId)

    // Nothing the raw client received names another voter or where they put their dots.
    await raw.commands.ok({ type: 'clock', sentAt: 0 })
    expect(raw.raw.length).toBeGreaterThan(0)
    expect(raw.saw(aliceId)).toBe(false)
    expect(raw.saw(bobId)).toBe(false)
    expect(raw.saw('"shape:garden":2')).toBe(false)
    expect(raw.saw('"ballot"')).toBe(true)

    const revealed = Date.now()
    await w.facilitator.commands.ok({ type: 'vote.reveal', voteId: vote.id })
    await waitSession(raw, (s) => s[BoardSessionKey.vote]?.status === 'revealed', 'the results at the raw client')
    const shown = voteOf(raw.doc)!
    expect(shown.voters).toBe(4)
    expect(Date.parse(shown.revealedAt!)).toBeGreaterThanOrEqual(revealed - 1000)
    const fac = { id: w.identities.fac.identity.id, name: 'Fatou' }
    expect(shown.results).toEqual([
      { noteId: 'shape:garden', text: 'Jardin partagé', count: 3, voters: [{ id: aliceId, name: 'Alice', dots: 2 }, { ...fac, dots: 1 }] },
      {
        noteId: 'shape:library',
        text: 'Bibliothèque\nde rue',
        count: 2,
        voters: [
          { id: aliceId, name: 'Alice', dots: 1 },
          { id: bobId, name: 'Bob', dots: 1 },
        ],
      },
      { noteId: 'shape:bus', text: 'Bus de nuit', count: 1, voters: [{ id: chloe.identity.id, name: 'Chloé', dots: 1 }] },
      { noteId: 'shape:cafe', text: 'Café des aidants', count: 0, voters: [] },
      { noteId: 'shape:repair', text: 'Repair café', count: 0, voters: [] },
    ])
    const record = sessionOf(raw.doc)[voteRecordKey(vote.id)] as VoteRecord
    expect(record).toEqual({
      id: vote.id,
      title: vote.title,
      dotsPerPerson: 3,
      onePerNote: false,
      anonymous: false,
      by: vote.by,
      openedAt: vote.openedAt,
      revealedAt: shown.revealedAt,
      voters: 4,
      results: shown.results,
    })
    // Once revealed, the names are public: the raw client's inspection does see them now.
    expect(raw.saw(aliceId)).toBe(true)
    expect(await s.server.storage.listBoardSecrets(w.board.id, 'ballot/')).toEqual([])
    expect(await cast(alice, vote.id, 'shape:bus')).toMatchObject({ type: 'error', code: 'invalid' })
    expect(await w.facilitator.commands.send({ type: 'vote.cancel', voteId: vote.id })).toMatchObject({ type: 'error', code: 'invalid' })

    // Dismissed: the counts leave the notes, the record stays on the board.
    await w.facilitator.commands.ok({ type: 'vote.dismiss', voteId: vote.id })
    await waitSession(raw, (s) => s[BoardSessionKey.vote] === undefined, 'the results dismissed')
    expect(sessionOf(raw.doc)[voteRecordKey(vote.id)]).toEqual(record)
    expect(await w.facilitator.commands.send({ type: 'vote.dismiss', voteId: vote.id })).toMatchObject({ type: 'error', code: 'invalid' })
  })

  it('anonymous and one dot per note: results count without names', async () => {
    const s = await w0.server()
    const w = await w0.setup(s)
    await notes(w)
    const vote = await openVote(w, { anonymous: true, onePerNote: true, dotsPerPerson: 2, scope: { kind: 'frame', frameId: 'shape:frame' } })
    expect(await cast(w.participant, vote.id, 'shape:repair')).toMatchObject({ type: 'result' })
    expect(await cast(w.participant, vote.id, 'shape:repair')).toMatchObject({ type: 'error', code: 'invalid', message: 'one dot per note' })
    expect(await cast(w.other, vote.id, 'shape:repair')).toMatchObject({ type: 'result' })
    expect(await cast(w.other, vote.id, 'shape:library')).toMatchObject({ type: 'result' })
    await w.facilitator.commands.ok({ type: 'vote.reveal', voteId: vote.id })
    await waitSession(w.viewer, (s) => s[BoardSessionKey.vote]?.status === 'revealed', 'revealed')
    expect(voteOf(w.viewer.doc)!.results).toEqual([
      { noteId: 'shape:repair', text: 'Repair café', count: 2 },
      { noteId: 'shape:library', text: 'Bibliothèque\nde rue', count: 1 },
    ])
    expect(JSON.stringify(sessionOf(w.viewer.doc))).not.toContain(w.identities.alice.identity.id)
  })

  it('a new vote may open while a revealed one shows: it replaces the results on the notes, the record stays', async () => {
    const s = await w0.server()
    const w = await w0.setup(s)
    await notes(w)
    const first = await openVote(w)
    await cast(w.participant, first.id, 'shape:bus')
    await w.facilitator.commands.ok({ type: 'vote.reveal', voteId: first.id })
    const second = await openVote(w, { title: 'Second tour', scope: { kind: 'selection', ids: ['shape:bus', 'shape:cafe'] } })
    expect(second).toMatchObject({ status: 'open', title: 'Second tour', voters: 0 })
    expect(sessionOf(w.room.doc)[voteRecordKey(first.id)]).toMatchObject({ id: first.id, voters: 1 })
    expect(await w.facilitator.commands.send({ type: 'vote.dismiss', voteId: first.id })).toMatchObject({ type: 'error', code: 'invalid' })
    // The first vote's ballot does not count in the second.
    expect(await cast(w.participant, second.id, 'shape:cafe')).toMatchObject({ type: 'result' })
    expect(eventsOf(w.participant, 'ballot').at(-1)).toEqual({ type: 'ballot', voteId: second.id, dots: { 'shape:cafe': 1 } })
  })

  it('a cancelled vote leaves nothing: no results, no record, no ballots', async () => {
    const s = await w0.server()
    const w = await w0.setup(s)
    await notes(w)
    const vote = await openVote(w)
    await cast(w.participant, vote.id, 'shape:bus')
    await w.facilitator.commands.ok({ type: 'vote.cancel', voteId: vote.id })
    await waitSession(w.participant, (s) => s[BoardSessionKey.vote] === undefined, 'the vote gone')
    expect(Object.keys(sessionOf(w.room.doc)).filter((k) => k.startsWith('vote'))).toEqual([])
    expect(await s.server.storage.listBoardSecrets(w.board.id, '')).toEqual([])
    expect(await cast(w.participant, vote.id, 'shape:bus')).toMatchObject({ type: 'error', code: 'invalid' })
  })

  it('only a facilitator opens, reveals, cancels and dismisses: refused to a participant and a viewer, nothing changes', async () => {
    const s = await w0.server()
    const w = await w0.setup(s)
    await notes(w)
    await w0.expectFacilitatorOnly(s, w, { type: 'vote.open', title: 'Pirate', scope: { kind: 'board' }, dotsPerPerson: 3, onePerNote: false, anonymous: false })
    const vote = await openVote(w)
    await cast(w.participant, vote.id, 'shape:bus')
    await w0.expectFacilitatorOnly(s, w, { type: 'vote.reveal', voteId: vote.id })
    await w0.expectFacilitatorOnly(s, w, { type: 'vote.cancel', voteId: vote.id })
    await w0.expectFacilitatorOnly(s, w, { type: 'vote.open', title: 'Pirate', scope: { kind: 'board' }, dotsPerPerson: 3, onePerNote: false, anonymous: false })
    await w.facilitator.commands.ok({ type: 'vote.reveal', voteId: vote.id })
    await w0.expectFacilitatorOnly(s, w, { type: 'vote.dismiss', voteId: vote.id })
  })

  it('survives a server restart: the open vote, its ballots, and each voter gets theirs back on reconnecting', async () => {
    let s = await w0.server()
    const w = await w0.setup(s)
    await notes(w)
    const vote = await openVote(w)
    await cast(w.participant, vote.id, 'shape:bus')
    await cast(w.participant, vote.id, 'shape:cafe')
    await cast(w.other, vote.id, 'shape:cafe')
    s = await w0.restart(s)
    const alice = w0.client(s, w.board.id, w.lab.tokens.participant, w.identities.alice.credential)
    const vera = w0.client(s, w.board.id, w.lab.tokens.viewer, w.identities.vera.credential)
    await Promise.all([alice, vera].map((c) => waitSynced(c.provider)))
    expect(voteOf(alice.doc)).toEqual({ ...vote, voters: 2 })
    // The ballot comes with the answer to hello (before it), to its voter only.
    await hello(alice.commands)
    await hello(vera.commands)
    expect(eventsOf(alice, 'ballot')).toEqual([{ type: 'ballot', voteId: vote.id, dots: { 'shape:bus': 1, 'shape:cafe': 1 } }])
    expect(eventsOf(vera, 'ballot')).toEqual([])
    // She goes on from there: two dots used, one left.
    expect(await cast(alice, vote.id, 'shape:garden')).toMatchObject({ type: 'result' })
    expect(await cast(alice, vote.id, 'shape:garden')).toMatchObject({ type: 'error', code: 'invalid' })
    const facilitator = w0.client(s, w.board.id, w.lab.tokens.facilitator, w.identities.fac.credential)
    await waitSynced(facilitator.provider)
    await facilitator.commands.ok({ type: 'vote.reveal', voteId: vote.id })
    await waitSession(vera, (s) => s[BoardSessionKey.vote]?.status === 'revealed', 'revealed after the restart')
    expect(voteOf(vera.doc)!.results!.map((r) => [r.noteId, r.count])).toEqual([
      ['shape:cafe', 2],
      ['shape:bus', 1],
      ['shape:garden', 1],
      ['shape:repair', 0],
      ['shape:library', 0],
    ])
  })

  it('crash safety: ballots left behind by a vote revealed, cancelled or replaced are deleted on load; the open vote’s are kept and counted', async () => {
    let s = await w0.server()
    const w = await w0.setup(s)
    await notes(w)
    const revealed = await openVote(w)
    await cast(w.participant, revealed.id, 'shape:bus')
    await w.facilitator.commands.ok({ type: 'vote.reveal', voteId: revealed.id })
    const open = await openVote(w)
    await cast(w.other, open.id, 'shape:cafe')
    await w.room.settle()
    // As if the server had died between writing the reveal and deleting its ballots, and
    // between storing a third ballot and counting it.
    await s.server.storage.putBoardSecrets(w.board.id, [
      { key: `ballot/${revealed.id}/${w.identities.alice.identity.id}`, value: { 'shape:bus': 1 } },
      { key: `ballot/cancelled-vote/${w.identities.alice.identity.id}`, value: { 'shape:bus': 3 } },
      { key: `ballot/${open.id}/${w.identities.alice.identity.id}`, value: { 'shape:garden': 2 } },
    ])
    s = await w0.restart(s)
    const bob = w0.client(s, w.board.id, w.lab.tokens.participant, w.identities.bob.credential)
    await waitSynced(bob.provider)
    await waitSession(bob, (s) => s[BoardSessionKey.vote]?.voters === 2, 'the open vote counting the ballot found on load')
    expect((await s.server.storage.listBoardSecrets(w.board.id, 'ballot/')).map((e) => e.key).sort()).toEqual(
      [w.identities.alice.identity.id, w.identities.bob.identity.id].map((id) => `ballot/${open.id}/${id}`).sort(),
    )
    expect(sessionOf(bob.doc)[voteRecordKey(revealed.id)]).toBeDefined()
  })

  it('a ballot that cannot be stored is answered `failed`: no dot, no event, no count', async () => {
    let controlled: ControlledStorage | null = null
    const s: TestServer = await w0.server({}, undefined, { wrapStorage: (inner) => (controlled = new ControlledStorage(inner)) })
    const w = await w0.setup(s)
    await notes(w)
    const vote = await openVote(w)
    controlled!.failSecretWrites = new Error('disk full')
    expect(await cast(w.participant, vote.id, 'shape:bus')).toMatchObject({ type: 'error', code: 'failed' })
    expect(eventsOf(w.participant, 'ballot')).toEqual([])
    expect(voteOf(w.room.doc)!.voters).toBe(0)
    controlled!.failSecretWrites = null
    expect(await cast(w.participant, vote.id, 'shape:bus')).toMatchObject({ type: 'result' })
    expect(eventsOf(w.participant, 'ballot').map((e) => e.dots)).toEqual([{ 'shape:bus': 1 }])
  })
})
