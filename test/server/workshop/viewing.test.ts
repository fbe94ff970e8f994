import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { getRecordsMap } from '../../../shared/boardDoc'
import { BoardSessionKey } from '../../../shared/boardSession'
import type { BringTarget } from '../../../shared/workshop/follow'
import { waitFor, waitSynced } from '../../support/providers'
import { note } from '../../support/records'
import { eventsOf, sessionOf, useWorkshop, waitSession } from './workshopHarness'

const w0 = useWorkshop()

describe('bring everyone here', () => {
  it('moves every participant and viewer once, not the facilitators; a shape must be on the board', async () => {
    const s = await w0.server()
    const w = await w0.setup(s)
    const target: BringTarget = { kind: 'bounds', x: 100, y: -50, w: 800, h: 600 }
    await w.facilitator.commands.ok({ type: 'view.bring', target })
    const by = { id: w.identities.fac.identity.id, name: 'Fatou' }
    for (const c of [w.participant, w.other, w.viewer]) await waitFor(() => eventsOf(c, 'bring').length === 1, 'the bring event')
    for (const c of [w.participant, w.other, w.viewer]) expect(eventsOf(c, 'bring')).toEqual([{ type: 'bring', target, by }])
    // A round trip later, the facilitator still has not been moved.
    await w.facilitator.commands.ok({ type: 'clock', sentAt: 0 })
    expect(eventsOf(w.facilitator, 'bring')).toEqual([])

    expect(await w.facilitator.commands.send({ type: 'view.bring', target: { kind: 'shape', shapeId: 'shape:nowhere' } })).toMatchObject({ type: 'error', code: 'invalid' })
    Y.transact(w.facilitator.doc, () => getRecordsMap(w.facilitator.doc).set('shape:here', note('here', 'ici')))
    await waitFor(() => getRecordsMap(w.room.doc).has('shape:here'), 'the note on the server')
    await w.facilitator.commands.ok({ type: 'view.bring', target: { kind: 'shape', shapeId: 'shape:here' } })
    for (const c of [w.participant, w.other, w.viewer]) await waitFor(() => eventsOf(c, 'bring').length === 2, 'the second bring')
    expect(eventsOf(w.viewer, 'bring')[1]!.target).toEqual({ kind: 'shape', shapeId: 'shape:here' })
  })

  it('only a facilitator brings anyone: refused to a participant and a viewer, and nobody moves', async () => {
    const s = await w0.server()
    const w = await w0.setup(s)
    await w0.expectFacilitatorOnly(s, w, { type: 'view.bring', target: { kind: 'bounds', x: 0, y: 0, w: 10, h: 10 } })
  })
})

describe('follow me', () => {
  it('puts the facilitator as leader in the session until a facilitator stops; refused to participants and viewers', async () => {
    const s = await w0.server()
    const w = await w0.setup(s)
    await w0.expectFacilitatorOnly(s, w, { type: 'follow.start' })
    const t0 = new Date().toISOString()
    await w.facilitator.commands.ok({ type: 'follow.start' })
    for (const c of w.everyone) await waitSession(c, (s) => s[BoardSessionKey.follow]?.leaderId === w.identities.fac.identity.id, 'the leader everywhere')
    const follow = sessionOf(w.participant.doc)[BoardSessionKey.follow] as Record<string, string>
    expect(follow).toMatchObject({ leaderId: w.identities.fac.identity.id, name: 'Fatou', color: w.identities.fac.identity.color })
    expect(follow.since! >= t0).toBe(true)
    await w0.expectFacilitatorOnly(s, w, { type: 'follow.stop' })
    await w0.expectFacilitatorOnly(s, w, { type: 'follow.start' })
    await w.facilitator.commands.ok({ type: 'follow.stop' })
    for (const c of w.everyone) await waitSession(c, (s) => s[BoardSessionKey.follow] === undefined, 'following stopped everywhere')
    expect(await w.facilitator.commands.send({ type: 'follow.stop' })).toMatchObject({ type: 'error', code: 'invalid', message: 'no one is leading' })
  })

  it('survives a server restart (and the leader’s connection dropping)', async () => {
    let s = await w0.server()
    const w = await w0.setup(s)
    await w.facilitator.commands.ok({ type: 'follow.start' })
    const follow = sessionOf(w.room.doc)[BoardSessionKey.follow]
    expect(follow).toBeDefined()
    s = await w0.restart(s)
    const back = w0.client(s, w.board.id, w.lab.tokens.viewer, w.identities.vera.credential)
    await waitSynced(back.provider)
    expect(sessionOf(back.doc)[BoardSessionKey.follow]).toEqual(follow)
  })
})
