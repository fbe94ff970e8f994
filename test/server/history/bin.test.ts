import { describe, expect, it } from 'vitest'
import type { StoredRecord } from '../../../shared/boardDoc'
import type { BinList } from '../../../shared/history'
import { commandChannel, hello } from '../../support/commands'
import { waitFor } from '../../support/providers'
import { issueIdentity } from '../../support/commands'
import { call, recordsOf, useHistory, write } from './historyHarness'

/** The bin of deleted records, over real sockets with stock y-websocket clients. */
const h = useHistory()
const NO_AUTO = { CHECKPOINT_IDLE_MS: '3600000' }

const frame = (id: string, author: string, x: number, y: number): StoredRecord => ({
  id: `shape:${id}`,
  typeName: 'shape',
  type: 'frame',
  parentId: 'page:page',
  index: 'a0',
  x,
  y,
  rotation: 0,
  isLocked: false,
  opacity: 1,
  meta: { author },
  props: { w: 600, h: 400, name: 'Zone idées', color: 'black' },
})

describe('the bin', () => {
  it('a participant deletes their note: it is in the bin (who, when, its text); a facilitator puts it back with its author; it leaves the bin', async () => {
    const s = await h.server(NO_AUTO)
    const w = await h.setup(s)
    write(w.participant.doc, [w.byAlice('mine', 'Jardin partagé « rue Garibaldi »')])
    await w.serverHas('shape:mine')
    const original = recordsOf(w.room.doc)['shape:mine']!
    write(w.participant.doc, [], ['shape:mine'])
    await w.serverHas('shape:mine', (r) => r === undefined)

    const bin = await call<BinList>(s, 'GET', `/api/boards/${w.board.id}/bin`, { token: w.lab.tokens.facilitator })
    expect(bin.status).toBe(200)
    expect(bin.body.retentionDays).toBe(30)
    expect(bin.body.batches).toHaveLength(1)
    const [batch] = bin.body.batches
    expect(batch).toMatchObject({ deletedBy: { id: w.alice.identity.id, name: 'Alice' }, records: [{ id: 'shape:mine', typeName: 'shape', type: 'note', text: 'Jardin partagé « rue Garibaldi »' }] })
    expect(Date.now() - Date.parse(batch!.deletedAt)).toBeLessThan(60_000)

    const back = await call(s, 'POST', `/api/boards/${w.board.id}/bin/restore`, { token: w.lab.tokens.facilitator, identity: w.fatou, body: { batch: batch!.batch } })
    expect(back).toMatchObject({ status: 200, body: { restored: ['shape:mine'], reparented: 0, skipped: [] } })
    await waitFor(() => recordsOf(w.participant.doc)['shape:mine'] !== undefined, 'the note back on Alice’s board')
    expect(recordsOf(w.participant.doc)['shape:mine']).toEqual(original)
    expect((recordsOf(w.room.doc)['shape:mine']!.meta as { author: string }).author).toBe(w.alice.identity.id)
    expect((await call<BinList>(s, 'GET', `/api/boards/${w.board.id}/bin`, { token: w.lab.tokens.facilitator })).body.batches).toEqual([])
    // Put back twice: nothing left to put back.
    expect(await call(s, 'POST', `/api/boards/${w.board.id}/bin/restore`, { token: w.lab.tokens.facilitator, body: { batch: batch!.batch } })).toMatchObject({ status: 404, body: { code: 'bin.notFound' } })
    // As hers: she may delete it again (participants delete only their own notes).
    write(w.participant.doc, [], ['shape:mine'])
    await w.serverHas('shape:mine', (r) => r === undefined)
  })

  it('a refused deletion puts nothing in the bin', async () => {
    const s = await h.server(NO_AUTO)
    const w = await h.setup(s)
    const bob = await issueIdentity(s.url, w.lab.id, w.lab.tokens.participant, 'Bob')
    const other = h.client(s, w.board.id, w.lab.tokens.participant, bob)
    const events = commandChannel(other.provider)
    await hello(events)
    write(w.participant.doc, [w.byAlice('alices', 'À Alice')])
    await waitFor(() => recordsOf(other.doc)['shape:alices'] !== undefined, 'Bob to see Alice’s note')
    // Bob deletes Alice's note (refused: participants delete only their own), then writes his.
    write(other.doc, [], ['shape:alices'])
    write(other.doc, [w.byAlice('bobs', 'À Bob', { meta: { author: bob.identity.id } })])
    await w.serverHas('shape:bobs')
    await waitFor(() => events.events.some((e) => e.type === 'refused'), 'Bob to be told')
    expect(recordsOf(w.room.doc)['shape:alices']).toBeDefined()
    expect(await s.server.storage.listBin(w.board.id)).toEqual([])
  })

  it('puts back single records; a note whose frame is gone goes on the page where it was; a binding whose end is gone stays in the bin', async () => {
    const s = await h.server(NO_AUTO)
    const w = await h.setup(s)
    const fatouId = w.fatou.identity.id
    const zone = frame('zone', fatouId, 1000, 500)
    const inside = w.byFatou('inside', 'Dans la zone', { parentId: 'shape:zone', x: 40, y: 60 })
    const target = w.byFatou('target', 'Cible')
    const arrow: StoredRecord = {
      id: 'shape:arrow', typeName: 'shape', type: 'arrow', parentId: 'page:page', index: 'a9', x: 0, y: 0, rotation: 0, isLocked: false, opacity: 1, meta: { author: fatouId },
      props: { kind: 'arc', labelColor: 'black', color: 'black', fill: 'none', dash: 'draw', size: 'm', arrowheadStart: 'none', arrowheadEnd: 'arrow', font: 'draw', start: { x: 0, y: 0 }, end: { x: 100, y: 0 }, bend: 0, richText: { type: 'doc', content: [{ type: 'paragraph' }] }, labelPosition: 0.5, scale: 1, elbowMidPoint: 0.5 },
    }
    const binding: StoredRecord = {
      id: 'binding:b1', typeName: 'binding', type: 'arrow', fromId: 'shape:arrow', toId: 'shape:target', meta: {},
      props: { terminal: 'end', normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false, snap: 'none' },
    }
    write(w.facilitator.doc, [zone, inside, target, arrow, binding])
    await w.serverHas('binding:b1')
    // One change deletes the zone with its note; another the target with the arrow's binding.
    write(w.facilitator.doc, [], ['shape:inside', 'shape:zone'])
    await w.serverHas('shape:zone', (r) => r === undefined)
    write(w.facilitator.doc, [], ['binding:b1', 'shape:target'])
    await w.serverHas('shape:target', (r) => r === undefined)
    const bin = (await call<BinList>(s, 'GET', `/api/boards/${w.board.id}/bin`, { token: w.lab.tokens.facilitator })).body
    expect(bin.batches.map((b) => b.records.map((r) => r.id).sort())).toEqual([['binding:b1', 'shape:target'], ['shape:inside', 'shape:zone']])
    expect(bin.batches[1]!.records.find((r) => r.id === 'shape:zone')).toMatchObject({ type: 'frame', text: 'Zone idées' })

    const back = await call(s, 'POST', `/api/boards/${w.board.id}/bin/restore`, { token: w.lab.tokens.facilitator, body: { ids: ['shape:inside', 'binding:b1'] } })
    expect(back).toMatchObject({ status: 200, body: { restored: ['shape:inside'], reparented: 1, skipped: ['binding:b1'] } })
    await waitFor(() => recordsOf(w.participant.doc)['shape:inside'] !== undefined, 'the note back')
    expect(recordsOf(w.participant.doc)['shape:inside']).toMatchObject({ parentId: 'page:page', x: 1040, y: 560, meta: { author: fatouId } })
    expect(recordsOf(w.room.doc)['binding:b1']).toBeUndefined()
    const left = (await call<BinList>(s, 'GET', `/api/boards/${w.board.id}/bin`, { token: w.lab.tokens.facilitator })).body
    expect(left.batches.flatMap((b) => b.records.map((r) => r.id)).sort()).toEqual(['binding:b1', 'shape:target', 'shape:zone'])

    // The whole other batch: the target comes back, and its binding with it.
    const rest = await call(s, 'POST', `/api/boards/${w.board.id}/bin/restore`, { token: w.lab.tokens.facilitator, body: { batch: left.batches[0]!.batch } })
    expect(rest).toMatchObject({ status: 200, body: { reparented: 0, skipped: [] } })
    expect(rest.body.restored.sort()).toEqual(['binding:b1', 'shape:target'])
    await waitFor(() => recordsOf(w.participant.doc)['binding:b1'] !== undefined, 'the binding back')
  })

  it('a deletion whose bin entry cannot be kept is not made: nothing stored, nobody told; sent again once storage works, it lands in the bin', async () => {
    const { ControlledStorage } = await import('../../support/controlledStorage')
    const { replay } = await import('../../persistence/storageContract')
    let controlled: InstanceType<typeof ControlledStorage> | null = null
    const s = await h.server(NO_AUTO, undefined, { wrapStorage: (inner) => (controlled = new ControlledStorage(inner)) })
    const w = await h.setup(s)
    write(w.participant.doc, [w.byAlice('mine', 'À garder')])
    await waitFor(() => recordsOf(w.facilitator.doc)['shape:mine'] !== undefined, 'the facilitator to see the note')
    controlled!.failHistoryWrites = new Error('disk full')
    write(w.participant.doc, [], ['shape:mine'])
    await waitFor(() => w.room.isFailed, 'the room to fail')
    const stored = replay((await s.server.storage.loadUpdates(w.board.id)).updates)
    expect(recordsOf(stored)['shape:mine']).toBeDefined()
    expect(recordsOf(w.facilitator.doc)['shape:mine']).toBeDefined()
    controlled!.failHistoryWrites = null
    // Alice's client reconnects and sends its deletion again: now kept in the bin, then made.
    await waitFor(async () => (await s.server.storage.listBin(w.board.id)).some((e) => e.recordId === 'shape:mine'), 'the note in the bin', 20_000)
    await waitFor(() => recordsOf(w.facilitator.doc)['shape:mine'] === undefined, 'the deletion to reach the facilitator', 20_000)
  })

  it('refuses bodies that name nothing, too much, or both a batch and ids', async () => {
    const s = await h.server(NO_AUTO)
    const w = await h.setup(s)
    for (const body of [{}, { ids: [] }, { ids: 'shape:a' }, { ids: [12] }, { ids: Array.from({ length: 1001 }, (_, i) => `shape:${i}`) }, { batch: 'b', ids: ['shape:a'] }, { batch: 3 }, []]) {
      expect(await call(s, 'POST', `/api/boards/${w.board.id}/bin/restore`, { token: w.lab.tokens.facilitator, body }), JSON.stringify(body).slice(0, 60)).toMatchObject({ status: 400, body: { code: 'input.invalid' } })
    }
    expect(await call(s, 'POST', `/api/boards/${w.board.id}/bin/restore`, { token: w.lab.tokens.facilitator, body: { ids: ['shape:nothere'] } })).toMatchObject({ status: 404, body: { code: 'bin.notFound' } })
  })

  it('keeps deleted records BIN_RETENTION_DAYS: older ones are not shown, cannot be put back, and are purged', async () => {
    const s = await h.server({ ...NO_AUTO, BIN_RETENTION_DAYS: '7' })
    const w = await h.setup(s)
    const old = new Date(Date.now() - 8 * 24 * 3600 * 1000).toISOString()
    await s.server.storage.putInBin(w.board.id, [{ recordId: 'shape:old', batch: 'oldbatch', record: w.byAlice('old', 'Trop vieille'), deletedAt: old, deletedBy: null }])
    const bin = (await call<BinList>(s, 'GET', `/api/boards/${w.board.id}/bin`, { token: w.lab.tokens.facilitator })).body
    expect(bin).toEqual({ batches: [], retentionDays: 7 })
    expect(await call(s, 'POST', `/api/boards/${w.board.id}/bin/restore`, { token: w.lab.tokens.facilitator, body: { ids: ['shape:old'] } })).toMatchObject({ status: 404, body: { code: 'bin.notFound' } })
    // Purged when a board next loads after a restart.
    const s2 = await h.restart(s)
    await s2.server.rooms.getRoom(w.board.id)
    await waitFor(async () => (await s2.server.storage.listBin(w.board.id)).length === 0, 'the old record purged')
  })

  it('what a facilitator puts back on a board nobody has open is in the checkpoint taken when it leaves memory, by them', async () => {
    const s = await h.server({ ...NO_AUTO, ROOM_IDLE_MS: '0' })
    const w = await h.setup(s)
    write(w.participant.doc, [w.byAlice('gone', 'Supprimée')])
    await w.serverHas('shape:gone')
    write(w.participant.doc, [], ['shape:gone'])
    await w.serverHas('shape:gone', (r) => r === undefined)
    w.participant.provider.destroy()
    w.facilitator.provider.destroy()
    await h.checkpointsWhen(s, w.board.id, (l) => l.length === 1, 'the checkpoint when everyone left')
    await waitFor(() => !s.server.rooms.loadedBoardIds.includes(w.board.id), 'the board to leave memory')
    expect((await call(s, 'POST', `/api/boards/${w.board.id}/bin/restore`, { token: w.lab.tokens.facilitator, identity: w.fatou, body: { ids: ['shape:gone'] } })).status).toBe(200)
    const list = await h.checkpointsWhen(s, w.board.id, (l) => l.length === 2, 'the checkpoint when the board left memory')
    expect(list[0]!.contributors).toEqual([{ id: w.fatou.identity.id, name: 'Fatou' }])
  })
})
