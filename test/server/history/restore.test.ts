import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { BoardMetaKey, getMetaMap, getRecordsMap, getSessionMap } from '../../../shared/boardDoc'
import { createBoardSchema } from '../../../shared/tldrawDoc'
import { compressState } from '../../../server/history/checkpointState'
import { waitFor, waitSynced } from '../../support/providers'
import { note, textOf } from '../../support/records'
import { call, checkpointDoc, holds, recordsOf, useHistory, write } from './historyHarness'

/** Restoring a checkpoint, over real sockets with stock y-websocket clients. */
const h = useHistory()
const NO_AUTO = { CHECKPOINT_IDLE_MS: '3600000' }

describe('restoring a checkpoint', () => {
  it('two clients connected during a restore both end equal to the checkpoint; what it removed goes to the bin; the state before is kept and undoes it', async () => {
    const s = await h.server(NO_AUTO)
    const w = await h.setup(s)
    write(w.participant.doc, [w.byAlice('idea', 'Idée de départ'), w.byAlice('keep', 'Reste là')])
    await w.serverHas('shape:keep')
    const named = await call(s, 'POST', `/api/boards/${w.board.id}/checkpoints`, { token: w.lab.tokens.facilitator, identity: w.fatou, body: { name: 'Fin de l’atelier du 12 mars' } })
    expect(named.status).toBe(201)
    expect(named.body).toMatchObject({ kind: 'named', name: 'Fin de l’atelier du 12 mars', createdBy: { id: w.fatou.identity.id, name: 'Fatou' } })
    expect(named.body.contributors.map((p: any) => p.name).sort()).toEqual(['Alice'])
    const atCheckpoint = recordsOf(await checkpointDoc(s, w.board.id, named.body.id, w.lab.tokens.viewer))
    expect(textOf(atCheckpoint['shape:idea'])).toBe('Idée de départ')

    // After the checkpoint: a note changed, one added by each, one deleted.
    write(w.participant.doc, [w.byAlice('idea', 'Idée changée')])
    write(w.participant.doc, [w.byAlice('later', 'Ajoutée après')])
    write(w.facilitator.doc, [w.byFatou('fac', 'Note de l’animatrice')], ['shape:keep'])
    await w.serverHas('shape:keep', (r) => r === undefined)
    await w.serverHas('shape:later')
    await w.serverHas('shape:fac')
    const beforeRestore = recordsOf(w.room.doc)

    const restored = await call(s, 'POST', `/api/boards/${w.board.id}/checkpoints/${named.body.id}/restore`, { token: w.lab.tokens.facilitator, identity: w.fatou })
    expect(restored.status).toBe(200)
    expect(restored.body.restored.id).toBe(named.body.id)
    expect(restored.body.before).toMatchObject({ kind: 'before-restore', createdBy: { id: w.fatou.identity.id, name: 'Fatou' } })
    expect(restored.body.before.contributors.map((p: any) => p.name).sort()).toEqual(['Alice', 'Fatou'])
    expect(restored.body).toMatchObject({ removed: 2 })

    // Both connected clients, and the server, hold exactly the checkpoint's records.
    for (const c of [w.participant, w.facilitator]) await waitFor(() => holds(c.doc, atCheckpoint), 'the client to equal the checkpoint')
    expect(recordsOf(w.participant.doc)).toEqual(atCheckpoint)
    expect(recordsOf(w.facilitator.doc)).toEqual(atCheckpoint)
    expect(recordsOf(w.room.doc)).toEqual(atCheckpoint)
    // The schema and live session stay the server's.
    expect(getMetaMap(w.participant.doc).get(BoardMetaKey.schema)).toEqual(createBoardSchema().serialize())

    // What the restore removed is in the bin, as deleted by Fatou.
    const bin = await call(s, 'GET', `/api/boards/${w.board.id}/bin`, { token: w.lab.tokens.facilitator })
    expect(bin.status).toBe(200)
    const restoreBatch = bin.body.batches[0]
    expect(restoreBatch.deletedBy).toEqual({ id: w.fatou.identity.id, name: 'Fatou' })
    expect(restoreBatch.records.map((r: any) => r.text).sort()).toEqual(['Ajoutée après', 'Note de l’animatrice'])

    // The state before the restore is a checkpoint: restoring it undoes the restore.
    const list = await call(s, 'GET', `/api/boards/${w.board.id}/checkpoints`, { token: w.lab.tokens.participant })
    expect(list.body.checkpoints.map((c: any) => c.kind)).toEqual(['before-restore', 'named'])
    const undo = await call(s, 'POST', `/api/boards/${w.board.id}/checkpoints/${restored.body.before.id}/restore`, { token: w.lab.tokens.facilitator, identity: w.fatou })
    expect(undo.status).toBe(200)
    for (const c of [w.participant, w.facilitator]) await waitFor(() => holds(c.doc, beforeRestore), 'the client to be back to before the restore')
    expect(recordsOf(w.room.doc)).toEqual(beforeRestore)
    // The notes came back with their authors.
    expect((recordsOf(w.room.doc)['shape:later']!.meta as any).author).toBe(w.alice.identity.id)
    expect((recordsOf(w.room.doc)['shape:fac']!.meta as any).author).toBe(w.fatou.identity.id)
  })

  it('restores after a server restart: a fresh client and the disk hold the checkpoint', async () => {
    const s = await h.server(NO_AUTO)
    const w = await h.setup(s)
    write(w.participant.doc, [note('a', 'Avant le redémarrage')])
    await w.serverHas('shape:a')
    const named = await call(s, 'POST', `/api/boards/${w.board.id}/checkpoints`, { token: w.lab.tokens.facilitator, body: { name: 'Avant' } })
    expect(named.status).toBe(201)
    expect(named.body.createdBy).toBeNull()
    write(w.participant.doc, [note('b', 'Après')], ['shape:a'])
    await w.serverHas('shape:b')
    const atCheckpoint = recordsOf(await checkpointDoc(s, w.board.id, named.body.id, w.lab.tokens.facilitator))

    const s2 = await h.restart(s)
    const w2 = await h.setup(s2, { lab: w.lab, board: w.board, fatou: w.fatou, alice: w.alice })
    expect(recordsOf(w2.participant.doc)['shape:b']).toBeDefined()
    const restored = await call(s2, 'POST', `/api/boards/${w.board.id}/checkpoints/${named.body.id}/restore`, { token: w.lab.tokens.facilitator, identity: w.fatou })
    expect(restored.status).toBe(200)
    await waitFor(() => holds(w2.participant.doc, atCheckpoint), 'the participant to see the restored board')

    const s3 = await h.restart(s2)
    const fresh = h.client(s3, w.board.id, w.lab.tokens.viewer)
    await waitSynced(fresh.provider)
    expect(recordsOf(fresh.doc)).toEqual(atCheckpoint)
  })

  it('restores a board nobody has open (it is loaded for the restore, and left to unload)', async () => {
    const s = await h.server({ ...NO_AUTO, ROOM_IDLE_MS: '0' })
    const w = await h.setup(s)
    write(w.participant.doc, [note('a', 'Version A')])
    await w.serverHas('shape:a')
    const named = (await call(s, 'POST', `/api/boards/${w.board.id}/checkpoints`, { token: w.lab.tokens.facilitator, body: { name: 'A' } })).body
    write(w.participant.doc, [note('b', 'Version B')], ['shape:a'])
    await w.serverHas('shape:b')
    w.participant.provider.destroy()
    w.facilitator.provider.destroy()
    await waitFor(() => !s.server.rooms.loadedBoardIds.includes(w.board.id), 'the board to leave memory')
    const restored = await call(s, 'POST', `/api/boards/${w.board.id}/checkpoints/${named.id}/restore`, { token: w.lab.tokens.facilitator })
    expect(restored.status).toBe(200)
    await waitFor(() => !s.server.rooms.loadedBoardIds.includes(w.board.id), 'the board to leave memory again')
    const viewer = h.client(s, w.board.id, w.lab.tokens.viewer)
    await waitSynced(viewer.provider)
    expect(textOf(recordsOf(viewer.doc)['shape:a'])).toBe('Version A')
    expect(recordsOf(viewer.doc)['shape:b']).toBeUndefined()
  })

  it('a checkpoint survives compaction, and restores after it (the live log no longer holds its content)', async () => {
    const s = await h.server({ ...NO_AUTO, COMPACT_AFTER_UPDATES: '5' })
    const w = await h.setup(s)
    write(w.participant.doc, [w.byAlice('a', 'Première version')])
    await w.serverHas('shape:a')
    const named = (await call(s, 'POST', `/api/boards/${w.board.id}/checkpoints`, { token: w.lab.tokens.facilitator, body: { name: 'Première' } })).body
    const atCheckpoint = recordsOf(await checkpointDoc(s, w.board.id, named.id, w.lab.tokens.facilitator))
    for (let i = 0; i < 30; i++) write(w.participant.doc, [w.byAlice('a', `Réécriture ${i}`)])
    await w.serverHas('shape:a', (r) => textOf(r) === 'Réécriture 29')
    await w.room.compact()
    // The log was compacted: the first version is no longer stored anywhere but in the checkpoint.
    expect(await s.server.storage.countUpdates(w.board.id)).toBe(1)
    const log = Buffer.concat((await s.server.storage.loadUpdates(w.board.id)).updates.map((u) => Buffer.from(u))).toString('utf8')
    expect(log).not.toContain('Première version')
    expect((await s.server.storage.listCheckpoints(w.board.id)).map((c) => c.id)).toEqual([named.id])
    expect(recordsOf(await checkpointDoc(s, w.board.id, named.id, w.lab.tokens.facilitator))).toEqual(atCheckpoint)

    expect((await call(s, 'POST', `/api/boards/${w.board.id}/checkpoints/${named.id}/restore`, { token: w.lab.tokens.facilitator })).status).toBe(200)
    await waitFor(() => textOf(recordsOf(w.participant.doc)['shape:a']) === 'Première version', 'the participant to see the first version again')
    expect(recordsOf(w.participant.doc)).toEqual(atCheckpoint)
  })

  it('leaves tldraw’s records of the people who opened the board (`user:`) as they are', async () => {
    const s = await h.server(NO_AUTO)
    const w = await h.setup(s)
    const named = (await call(s, 'POST', `/api/boards/${w.board.id}/checkpoints`, { token: w.lab.tokens.facilitator, body: { name: 'Vide' } })).body
    const user = { id: `user:${w.alice.identity.id}`, typeName: 'user', name: 'Alice', color: '#1971c2', imageUrl: '', meta: {} }
    write(w.participant.doc, [user, w.byAlice('a', 'Après')])
    await w.serverHas('shape:a')
    const restored = await call(s, 'POST', `/api/boards/${w.board.id}/checkpoints/${named.id}/restore`, { token: w.lab.tokens.facilitator })
    expect(restored.body).toMatchObject({ removed: 1 })
    await waitFor(() => recordsOf(w.participant.doc)['shape:a'] === undefined, 'the note gone')
    expect(recordsOf(w.participant.doc)[user.id]).toEqual(user)
  })

  it('leaves the live workshop state (session) and the applied templates alone', async () => {
    const s = await h.server(NO_AUTO)
    const w = await h.setup(s)
    const named = (await call(s, 'POST', `/api/boards/${w.board.id}/checkpoints`, { token: w.lab.tokens.facilitator, body: { name: 'Vide' } })).body
    await w.room.transact((doc) => getSessionMap(doc).set('editing', 'frozen'))
    await waitFor(() => getSessionMap(w.participant.doc).get('editing') === 'frozen', 'the board to be frozen')
    expect((await call(s, 'POST', `/api/boards/${w.board.id}/checkpoints/${named.id}/restore`, { token: w.lab.tokens.facilitator })).status).toBe(200)
    expect(getSessionMap(w.room.doc).get('editing')).toBe('frozen')
  })

  it('migrates a checkpoint written under an older tldraw before restoring it; refuses one from a newer tldraw and changes nothing', async () => {
    const s = await h.server(NO_AUTO)
    const w = await h.setup(s)
    const fixture = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../fixtures/board-before-rich-text.json'), 'utf8'))
    const put = async (schema: unknown) => {
      const doc = new Y.Doc()
      Y.transact(doc, () => {
        for (const r of fixture.records) getRecordsMap(doc).set(r.id, r)
        getMetaMap(doc).set(BoardMetaKey.schema, schema)
      })
      const state = Y.encodeStateAsUpdate(doc)
      const id = `old${Math.random().toString(36).slice(2, 10)}`
      await s.server.storage.putCheckpoint({ id, boardId: w.board.id, kind: 'named', name: 'Ancienne version', createdAt: '2025-01-01T10:00:00.000Z', createdBy: null, contributors: [], bytes: state.byteLength, assetIds: [] }, await compressState(state))
      return id
    }
    const old = await put(fixture.schema)
    const restored = await call(s, 'POST', `/api/boards/${w.board.id}/checkpoints/${old}/restore`, { token: w.lab.tokens.facilitator })
    expect(restored.status).toBe(200)
    await waitFor(() => recordsOf(w.participant.doc)['shape:oldtext'] !== undefined, 'the old text to be on the board')
    const migrated = recordsOf(w.participant.doc)['shape:oldtext'] as any
    expect(migrated.props.text).toBeUndefined()
    expect(textOf(migrated)).toContain('les habitants d’abord')
    expect(getMetaMap(w.room.doc).get(BoardMetaKey.schema)).toEqual(createBoardSchema().serialize())

    const newerSchema = structuredClone(createBoardSchema().serialize()) as any
    newerSchema.sequences['com.tldraw.shape.note'] += 3
    const newer = await put(newerSchema)
    const before = recordsOf(w.room.doc)
    const checkpointsBefore = (await s.server.storage.listCheckpoints(w.board.id)).length
    const refused = await call(s, 'POST', `/api/boards/${w.board.id}/checkpoints/${newer}/restore`, { token: w.lab.tokens.facilitator })
    expect(refused).toMatchObject({ status: 409, body: { code: 'checkpoint.newer' } })
    expect(recordsOf(w.room.doc)).toEqual(before)
    expect((await s.server.storage.listCheckpoints(w.board.id)).length).toBe(checkpointsBefore)
  })

  it('a damaged checkpoint is refused with a reason, and nothing changes', async () => {
    const s = await h.server(NO_AUTO)
    const w = await h.setup(s)
    await s.server.storage.putCheckpoint({ id: 'damaged0001', boardId: w.board.id, kind: 'auto', name: null, createdAt: '2025-01-01T10:00:00.000Z', createdBy: null, contributors: [], bytes: 3, assetIds: [] }, new Uint8Array([1, 2, 3]))
    const before = recordsOf(w.room.doc)
    const refused = await call(s, 'POST', `/api/boards/${w.board.id}/checkpoints/damaged0001/restore`, { token: w.lab.tokens.facilitator })
    expect(refused).toMatchObject({ status: 422, body: { code: 'checkpoint.unreadable' } })
    expect(recordsOf(w.room.doc)).toEqual(before)
  })

  it('when the state before a restore cannot be kept, the restore is not made (nobody sees it, the disk does not hold it)', async () => {
    const { ControlledStorage } = await import('../../support/controlledStorage')
    let controlled: InstanceType<typeof ControlledStorage> | null = null
    const s = await h.server(NO_AUTO, undefined, { wrapStorage: (inner) => (controlled = new ControlledStorage(inner)) })
    const w = await h.setup(s)
    write(w.participant.doc, [w.byAlice('a', 'Version A')])
    await w.serverHas('shape:a')
    const named = (await call(s, 'POST', `/api/boards/${w.board.id}/checkpoints`, { token: w.lab.tokens.facilitator, body: { name: 'A' } })).body
    // Only a change (nothing to put in the bin): what guards the restore is the checkpoint before it.
    write(w.participant.doc, [w.byAlice('a', 'Version B')])
    await w.serverHas('shape:a', (r) => textOf(r) === 'Version B')
    controlled!.failHistoryWrites = new Error('disk full')
    const failed = await call(s, 'POST', `/api/boards/${w.board.id}/checkpoints/${named.id}/restore`, { token: w.lab.tokens.facilitator })
    expect(failed).toMatchObject({ status: 500, body: { code: 'internal' } })
    controlled!.failHistoryWrites = null
    // The disk still holds version B, and no checkpoint was added.
    const { replay } = await import('../../persistence/storageContract')
    expect(textOf(recordsOf(replay((await s.server.storage.loadUpdates(w.board.id)).updates))['shape:a'])).toBe('Version B')
    // The clients were asked to reconnect to what is stored: version B, as before.
    const viewer = h.client(s, w.board.id, w.lab.tokens.viewer)
    await waitSynced(viewer.provider)
    expect(textOf(recordsOf(viewer.doc)['shape:a'])).toBe('Version B')
    await waitFor(() => w.participant.provider.synced && textOf(recordsOf(w.participant.doc)['shape:a']) === 'Version B', 'the participant back on the board')
    // The failed room left memory without keeping its (restored, never stored) state as a checkpoint.
    expect((await s.server.storage.listCheckpoints(w.board.id)).map((c) => c.id)).toEqual([named.id])
  })

})
