import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { getRecordsMap } from '../../../shared/boardDoc'
import { BoardSessionKey } from '../../../shared/boardSession'
import type { AgendaState, AgendaStep } from '../../../shared/workshop/agenda'
import type { TimerState } from '../../../shared/workshop/timer'
import { waitFor, waitSynced } from '../../support/providers'
import { note } from '../../support/records'
import { eventsOf, sessionOf, useWorkshop, waitSession, type Workshop } from './workshopHarness'

const w0 = useWorkshop()

const welcome: AgendaStep = { id: 'accueil', title: 'Accueil', durationMs: 5 * 60_000, target: { kind: 'bounds', x: 0, y: 0, w: 1200, h: 800 } }
const ideas: AgendaStep = { id: 'idees', title: 'Idées', durationMs: null, target: { kind: 'shape', shapeId: 'shape:zone' } }
const vote: AgendaStep = { id: 'vote', title: 'Vote', durationMs: 10 * 60_000, target: null }

const agendaOf = (w: Workshop) => sessionOf(w.participant.doc)[BoardSessionKey.agenda] as AgendaState | undefined
const timerOf = (w: Workshop) => sessionOf(w.participant.doc)[BoardSessionKey.timer] as TimerState | undefined

describe('the agenda', () => {
  it('presents step by step: everyone brought to the step’s part of the board, its timer started (or stopped when untimed)', async () => {
    const s = await w0.server()
    const w = await w0.setup(s)
    Y.transact(w.facilitator.doc, () => getRecordsMap(w.facilitator.doc).set('shape:zone', { ...note('zone'), type: 'frame', props: { w: 600, h: 400, name: 'Idées', color: 'black' } }))
    await waitFor(() => getRecordsMap(w.room.doc).has('shape:zone'), 'the frame on the server')
    const f = w.facilitator.commands
    await f.ok({ type: 'agenda.set', steps: [welcome, ideas, vote] })
    await waitSession(w.participant, (s) => s[BoardSessionKey.agenda]?.steps?.length === 3, 'the agenda at the participant')
    expect(agendaOf(w)).toEqual({ steps: [welcome, ideas, vote], current: null, startedAt: null })

    const t0 = Date.now()
    await f.ok({ type: 'agenda.go', index: 0 })
    const t1 = Date.now()
    await waitSession(w.participant, (s) => s[BoardSessionKey.agenda]?.current === 0 && s[BoardSessionKey.timer] !== undefined, 'step 1 and its timer')
    expect(agendaOf(w)!.startedAt).toEqual(expect.any(String))
    const timer = timerOf(w)!
    expect(timer).toMatchObject({ status: 'running', durationMs: welcome.durationMs, label: 'Accueil', by: w.identities.fac.identity.id })
    expect((timer as { endsAt: number }).endsAt).toBeGreaterThanOrEqual(t0 + welcome.durationMs!)
    expect((timer as { endsAt: number }).endsAt).toBeLessThanOrEqual(t1 + welcome.durationMs!)
    for (const c of [w.participant, w.other, w.viewer]) await waitFor(() => eventsOf(c, 'bring').length === 1, 'brought to step 1')
    expect(eventsOf(w.viewer, 'bring')[0]!.target).toEqual(welcome.target)

    await f.ok({ type: 'agenda.go', index: 1 })
    await waitSession(w.participant, (s) => s[BoardSessionKey.agenda]?.current === 1 && s[BoardSessionKey.timer] === undefined, 'step 2, untimed: no timer')
    for (const c of [w.participant, w.other, w.viewer]) await waitFor(() => eventsOf(c, 'bring').length === 2, 'brought to step 2')
    expect(eventsOf(w.other, 'bring')[1]!.target).toEqual({ kind: 'shape', shapeId: 'shape:zone' })

    await f.ok({ type: 'agenda.go', index: 2 })
    await waitSession(w.participant, (s) => s[BoardSessionKey.agenda]?.current === 2 && s[BoardSessionKey.timer]?.label === 'Vote', 'step 3 with its timer')
    await f.ok({ type: 'clock', sentAt: 0 })
    expect(eventsOf(w.facilitator, 'bring')).toEqual([])
    // Step 3 has no place: nobody was moved.
    await Promise.all([w.participant, w.other, w.viewer].map((c) => c.commands.ok({ type: 'clock', sentAt: 0 })))
    expect(eventsOf(w.participant, 'bring')).toHaveLength(2)

    // Out of range: refused, nothing changes.
    const before = sessionOf(w.room.doc)
    expect(await f.send({ type: 'agenda.go', index: 3 })).toMatchObject({ type: 'error', code: 'invalid', message: 'there is no step 4: the agenda has 3' })
    expect(sessionOf(w.room.doc)).toEqual(before)

    // Stops presenting; the timer is left running.
    await f.ok({ type: 'agenda.go', index: null })
    await waitSession(w.participant, (s) => s[BoardSessionKey.agenda]?.current === null, 'not presenting')
    expect(agendaOf(w)!.startedAt).toBeNull()
    expect(timerOf(w)?.label).toBe('Vote')
    expect(await f.send({ type: 'agenda.go', index: null })).toMatchObject({ type: 'error', code: 'invalid' })
  })

  it('setting it again keeps presenting the same step wherever it moved, and stops when that step is gone', async () => {
    const s = await w0.server()
    const w = await w0.setup(s)
    const f = w.facilitator.commands
    await f.ok({ type: 'agenda.set', steps: [welcome, vote] })
    await f.ok({ type: 'agenda.go', index: 1 })
    await w.room.settle()
    const startedAt = (sessionOf(w.room.doc)[BoardSessionKey.agenda] as AgendaState).startedAt
    const retitled = { ...vote, title: 'Vote final' }
    await f.ok({ type: 'agenda.set', steps: [retitled, ideas, welcome] })
    await waitSession(w.participant, (s) => s[BoardSessionKey.agenda]?.steps?.[0]?.title === 'Vote final', 'the new agenda')
    expect(agendaOf(w)).toEqual({ steps: [retitled, ideas, welcome], current: 0, startedAt })
    await f.ok({ type: 'agenda.set', steps: [welcome, ideas] })
    await waitSession(w.participant, (s) => s[BoardSessionKey.agenda]?.steps?.length === 2, 'the shorter agenda')
    expect(agendaOf(w)).toEqual({ steps: [welcome, ideas], current: null, startedAt: null })
    expect(await f.send({ type: 'agenda.set', steps: [welcome, { ...welcome, title: 'Doublon' }] })).toMatchObject({ type: 'error', code: 'invalid' })
    await f.ok({ type: 'agenda.set', steps: [] })
    expect(await f.send({ type: 'agenda.go', index: 0 })).toMatchObject({ type: 'error', code: 'invalid', message: 'the agenda has no steps' })
  })

  it('only a facilitator sets it and presents it: refused to a participant and a viewer, nothing changes, nobody moves', async () => {
    const s = await w0.server()
    const w = await w0.setup(s)
    await w0.expectFacilitatorOnly(s, w, { type: 'agenda.set', steps: [welcome] })
    await w.facilitator.commands.ok({ type: 'agenda.set', steps: [welcome, vote] })
    await w0.expectFacilitatorOnly(s, w, { type: 'agenda.go', index: 0 })
    await w0.expectFacilitatorOnly(s, w, { type: 'agenda.set', steps: [] })
    await w.facilitator.commands.ok({ type: 'agenda.go', index: 0 })
    await w0.expectFacilitatorOnly(s, w, { type: 'agenda.go', index: null })
    await w0.expectFacilitatorOnly(s, w, { type: 'agenda.go', index: 1 })
  })

  it('survives a server restart, with the step being presented and its timer', async () => {
    let s = await w0.server()
    const w = await w0.setup(s)
    await w.facilitator.commands.ok({ type: 'agenda.set', steps: [welcome, ideas, vote] })
    await w.facilitator.commands.ok({ type: 'agenda.go', index: 2 })
    await w.room.settle()
    const before = sessionOf(w.room.doc)
    s = await w0.restart(s)
    const back = w0.client(s, w.board.id, w.lab.tokens.participant, w.identities.bob.credential)
    await waitSynced(back.provider)
    expect(sessionOf(back.doc)[BoardSessionKey.agenda]).toEqual(before[BoardSessionKey.agenda])
    expect(sessionOf(back.doc)[BoardSessionKey.timer]).toEqual(before[BoardSessionKey.timer])
  })
})
