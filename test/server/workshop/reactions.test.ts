import { describe, expect, it } from 'vitest'
import { REACTION_RATE } from '../../../shared/workshop/reactions'
import { reactionLimiter } from '../../../server/workshop/reactions'
import { hello } from '../../support/commands'
import { waitFor, waitSynced } from '../../support/providers'
import { eventsOf, useWorkshop } from './workshopHarness'

const w0 = useWorkshop()

describe('reactions', () => {
  it('float on every screen, the sender’s included, from whoever sent them; viewers do not react', async () => {
    const s = await w0.server()
    const w = await w0.setup(s)
    await w.participant.commands.ok({ type: 'react', emoji: '🎉' })
    const from = { id: w.identities.alice.identity.id, name: 'Alice', color: w.identities.alice.identity.color }
    for (const c of w.everyone) await waitFor(() => eventsOf(c, 'reaction').length === 1, 'the reaction everywhere')
    for (const c of w.everyone) expect(eventsOf(c, 'reaction')).toEqual([{ type: 'reaction', emoji: '🎉', from }])
    await w.facilitator.commands.ok({ type: 'react', emoji: '👏' })
    for (const c of w.everyone) await waitFor(() => eventsOf(c, 'reaction').length === 2, 'the facilitator’s reaction')

    expect(await w.viewer.commands.send({ type: 'react', emoji: '❤️' })).toMatchObject({ type: 'error', code: 'forbidden' })
    expect(await w.participant.commands.send({ type: 'react', emoji: '💩' } as never)).toMatchObject({ type: 'error', code: 'invalid' })
    // A round trip on every connection: nothing more came.
    await Promise.all(w.everyone.map((c) => c.commands.ok({ type: 'clock', sentAt: 0 })))
    for (const c of w.everyone) expect(eventsOf(c, 'reaction')).toHaveLength(2)
  })

  it('are rate-limited per person: past the burst the sender is told, nobody else hears of it, others still react', async () => {
    const s = await w0.server()
    const w = await w0.setup(s)
    const sent = 4 * REACTION_RATE.burst
    const started = Date.now()
    const answers = await Promise.all(Array.from({ length: sent }, () => w.participant.commands.send({ type: 'react', emoji: '👍' })))
    const elapsed = Date.now() - started
    const accepted = answers.filter((a) => a.type === 'result').length
    const limited = answers.filter((a) => a.type === 'error' && a.code === 'rate-limited')
    expect(accepted + limited.length).toBe(sent)
    // The bucket refills while they are sent: at most one more per `everyMs` elapsed.
    expect(accepted).toBeGreaterThanOrEqual(REACTION_RATE.burst)
    expect(accepted).toBeLessThanOrEqual(REACTION_RATE.burst + Math.ceil(elapsed / REACTION_RATE.everyMs))
    expect(limited[0]).toMatchObject({ message: expect.stringMatching(/too many reactions/) })
    await w.other.commands.ok({ type: 'react', emoji: '❓' })
    await Promise.all(w.everyone.map((c) => c.commands.ok({ type: 'clock', sentAt: 0 })))
    for (const c of w.everyone) {
      expect(eventsOf(c, 'reaction').filter((r) => r.from.id === w.identities.alice.identity.id)).toHaveLength(accepted)
      expect(eventsOf(c, 'reaction').filter((r) => r.from.id === w.identities.bob.identity.id)).toHaveLength(1)
    }
  })

  it('are counted per identity, across its connections', async () => {
    const s = await w0.server()
    const w = await w0.setup(s)
    const tab = w0.client(s, w.board.id, w.lab.tokens.participant, w.identities.alice.credential)
    await waitSynced(tab.provider)
    await hello(tab.commands)
    const sent = 4 * REACTION_RATE.burst
    const started = Date.now()
    const answers = await Promise.all(Array.from({ length: sent }, (_, i) => (i % 2 ? tab : w.participant).commands.send({ type: 'react', emoji: '😂' })))
    const elapsed = Date.now() - started
    const accepted = answers.filter((a) => a.type === 'result').length
    expect(accepted).toBeLessThanOrEqual(REACTION_RATE.burst + Math.ceil(elapsed / REACTION_RATE.everyMs))
  })
})

describe('the reaction limiter', () => {
  it('lets a burst through, then one per period, per person', () => {
    let now = 1_000_000
    const limiter = reactionLimiter(() => now)
    for (let i = 0; i < REACTION_RATE.burst; i++) expect(limiter.take('alice')).toBe(0)
    expect(limiter.take('alice')).toBeGreaterThan(0)
    expect(limiter.take('bob')).toBe(0)
    now += REACTION_RATE.everyMs
    expect(limiter.take('alice')).toBe(0)
    expect(limiter.take('alice')).toBeGreaterThan(0)
    now += REACTION_RATE.everyMs * REACTION_RATE.burst * 10
    for (let i = 0; i < REACTION_RATE.burst; i++) expect(limiter.take('alice')).toBe(0)
    expect(limiter.take('alice')).toBeGreaterThan(0)
  })
})
