import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { getRecordsMap } from '../../../shared/boardDoc'
import { compressState } from '../../../server/history/checkpointState'
import { SqliteStorage } from '../../../server/persistence/SqliteStorage'
import path from 'node:path'
import { textOf } from '../../support/records'
import { call, checkpointDoc, recordsOf, useHistory, write } from './historyHarness'

/** Automatic and named checkpoints, over real sockets with stock y-websocket clients. */
const h = useHistory()
const names = (people: { name: string }[]) => people.map((p) => p.name).sort()

describe('automatic checkpoints', () => {
  it('are taken once a burst of edits has been idle CHECKPOINT_IDLE_MS, with who contributed since the previous one', async () => {
    const s = await h.server({ CHECKPOINT_IDLE_MS: '300' })
    const w = await h.setup(s)
    write(w.participant.doc, [w.byAlice('a', 'Mobilité douce')])
    write(w.facilitator.doc, [w.byFatou('b', 'Consigne')])
    const [first] = await h.checkpointsWhen(s, w.board.id, (list) => list.length >= 1, 'an automatic checkpoint')
    expect(first).toMatchObject({ kind: 'auto', name: null, createdBy: null })
    expect(names(first!.contributors)).toEqual(['Alice', 'Fatou'])
    const state = recordsOf(await checkpointDoc(s, w.board.id, first!.id, w.lab.tokens.participant))
    expect(textOf(state['shape:a'])).toBe('Mobilité douce')
    expect(textOf(state['shape:b'])).toBe('Consigne')

    // A second burst, by Alice only: its checkpoint names her alone.
    write(w.participant.doc, [w.byAlice('c', 'Covoiturage')])
    const list = await h.checkpointsWhen(s, w.board.id, (l) => l.length >= 2, 'a second automatic checkpoint')
    expect(list).toHaveLength(2)
    expect(names(list[0]!.contributors)).toEqual(['Alice'])
    expect(textOf(recordsOf(await checkpointDoc(s, w.board.id, list[0]!.id, w.lab.tokens.viewer))['shape:c'])).toBe('Covoiturage')
  })

  it('a refused change is no contribution and dirties nothing: no checkpoint names its writer', async () => {
    const s = await h.server({ CHECKPOINT_IDLE_MS: '300' })
    const w = await h.setup(s)
    write(w.facilitator.doc, [w.byFatou('locked', 'Zone', { isLocked: true })])
    await h.checkpointsWhen(s, w.board.id, (l) => l.length >= 1, 'the first checkpoint')
    // Alice tries to change the locked note (refused), then writes her own (accepted).
    write(w.participant.doc, [w.byFatou('locked', 'Piraté', { isLocked: true })])
    write(w.participant.doc, [w.byAlice('mine', 'La mienne')])
    const list = await h.checkpointsWhen(s, w.board.id, (l) => l.length >= 2, 'the second checkpoint')
    expect(names(list[0]!.contributors)).toEqual(['Alice'])
    expect(textOf(recordsOf(await checkpointDoc(s, w.board.id, list[0]!.id, w.lab.tokens.viewer))['shape:locked'])).toBe('Zone')
  })

  it('opening a board is no contribution: tldraw’s record of the person (`user:`) neither names them nor calls for a checkpoint', async () => {
    const s = await h.server({ CHECKPOINT_IDLE_MS: '300' })
    const w = await h.setup(s)
    const user = { id: `user:${w.alice.identity.id}`, typeName: 'user', name: 'Alice', color: '#1971c2', imageUrl: '', meta: {} }
    write(w.participant.doc, [user])
    await w.serverHas(user.id)
    write(w.facilitator.doc, [w.byFatou('a', 'Consigne')])
    const [cp] = await h.checkpointsWhen(s, w.board.id, (l) => l.length >= 1, 'a checkpoint')
    expect(names(cp!.contributors)).toEqual(['Fatou'])
  })

  it('are taken when the last person leaves after edits, with the contributors', async () => {
    const s = await h.server({ CHECKPOINT_IDLE_MS: '3600000' })
    const w = await h.setup(s)
    write(w.participant.doc, [w.byAlice('a', 'Avant de partir')])
    await w.serverHas('shape:a')
    w.participant.provider.destroy()
    w.facilitator.provider.destroy()
    const [cp] = await h.checkpointsWhen(s, w.board.id, (l) => l.length >= 1, 'a checkpoint when everyone left')
    expect(cp).toMatchObject({ kind: 'auto' })
    expect(names(cp!.contributors)).toEqual(['Alice'])
    expect(textOf(recordsOf(await checkpointDoc(s, w.board.id, cp!.id, w.lab.tokens.viewer))['shape:a'])).toBe('Avant de partir')
  })

  it('are taken when the board leaves memory with edits not in a checkpoint (server stopping with people on it)', async () => {
    const s = await h.server({ CHECKPOINT_IDLE_MS: '3600000' })
    const w = await h.setup(s)
    write(w.participant.doc, [w.byAlice('a', 'Juste avant l’arrêt')])
    await w.serverHas('shape:a')
    await s.stop()
    const storage = new SqliteStorage(path.join(s.dataDir, 'fabrique.db'))
    try {
      const list = await storage.listCheckpoints(w.board.id)
      expect(list).toHaveLength(1)
      expect(names(list[0]!.contributors)).toEqual(['Alice'])
    } finally {
      await storage.close()
    }
  })

  it('thin older automatic checkpoints when one is taken, keeping named and before-restore ones', async () => {
    const s = await h.server({ CHECKPOINT_IDLE_MS: '200' })
    const w = await h.setup(s)
    const HOUR = 3600 * 1000
    // Midnight (UTC) ten days ago: the day whose autos are thinned to its last one.
    const day = Math.floor(Date.now() / (24 * HOUR)) * 24 * HOUR - 10 * 24 * HOUR
    const state = await compressState(Y.encodeStateAsUpdate(new Y.Doc()))
    const put = (id: string, kind: 'auto' | 'named' | 'before-restore', at: number) =>
      s.server.storage.putCheckpoint({ id, boardId: w.board.id, kind, name: kind === 'named' ? id : null, createdAt: new Date(at).toISOString(), createdBy: null, contributors: [], bytes: 1, assetIds: [] }, state)
    await put('autoMorning00', 'auto', day + 9 * HOUR)
    await put('autoNoon00000', 'auto', day + 12 * HOUR)
    await put('autoEvening00', 'auto', day + 18 * HOUR)
    await put('namedMorning0', 'named', day + 10 * HOUR)
    await put('beforeMorning', 'before-restore', day + 11 * HOUR)
    await put('autoYesterday', 'auto', Date.now() - 30 * HOUR)
    await put('autoYester2nd', 'auto', Date.now() - 31 * HOUR)
    write(w.participant.doc, [w.byAlice('a', 'Nouvelle')])
    const list = await h.checkpointsWhen(s, w.board.id, (l) => !l.some((c) => c.id === 'autoMorning00'), 'thinning')
    const fresh = list.filter((c) => c.createdAt > new Date(Date.now() - HOUR).toISOString())
    expect(fresh).toHaveLength(1)
    // That day keeps its last auto, its named and before-restore ones; the last two days keep all.
    expect(list.map((c) => c.id).sort()).toEqual([fresh[0]!.id, 'autoEvening00', 'autoYester2nd', 'autoYesterday', 'beforeMorning', 'namedMorning0'].sort())
  })
})

describe('named checkpoints', () => {
  it('a facilitator names one; it lists first with its name and who took it; its state is the board at that moment', async () => {
    const s = await h.server({ CHECKPOINT_IDLE_MS: '3600000' })
    const w = await h.setup(s)
    write(w.participant.doc, [w.byAlice('a', 'Idée « verte » 🌱')])
    await w.serverHas('shape:a')
    const created = await call(s, 'POST', `/api/boards/${w.board.id}/checkpoints`, { token: w.lab.tokens.facilitator, identity: w.fatou, body: { name: '  Fin de l’atelier du 12 mars  ' } })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ boardId: w.board.id, kind: 'named', name: 'Fin de l’atelier du 12 mars', createdBy: { id: w.fatou.identity.id, name: 'Fatou' } })
    expect(created.body.assetIds).toBeUndefined()
    expect(created.body.bytes).toBeGreaterThan(0)
    const listed = await call(s, 'GET', `/api/boards/${w.board.id}/checkpoints`, { token: w.lab.tokens.viewer })
    expect(listed.status).toBe(200)
    expect(listed.body.checkpoints).toEqual([created.body])
    // The state is served gzipped to whoever reads gzip, and plain to the others: the same update.
    const gz = await fetch(`${s.url}/api/boards/${w.board.id}/checkpoints/${created.body.id}/state`, { headers: { authorization: `Bearer ${w.lab.tokens.viewer}`, 'accept-encoding': 'gzip' } })
    expect(gz.headers.get('content-type')).toBe('application/octet-stream')
    const plainDoc = await checkpointDoc(s, w.board.id, created.body.id, w.lab.tokens.viewer)
    expect(textOf(getRecordsMap(plainDoc).get('shape:a'))).toBe('Idée « verte » 🌱')
    const http = await import('node:http')
    const raw = await new Promise<{ encoding: string | undefined; bytes: Buffer }>((resolve, reject) => {
      http.get(`${s.url}/api/boards/${w.board.id}/checkpoints/${created.body.id}/state`, { headers: { authorization: `Bearer ${w.lab.tokens.viewer}` } }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c) => chunks.push(c)).on('end', () => resolve({ encoding: res.headers['content-encoding'], bytes: Buffer.concat(chunks) })).on('error', reject)
      })
    })
    expect(raw.encoding).toBeUndefined()
    const doc = new Y.Doc()
    Y.applyUpdate(doc, raw.bytes)
    expect(recordsOf(doc)).toEqual(recordsOf(plainDoc))
  })

  it('refuses a name that is missing, empty, too long or on several lines, and keeps nothing', async () => {
    const s = await h.server({ CHECKPOINT_IDLE_MS: '3600000' })
    const w = await h.setup(s)
    for (const body of [{}, { name: '   ' }, { name: 'x'.repeat(121) }, { name: 'deux\nlignes' }, { name: 12 }, null]) {
      const res = await call(s, 'POST', `/api/boards/${w.board.id}/checkpoints`, { token: w.lab.tokens.facilitator, body })
      expect(res, JSON.stringify(body)).toMatchObject({ status: 400, body: { code: 'input.invalid' } })
    }
    const notJson = await call(s, 'POST', `/api/boards/${w.board.id}/checkpoints`, { token: w.lab.tokens.facilitator, raw: '{name' })
    expect(notJson).toMatchObject({ status: 400, body: { code: 'body.notJson' } })
    expect(await s.server.storage.listCheckpoints(w.board.id)).toEqual([])
  })

  it('an identity of another lab is refused; the checkpoint is not taken', async () => {
    const s = await h.server({ CHECKPOINT_IDLE_MS: '3600000' })
    const w = await h.setup(s)
    const other = await h.setup(s)
    const res = await call(s, 'POST', `/api/boards/${w.board.id}/checkpoints`, { token: w.lab.tokens.facilitator, identity: other.fatou, body: { name: 'X' } })
    expect(res).toMatchObject({ status: 403, body: { code: 'identity.wrongLab' } })
    expect(await s.server.storage.listCheckpoints(w.board.id)).toEqual([])
  })
})

describe('who may read and write the history', () => {
  it('any member reads checkpoints; only facilitators take, restore, read the bin and put back; a missing or wrong token gets nothing', async () => {
    const s = await h.server({ CHECKPOINT_IDLE_MS: '3600000' })
    const w = await h.setup(s)
    const other = await h.setup(s)
    write(w.participant.doc, [w.byAlice('a', 'Note')])
    await w.serverHas('shape:a')
    const cp = (await call(s, 'POST', `/api/boards/${w.board.id}/checkpoints`, { token: w.lab.tokens.facilitator, body: { name: 'A' } })).body
    write(w.participant.doc, [], ['shape:a'])
    await w.serverHas('shape:a', (r) => r === undefined)
    const base = `/api/boards/${w.board.id}`
    const writes: [string, string, unknown?][] = [
      ['POST', `${base}/checkpoints`, { name: 'B' }],
      ['POST', `${base}/checkpoints/${cp.id}/restore`],
      ['GET', `${base}/bin`],
      ['POST', `${base}/bin/restore`, { ids: ['shape:a'] }],
    ]
    const reads: [string, string][] = [
      ['GET', `${base}/checkpoints`],
      ['GET', `${base}/checkpoints/${cp.id}/state`],
    ]
    const before = { records: recordsOf(w.room.doc), checkpoints: await s.server.storage.listCheckpoints(w.board.id), bin: await s.server.storage.listBin(w.board.id) }
    for (const [method, path, body] of writes) {
      for (const token of [w.lab.tokens.participant, w.lab.tokens.viewer]) expect(await call(s, method, path, { token, body }), `${method} ${path}`).toMatchObject({ status: 403, body: { code: 'role.facilitatorOnly' } })
      expect(await call(s, method, path, { body }), `${method} ${path} without a token`).toMatchObject({ status: 401, body: { code: 'token.missing' } })
      expect(await call(s, method, path, { token: other.lab.tokens.facilitator, body }), `${method} ${path} with another lab's token`).toMatchObject({ status: 403, body: { code: 'token.wrongLab' } })
    }
    for (const [method, path] of reads) {
      for (const token of [w.lab.tokens.participant, w.lab.tokens.viewer]) expect((await fetch(s.url + path, { method, headers: { authorization: `Bearer ${token}` } })).status, path).toBe(200)
      expect(await call(s, method, path), `${path} without a token`).toMatchObject({ status: 401, body: { code: 'token.missing' } })
      expect(await call(s, method, path, { token: other.lab.tokens.viewer }), `${path} with another lab's token`).toMatchObject({ status: 403, body: { code: 'token.wrongLab' } })
    }
    // Nothing changed.
    expect(recordsOf(w.room.doc)).toEqual(before.records)
    expect(await s.server.storage.listCheckpoints(w.board.id)).toEqual(before.checkpoints)
    expect(await s.server.storage.listBin(w.board.id)).toEqual(before.bin)
  })

  it('unknown boards and checkpoints, and another board’s checkpoint, are 404', async () => {
    const s = await h.server({ CHECKPOINT_IDLE_MS: '3600000' })
    const w = await h.setup(s)
    const other = await h.setup(s)
    const cp = (await call(s, 'POST', `/api/boards/${other.board.id}/checkpoints`, { token: other.lab.tokens.facilitator, body: { name: 'Ailleurs' } })).body
    const token = w.lab.tokens.facilitator
    expect(await call(s, 'GET', `/api/boards/nosuchboard000/checkpoints`, { token })).toMatchObject({ status: 404, body: { code: 'board.notFound' } })
    for (const id of [cp.id, 'nosuchcheckpoint', 'bad%20id']) {
      expect(await call(s, 'GET', `/api/boards/${w.board.id}/checkpoints/${id}/state`, { token }), id).toMatchObject({ status: 404, body: { code: 'checkpoint.notFound' } })
      expect(await call(s, 'POST', `/api/boards/${w.board.id}/checkpoints/${id}/restore`, { token }), id).toMatchObject({ status: 404, body: { code: 'checkpoint.notFound' } })
    }
  })
})
