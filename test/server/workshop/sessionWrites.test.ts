import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { getRecordsMap, getSessionMap } from '../../../shared/boardDoc'
import { BoardSessionKey } from '../../../shared/boardSession'
import { waitFor } from '../../support/providers'
import { note } from '../../support/records'
import { sessionOf, useWorkshop, waitSession, type Workshop } from './workshopHarness'

const w0 = useWorkshop()

/** A public write by the facilitator, awaited at the other participant: everything sent before it has been judged. */
async function afterwards(w: Workshop, id: string): Promise<void> {
  getRecordsMap(w.facilitator.doc).set(`shape:${id}`, note(id, 'repère'))
  await waitFor(() => getRecordsMap(w.other.doc).has(`shape:${id}`), 'a later write at the other participant')
}

describe('workshop state is the server’s: a client writing the session is judged by the session as it was', () => {
  it('a participant cannot unfreeze the board for the notes it writes in the same update', async () => {
    const s = await w0.server()
    const w = await w0.setup(s)
    await w.facilitator.commands.ok({ type: 'board.setMode', mode: 'frozen' })
    await waitSession(w.participant, (s) => s[BoardSessionKey.editing]?.mode === 'frozen', 'frozen at the participant')
    Y.transact(w.participant.doc, () => {
      getSessionMap(w.participant.doc).set(BoardSessionKey.editing, { mode: 'open', by: 'me', at: 'now' })
      getRecordsMap(w.participant.doc).set('shape:sneaky', note('sneaky', 'en douce'))
    })
    await afterwards(w, 'marker')
    expect(getRecordsMap(w.other.doc).has('shape:sneaky')).toBe(false)
    expect(getRecordsMap(w.room.doc).has('shape:sneaky')).toBe(false)
    expect(sessionOf(w.room.doc)[BoardSessionKey.editing]).toMatchObject({ mode: 'frozen' })
  })

  it('nor change someone else’s note in “each their own” mode by declaring the board open', async () => {
    const s = await w0.server()
    const w = await w0.setup(s)
    getRecordsMap(w.other.doc).set('shape:bobs', note('bobs', 'de Bob'))
    await waitFor(() => getRecordsMap(w.participant.doc).has('shape:bobs'), 'bob’s note at alice')
    await w.facilitator.commands.ok({ type: 'board.setMode', mode: 'own' })
    await waitSession(w.participant, (s) => s[BoardSessionKey.editing]?.mode === 'own', 'own mode at the participant')
    Y.transact(w.participant.doc, () => {
      getSessionMap(w.participant.doc).set(BoardSessionKey.editing, { mode: 'open', by: 'me', at: 'now' })
      getRecordsMap(w.participant.doc).set('shape:bobs', { ...getRecordsMap(w.participant.doc).get('shape:bobs')!, x: 4242 })
    })
    await afterwards(w, 'marker')
    expect(getRecordsMap(w.room.doc).get('shape:bobs')?.x).not.toBe(4242)
    expect(getRecordsMap(w.other.doc).get('shape:bobs')?.x).not.toBe(4242)
  })

  it('nor write workshop state itself (a timer, a vote, a kept vote record, a round)', async () => {
    const s = await w0.server()
    const w = await w0.setup(s)
    const before = sessionOf(w.room.doc)
    Y.transact(w.participant.doc, () => {
      const session = getSessionMap(w.participant.doc)
      session.set(BoardSessionKey.timer, { status: 'running', endsAt: 1, durationMs: 1, by: 'me', label: null })
      session.set(BoardSessionKey.vote, { id: 'fake', status: 'revealed', options: [], voters: 99 })
      session.set('votes/fake', { id: 'fake', results: [] })
      session.set(BoardSessionKey.privateRound, { id: 'fake', status: 'open' })
    })
    await afterwards(w, 'marker')
    expect(sessionOf(w.room.doc)).toEqual(before)
    expect(sessionOf(w.other.doc)).toEqual(before)
  })
})
