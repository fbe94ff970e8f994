import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { getRecordsMap } from '../../shared/boardDoc'
import type { ServerEvent } from '../../shared/commands'
import { CloseCode } from '../../shared/protocol'
import { readPrivateRound, readVote } from '../../shared/workshop/session'
import { commandChannel, hello, issueIdentity, type CommandChannel } from '../support/commands'
import { startInstances, type TestInstances } from '../support/instances'
import { connect, waitFor, waitSynced } from '../support/providers'
import { note, textOf } from '../support/records'
import { requireServices } from '../support/services'
import { createLabAndBoard } from '../support/testServer'

const up = await requireServices(['postgres', 'redis'], 'the tests of several instances')

type Client = ReturnType<typeof connect> & { commands: CommandChannel; seen: Set<string>; closes: number[] }

const eventsOf = <T extends ServerEvent['type']>(c: Client, type: T) => c.commands.events.filter((e): e is Extract<ServerEvent, { type: T }> => e.type === type)

/**
 * The board's rules and the workshop toolkit behave the same whichever instance a client is
 * on: a forbidden change sent to B never reaches A and C; a vote counts ballots cast on every
 * instance; a person removed on A is closed on B; a private round written on B is revealed from A.
 */
describe.skipIf(!up)('the authority and the workshop across three instances', () => {
  let cluster: TestInstances
  const cleanups: (() => void)[] = []
  beforeAll(async () => {
    cluster = await startInstances(3)
  })
  afterAll(async () => {
    for (const c of cleanups.splice(0)) c()
    await cluster?.stop()
  })

  async function client(i: number, boardId: string, token: string, credential?: string): Promise<Client> {
    const c = connect(cluster.instances[i]!.wsUrl, boardId, token, new Y.Doc(), { identity: credential })
    cleanups.push(() => c.provider.destroy())
    // Every text any transaction ever showed this client.
    const seen = new Set<string>()
    c.doc.on('afterTransaction', () => {
      for (const r of getRecordsMap(c.doc).values()) {
        const text = textOf(r)
        if (text) seen.add(text)
      }
    })
    const closes: number[] = []
    c.provider.on('connection-close', (event: { code: number } | null) => event && closes.push(event.code))
    const commands = commandChannel(c.provider)
    await waitSynced(c.provider)
    await hello(commands)
    return { ...c, commands, seen, closes }
  }

  async function workshop() {
    const url = cluster.instances[0]!.url
    const { lab, board } = await createLabAndBoard(url, { title: 'Atelier', template: 'iceberg' })
    const [fac, alice, bob] = await Promise.all([issueIdentity(url, lab.id, lab.tokens.facilitator, 'Fatou'), issueIdentity(url, lab.id, lab.tokens.participant, 'Alice'), issueIdentity(url, lab.id, lab.tokens.participant, 'Bob')])
    const facilitator = await client(0, board.id, lab.tokens.facilitator, fac.credential)
    const alice1 = await client(1, board.id, lab.tokens.participant, alice.credential)
    const bob2 = await client(2, board.id, lab.tokens.participant, bob.credential)
    return { lab, board, fac, alice, bob, facilitator, alice1, bob2 }
  }

  it('a forbidden change sent to B is corrected there and never reaches clients on A and C; the offender converges', async () => {
    const w = await workshop()
    const zone = [...getRecordsMap(w.facilitator.doc).values()].find((r) => (r.meta as any)?.part === 'zone' && r.isLocked === true)!
    expect(zone).toBeDefined()
    // Every position of the zone that clients on A and C ever held.
    const xs = new Set<number>()
    for (const c of [w.facilitator, w.bob2]) c.doc.on('afterTransaction', () => xs.add((getRecordsMap(c.doc).get(zone.id) as any)?.x))
    // The offender (Alice, on B) moves the locked zone.
    getRecordsMap(w.alice1.doc).set(zone.id, { ...zone, x: (zone.x as number) + 777 })
    getRecordsMap(w.alice1.doc).set('shape:fine', note('fine', 'allowed after the refusal'))
    await waitFor(() => [w.facilitator, w.bob2].every((c) => getRecordsMap(c.doc).has('shape:fine')), 'the allowed note on A and C')
    await waitFor(() => (getRecordsMap(w.alice1.doc).get(zone.id) as any)?.x === zone.x, 'the offender converged back')
    for (const c of [w.facilitator, w.bob2]) expect((getRecordsMap(c.doc).get(zone.id) as any).x).toBe(zone.x)
    expect([...xs]).toEqual([zone.x])
    expect(eventsOf(w.alice1, 'refused').length).toBeGreaterThan(0)
    // PostgreSQL never held the moved zone either: a newcomer on C loads it as it was.
    const late = await client(2, w.board.id, w.lab.tokens.viewer)
    expect((getRecordsMap(late.doc).get(zone.id) as any).x).toBe(zone.x)
  })

  it('a vote opened on A counts dots cast on B and C; each voter’s dots reach their other device on another instance; the reveal is seen everywhere', async () => {
    const w = await workshop()
    getRecordsMap(w.facilitator.doc).set('shape:idea-1', note('idea-1', 'Idée 1'))
    getRecordsMap(w.facilitator.doc).set('shape:idea-2', note('idea-2', 'Idée 2'))
    await waitFor(() => [w.alice1, w.bob2].every((c) => getRecordsMap(c.doc).has('shape:idea-2')), 'the ideas everywhere')
    await w.facilitator.commands.ok({ type: 'vote.open', title: 'Laquelle ?', scope: { kind: 'board' }, dotsPerPerson: 2, onePerNote: false, anonymous: false })
    await waitFor(() => readVote(w.alice1.doc)?.status === 'open' && readVote(w.bob2.doc)?.status === 'open', 'the vote open on B and C')
    const voteId = readVote(w.facilitator.doc)!.id
    // Alice's phone is on C while her laptop is on B.
    const alicePhone = await client(2, w.board.id, w.lab.tokens.participant, w.alice.credential)
    await w.alice1.commands.ok({ type: 'vote.cast', voteId, noteId: 'shape:idea-1' })
    await waitFor(() => eventsOf(alicePhone, 'ballot').some((b) => b.dots['shape:idea-1'] === 1), 'Alice’s ballot on her phone (C)')
    await alicePhone.commands.ok({ type: 'vote.cast', voteId, noteId: 'shape:idea-1' })
    await w.bob2.commands.ok({ type: 'vote.cast', voteId, noteId: 'shape:idea-2' })
    // Alice's two dots from two instances are one ballot: a third is over her two.
    expect(await w.alice1.commands.send({ type: 'vote.cast', voteId, noteId: 'shape:idea-2' })).toMatchObject({ type: 'error', code: 'invalid' })
    await waitFor(() => readVote(w.facilitator.doc)?.voters === 2, 'two voters counted on A')
    // Nobody else received Alice's ballot.
    expect(eventsOf(w.bob2, 'ballot').every((b) => b.dots['shape:idea-1'] === undefined)).toBe(true)
    await w.facilitator.commands.ok({ type: 'vote.reveal', voteId })
    await waitFor(() => [w.alice1, w.bob2, alicePhone].every((c) => readVote(c.doc)?.status === 'revealed'), 'revealed everywhere')
    const results = readVote(w.bob2.doc)!.results!
    expect(results.filter((r) => r.noteId.startsWith('shape:idea')).map((r) => [r.noteId, r.count])).toEqual([['shape:idea-1', 2], ['shape:idea-2', 1]])
  })

  it('a person removed by a facilitator on A is told and closed on B, and refused when coming back through C', async () => {
    const w = await workshop()
    await w.facilitator.commands.ok({ type: 'participant.remove', identityId: w.alice.identity.id })
    await waitFor(() => eventsOf(w.alice1, 'removed').length === 1 && w.alice1.closes.includes(CloseCode.removed), 'Alice told and closed on B')
    const back = connect(cluster.instances[2]!.wsUrl, w.board.id, w.lab.tokens.participant, new Y.Doc(), { identity: w.alice.credential })
    cleanups.push(() => back.provider.destroy())
    const closes: number[] = []
    back.provider.on('connection-close', (event: { code: number } | null) => event && closes.push(event.code))
    await waitFor(() => closes.includes(CloseCode.removed), 'Alice refused on C')
    expect(getRecordsMap(w.bob2.doc).size).toBeGreaterThan(0)
  })

  it('a private round opened on A: what participants write on B and C reaches no one else until the reveal on A shows them all', async () => {
    const w = await workshop()
    await w.facilitator.commands.ok({ type: 'private.open', prompt: 'Vos idées, seul·e' })
    await waitFor(() => readPrivateRound(w.alice1.doc)?.status === 'open' && readPrivateRound(w.bob2.doc)?.status === 'open', 'the round open on B and C')
    const roundId = readPrivateRound(w.facilitator.doc)!.id
    // Alice writes through the command; Bob's modified client writes straight into the document.
    await w.alice1.commands.ok({ type: 'private.put', roundId, records: [note('alice-secret', 'SECRET-ALICE-B')] })
    getRecordsMap(w.bob2.doc).set('shape:bob-secret', note('bob-secret', 'SECRET-BOB-C'))
    await waitFor(() => readPrivateRound(w.facilitator.doc)?.shapes === 2 && readPrivateRound(w.facilitator.doc)?.writers === 2, 'two writers, two shapes counted on A')
    for (const c of [w.facilitator, w.alice1]) expect(c.seen.has('SECRET-BOB-C')).toBe(false)
    for (const c of [w.facilitator, w.bob2]) expect(c.seen.has('SECRET-ALICE-B')).toBe(false)
    await w.facilitator.commands.ok({ type: 'private.reveal', roundId })
    await waitFor(() => [w.facilitator, w.alice1, w.bob2].every((c) => c.seen.has('SECRET-ALICE-B') && c.seen.has('SECRET-BOB-C')), 'both revealed everywhere')
    const revealed = [...getRecordsMap(w.bob2.doc).values()].filter((r) => (r.meta as any)?.privateRound === roundId)
    expect(revealed.map((r) => textOf(r)).sort()).toEqual(['SECRET-ALICE-B', 'SECRET-BOB-C'])
  })

  it('reactions and « bring everyone here » from A reach participants on B and C', async () => {
    const w = await workshop()
    await w.facilitator.commands.ok({ type: 'view.bring', target: { kind: 'bounds', x: 0, y: 0, w: 800, h: 600 } })
    await w.bob2.commands.ok({ type: 'react', emoji: '👍' })
    await waitFor(() => [w.alice1, w.bob2].every((c) => eventsOf(c, 'bring').length === 1), 'bring on B and C')
    await waitFor(() => [w.facilitator, w.alice1, w.bob2].every((c) => eventsOf(c, 'reaction').length === 1), 'the reaction everywhere, once')
  })
})
