import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import BetterSqlite from 'better-sqlite3'
import { MIGRATIONS, SqliteStorage } from '../../server/persistence/SqliteStorage'
import { describeStorageContract, makeBoard, makeHashes, makeLab, replay, testId } from './storageContract'

const dirs: string[] = []
function tempDbFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fabrique-sqlite-'))
  dirs.push(dir)
  // A sub-directory that does not exist yet: the storage creates it.
  return path.join(dir, 'data', 'fabrique.db')
}

afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true })
})

describeStorageContract('SqliteStorage', () => new SqliteStorage(tempDbFile()))

describe('SqliteStorage only', () => {
  async function seeded(file: string) {
    const storage = new SqliteStorage(file)
    const lab = makeLab()
    await storage.createLab(lab, makeHashes(lab.id))
    const boards = [makeBoard(lab.id), makeBoard(lab.id), makeBoard(lab.id)]
    for (const b of boards) await storage.createBoard(b, null)
    return { storage, lab, boards }
  }

  it('keeps everything across close and reopen, including an append made just before close', async () => {
    const file = tempDbFile()
    const { storage, lab, boards } = await seeded(file)
    const board = boards[0]!
    const doc = new Y.Doc()
    const updates: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => updates.push(u))
    doc.getMap('records').set('shape:a', { id: 'shape:a', text: 'é✓' })
    doc.getMap('records').set('shape:b', { id: 'shape:b' })
    await storage.appendUpdate(board.id, updates[0]!)
    await storage.updateLab(lab.id, { activities: { evaluer: 'done' }, startDate: null }, '2026-02-01T00:00:00.000Z')
    const asset = { id: testId('asset'), boardId: board.id, contentType: 'image/png', size: 3, createdAt: '2026-01-05T00:00:00.000Z' }
    await storage.putAsset(asset, new Uint8Array([1, 2, 3]))
    // Not awaited: still queued for the next turn when close() runs.
    const pending = storage.appendUpdate(board.id, updates[1]!)
    await storage.close()
    const pendingSeq = await pending

    const reopened = new SqliteStorage(file)
    try {
      expect(await reopened.getLab(lab.id)).toEqual({ ...lab, activities: { ...lab.activities, evaluer: 'done' }, startDate: null, updatedAt: '2026-02-01T00:00:00.000Z' })
      expect(await reopened.getLabTokenHashes(lab.id)).toEqual(makeHashes(lab.id))
      expect(await reopened.listBoards(lab.id)).toEqual(boards)
      const stored = await reopened.loadUpdates(board.id)
      expect(stored.updates).toEqual(updates)
      expect(stored.lastSeq).toBe(pendingSeq)
      expect(replay(stored.updates).getMap('records').toJSON()).toEqual(doc.getMap('records').toJSON())
      expect(await reopened.getAsset(board.id, asset.id)).toEqual({ asset, data: new Uint8Array([1, 2, 3]) })
      // Sequence numbers keep growing after a reopen.
      expect(await reopened.appendUpdate(board.id, new Uint8Array([5]))).toBeGreaterThan(pendingSeq)
    } finally {
      await reopened.close()
    }
  })

  it('commits appends made in one turn, across boards, together: all resolve in the same turn with consecutive sequence numbers', async () => {
    const { storage, boards } = await seeded(tempDbFile())
    try {
      const events: string[] = []
      const appends = boards.flatMap((b, i) => [storage.appendUpdate(b.id, new Uint8Array([i, 1])), storage.appendUpdate(b.id, new Uint8Array([i, 2]))])
      appends.forEach((p, i) => void p.then(() => events.push(`append ${i}`)))
      // Queued after the appends: runs after the batch's commit only if there was one batch.
      await new Promise<void>((resolve) => setImmediate(() => {
        events.push('next turn')
        resolve()
      }))
      const seqs = await Promise.all(appends)
      expect(events.slice(0, appends.length).sort()).toEqual(appends.map((_, i) => `append ${i}`).sort())
      expect(events.at(-1)).toBe('next turn')
      expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i))
      for (const [i, b] of boards.entries()) {
        expect((await storage.loadUpdates(b.id)).updates).toEqual([new Uint8Array([i, 1]), new Uint8Array([i, 2])])
      }
    } finally {
      await storage.close()
    }
  })

  it('commits a turn’s appends all or nothing: one failing row rejects every append of the batch and stores none', async () => {
    const { storage, boards } = await seeded(tempDbFile())
    try {
      const good = storage.appendUpdate(boards[0]!.id, new Uint8Array([1]))
      // board_id is NOT NULL: this row makes the batch's transaction fail.
      const bad = storage.appendUpdate(null as unknown as string, new Uint8Array([2]))
      const alsoGood = storage.appendUpdate(boards[1]!.id, new Uint8Array([3]))
      const results = await Promise.allSettled([good, bad, alsoGood])
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected'])
      expect(await storage.countUpdates(boards[0]!.id)).toBe(0)
      expect(await storage.countUpdates(boards[1]!.id)).toBe(0)
      // The next turn's batch is independent.
      await storage.appendUpdate(boards[0]!.id, new Uint8Array([4]))
      expect((await storage.loadUpdates(boards[0]!.id)).updates).toEqual([new Uint8Array([4])])
    } finally {
      await storage.close()
    }
  })

  it('rejects an append it cannot store (closed database)', async () => {
    const { storage, boards } = await seeded(tempDbFile())
    await storage.close()
    await expect(storage.appendUpdate(boards[0]!.id, new Uint8Array([1]))).rejects.toThrow(/not open/i)
  })

  it('gives the space compaction frees back to the file system, and keeps the WAL small', async () => {
    const file = tempDbFile()
    const { storage, boards } = await seeded(file)
    const board = boards[0]!
    const doc = new Y.Doc()
    let lastSeq = 0
    for (let i = 0; i < 200; i++) {
      const before = Y.encodeStateVector(doc)
      doc.getMap('records').set('shape:x', 'y'.repeat(50_000) + i)
      lastSeq = await storage.appendUpdate(board.id, Y.encodeStateAsUpdate(doc, before))
    }
    storage.reclaimSpace()
    const size = () => fs.statSync(file).size + (fs.existsSync(file + '-wal') ? fs.statSync(file + '-wal').size : 0)
    const full = size()
    expect(full).toBeGreaterThan(8 * 1024 * 1024)
    await storage.compactUpdates(board.id, Y.encodeStateAsUpdate(doc), lastSeq)
    storage.reclaimSpace()
    expect(size()).toBeLessThan(full / 10)
    expect(replay((await storage.loadUpdates(board.id)).updates).getMap('records').get('shape:x')).toBe('y'.repeat(50_000) + 199)
    await storage.close()
  })

  it('converts a database made without incremental vacuum, keeping its content', async () => {
    const file = tempDbFile()
    fs.mkdirSync(path.dirname(file), { recursive: true })
    const Database = (await import('better-sqlite3')).default
    const old = new Database(file)
    old.pragma('auto_vacuum = NONE')
    old.exec('CREATE TABLE keep (v TEXT)')
    old.prepare('INSERT INTO keep VALUES (?)').run('toujours là')
    old.close()
    const storage = new SqliteStorage(file)
    await storage.close()
    const check = new Database(file, { readonly: true })
    expect(check.pragma('auto_vacuum', { simple: true })).toBe(2)
    expect((check.prepare('SELECT v FROM keep').get() as { v: string }).v).toBe('toujours là')
    check.close()
  })

  it('keeps board secrets across close and reopen, including those written just before close', async () => {
    const file = tempDbFile()
    const { storage, boards } = await seeded(file)
    await storage.putBoardSecrets(boards[0]!.id, [{ key: 'ballot/v1/alice', value: { 'shape:a': 2 } }])
    // Not awaited: SQLite writes it before answering, so close() finds it done.
    const pending = storage.putBoardSecrets(boards[1]!.id, [{ key: 'private/r1/bob/shape:b', value: { record: { id: 'shape:b' } } }])
    await storage.close()
    await pending
    const reopened = new SqliteStorage(file)
    try {
      expect(await reopened.listBoardSecrets(boards[0]!.id, '')).toEqual([{ key: 'ballot/v1/alice', value: { 'shape:a': 2 } }])
      expect(await reopened.listBoardSecrets(boards[1]!.id, 'private/')).toEqual([{ key: 'private/r1/bob/shape:b', value: { record: { id: 'shape:b' } } }])
    } finally {
      await reopened.close()
    }
  })

  it('keeps the server secret across close and reopen', async () => {
    const file = tempDbFile()
    const first = new SqliteStorage(file)
    const secret = Buffer.from(await first.getServerSecret())
    await first.close()
    const reopened = new SqliteStorage(file)
    expect(Buffer.from(await reopened.getServerSecret()).equals(secret)).toBe(true)
    await reopened.close()
  })

  it('migrates a database of schema version 2: its labs keep their hashes, their invitations are unknown (null) until rotated', async () => {
    const file = tempDbFile()
    fs.mkdirSync(path.dirname(file), { recursive: true })
    const old = new BetterSqlite(file)
    old.exec(MIGRATIONS[0]!)
    old.exec(MIGRATIONS[1]!)
    old.pragma('user_version = 2')
    const lab = makeLab()
    const hashes = makeHashes(lab.id)
    old
      .prepare(
        `INSERT INTO labs (id, title, theme, territory, start_date, phase, members, activities, created_at, updated_at, facilitator_hash, participant_hash, viewer_hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(lab.id, lab.title, lab.theme, lab.territory, lab.startDate, lab.phase, JSON.stringify(lab.members), JSON.stringify(lab.activities), lab.createdAt, lab.updatedAt, hashes.facilitator, hashes.participant, hashes.viewer)
    old.close()
    const storage = new SqliteStorage(file)
    expect(await storage.getLab(lab.id)).toEqual(lab)
    expect(await storage.getLabTokenHashes(lab.id)).toEqual(hashes)
    expect(await storage.getLabInvitations(lab.id)).toEqual({ participant: null, viewer: null })
    await storage.replaceLabToken(lab.id, 'participant', 'd'.repeat(64), 'nouveau')
    expect(await storage.getLabInvitations(lab.id)).toEqual({ participant: 'nouveau', viewer: null })
    expect((await storage.getServerSecret()).byteLength).toBe(32)
    await storage.close()
    const check = new BetterSqlite(file, { readonly: true })
    expect(check.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
    check.close()
  })
})
