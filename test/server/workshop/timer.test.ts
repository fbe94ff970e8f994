import { describe, expect, it } from 'vitest'
import { BoardSessionKey } from '../../../shared/boardSession'
import type { ClientCommand } from '../../../shared/commands'
import type { TimerState } from '../../../shared/workshop/timer'
import { hello } from '../../support/commands'
import { waitSynced } from '../../support/providers'
import { eventsOf, useWorkshop, waitSession } from './workshopHarness'

const w0 = useWorkshop()

const timerOf = (session: Record<string, unknown>) => session[BoardSessionKey.timer] as TimerState | undefined

describe('the workshop timer', () => {
  it('starts, pauses, gets time added and taken (never below 0), resumes and stops, the same for everyone, in server time', async () => {
    const s = await w0.server()
    const w = await w0.setup(s)
    const f = w.facilitator.commands
    const t0 = Date.now()
    await f.ok({ type: 'timer.start', durationMs: 60_000, label: 'Idées' })
    const t1 = Date.now()
    for (const c of w.everyone) await waitSession(c, (s) => timerOf(s)?.status === 'running', 'the timer everywhere')
    const running = timerOf(w.viewer.doc.getMap('session').toJSON())!
    expect(running).toMatchObject({ status: 'running', durationMs: 60_000, by: w.identities.fac.identity.id, label: 'Idées' })
    if (running.status !== 'running') throw new Error('not running')
    expect(running.endsAt).toBeGreaterThanOrEqual(t0 + 60_000)
    expect(running.endsAt).toBeLessThanOrEqual(t1 + 60_000)

    const p0 = Date.now()
    await f.ok({ type: 'timer.pause' })
    const p1 = Date.now()
    await waitSession(w.participant, (s) => timerOf(s)?.status === 'paused', 'paused at the participant')
    const paused = timerOf(w.participant.doc.getMap('session').toJSON())!
    if (paused.status !== 'paused') throw new Error('not paused')
    expect(paused.remainingMs).toBeLessThanOrEqual(running.endsAt - p0)
    expect(paused.remainingMs).toBeGreaterThanOrEqual(running.endsAt - p1)

    await f.ok({ type: 'timer.add', ms: 60_000 })
    await waitSession(w.participant, (s) => (timerOf(s) as any)?.remainingMs === paused.remainingMs + 60_000, 'a minute added')
    expect(timerOf(w.participant.doc.getMap('session').toJSON())).toMatchObject({ status: 'paused', durationMs: 120_000, label: 'Idées' })
    await f.ok({ type: 'timer.add', ms: -3_600_000 })
    await waitSession(w.participant, (s) => (timerOf(s) as any)?.remainingMs === 0, 'time taken, down to 0 and no further')

    await f.ok({ type: 'timer.add', ms: 30_000 })
    const r0 = Date.now()
    await f.ok({ type: 'timer.resume' })
    const r1 = Date.now()
    await waitSession(w.participant, (s) => timerOf(s)?.status === 'running', 'resumed')
    const resumed = timerOf(w.participant.doc.getMap('session').toJSON())!
    if (resumed.status !== 'running') throw new Error('not running')
    expect(resumed.endsAt).toBeGreaterThanOrEqual(r0 + 30_000)
    expect(resumed.endsAt).toBeLessThanOrEqual(r1 + 30_000)

    // What cannot be done is refused with a reason, and changes nothing.
    expect(await f.send({ type: 'timer.resume' })).toMatchObject({ type: 'error', code: 'invalid', message: 'the timer is not paused' })
    expect(await f.send({ type: 'timer.add', ms: 4 * 3_600_000 })).toMatchObject({ type: 'error', code: 'invalid' })
    expect(await f.send({ type: 'timer.start', durationMs: 10 })).toMatchObject({ type: 'error', code: 'invalid' })

    await f.ok({ type: 'timer.stop' })
    for (const c of w.everyone) await waitSession(c, (s) => timerOf(s) === undefined, 'the timer gone everywhere')
    expect(await f.send({ type: 'timer.stop' })).toMatchObject({ type: 'error', code: 'invalid', message: 'there is no timer to stop' })
    expect(await f.send({ type: 'timer.pause' })).toMatchObject({ type: 'error', code: 'invalid', message: 'the timer is not running' })
    expect(await f.send({ type: 'timer.add', ms: 60_000 })).toMatchObject({ type: 'error', code: 'invalid' })
  })

  it('only a facilitator runs it: a participant’s and a viewer’s commands are refused and change nothing', async () => {
    const s = await w0.server()
    const w = await w0.setup(s)
    const commands: ClientCommand[] = [
      { type: 'timer.start', durationMs: 60_000, label: null },
      { type: 'timer.pause' },
      { type: 'timer.resume' },
      { type: 'timer.add', ms: 60_000 },
      { type: 'timer.stop' },
    ]
    for (const command of commands) await w0.expectFacilitatorOnly(s, w, command)
    // Also while one runs (pausing, stopping it…).
    await w.facilitator.commands.ok({ type: 'timer.start', durationMs: 60_000, label: 'En cours' })
    for (const command of commands) await w0.expectFacilitatorOnly(s, w, command)
  })

  it('survives a server restart: same deadline, same label', async () => {
    let s = await w0.server()
    const w = await w0.setup(s)
    await w.facilitator.commands.ok({ type: 'timer.start', durationMs: 600_000, label: 'Après la pause' })
    const before = timerOf(w.room.doc.getMap('session').toJSON())
    s = await w0.restart(s)
    const late = w0.client(s, w.board.id, w.lab.tokens.participant, w.identities.alice.credential)
    await waitSynced(late.provider)
    expect(timerOf(late.doc.getMap('session').toJSON())).toEqual(before)
  })
})

describe('the server’s clock', () => {
  it('answers anyone, the sender only, with the server’s time and the time it was asked', async () => {
    const s = await w0.server()
    const w = await w0.setup(s)
    const anonymous = w0.client(s, w.board.id, w.lab.tokens.participant)
    await waitSynced(anonymous.provider)
    await hello(anonymous.commands)
    for (const c of [...w.everyone, anonymous]) {
      const t0 = Date.now()
      await c.commands.ok({ type: 'clock', sentAt: 1234.5 })
      const t1 = Date.now()
      const [answer] = eventsOf(c, 'clock')
      expect(answer).toMatchObject({ type: 'clock', sentAt: 1234.5 })
      expect(answer!.serverTime).toBeGreaterThanOrEqual(t0)
      expect(answer!.serverTime).toBeLessThanOrEqual(t1)
      expect(eventsOf(c, 'clock')).toHaveLength(1)
    }
    expect(await w.participant.commands.send({ type: 'clock', sentAt: 'now' } as never)).toMatchObject({ type: 'error', code: 'invalid' })
  })
})
