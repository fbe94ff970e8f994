import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { PostgresStorage, type PostgresStorageOptions } from '../../server/persistence/PostgresStorage'
import { migratePostgres, POSTGRES_MIGRATIONS } from '../../server/persistence/postgres/migrations'
import { postgresUrl, requireServices } from '../support/services'
import { describeStorageContract, makeBoard, makeHashes, makeLab, replay } from './storageContract'

const postgresUp = await requireServices(['postgres'], 'the PostgreSQL tests')

describe.skipIf(!postgresUp)('PostgreSQL', () => {
  /** Creates and drops the tests' schemas; never used by a storage under test. */
  let admin: pg.Pool
  const schemas: string[] = []

  beforeAll(() => {
    admin = new pg.Pool({ connectionString: postgresUrl(), max: 2 })
  })
  afterAll(async () => {
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await admin.end()
  })

  /** A fresh, empty schema of its own, dropped after the file's tests. */
  async function freshSchema(): Promise<string> {
    const schema = `fabrique_test_${randomBytes(6).toString('hex')}`
    schemas.push(schema)
    await admin.query(`CREATE SCHEMA ${schema}`)
    return schema
  }

  async function openIn(schema: string, options: PostgresStorageOptions = {}): Promise<PostgresStorage> {
    return PostgresStorage.open(postgresUrl(), { schema, ...options })
  }

  describeStorageContract('PostgresStorage', async () => openIn(await freshSchema()))

  describe('PostgresStorage only', () => {
    /** A pool on `schema` for looking at tables directly. */
    function poolIn(schema: string): pg.Pool {
      return new pg.Pool({ connectionString: postgresUrl(), max: 2, options: `-c search_path=${schema}` })
    }

    async function seededBoard(storage: PostgresStorage) {
      const lab = makeLab()
      await storage.createLab(lab, makeHashes(lab.id))
      const board = makeBoard(lab.id)
      await storage.createBoard(board, null)
      return { lab, board }
    }

    it('migrates once: a second open, or running the migrations again, changes nothing and keeps the data', async () => {
      const schema = await freshSchema()
      const first = await openIn(schema)
      const { lab, board } = await seededBoard(first)
      const seq = await first.appendUpdate(board.id, new Uint8Array([1, 2]))
      await first.close()
      const pool = poolIn(schema)
      try {
        expect(await migratePostgres(pool)).toEqual([])
        const { rows } = await pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')
        expect(rows.map((r) => r.version)).toEqual(POSTGRES_MIGRATIONS.map((_, i) => i + 1))
      } finally {
        await pool.end()
      }
      const again = await openIn(schema)
      try {
        expect(await again.getLab(lab.id)).toEqual(lab)
        expect(await again.loadUpdates(board.id)).toEqual({ updates: [new Uint8Array([1, 2])], lastSeq: seq })
        expect(await again.appendUpdate(board.id, new Uint8Array([3]))).toBeGreaterThan(seq)
      } finally {
        await again.close()
      }
    })

    it('instances starting together on an empty schema: one migrates, the others wait and find it done', async () => {
      const schema = await freshSchema()
      const pools = [poolIn(schema), poolIn(schema), poolIn(schema)]
      try {
        const applied = await Promise.all(pools.map((pool) => migratePostgres(pool)))
        expect(applied.flat()).toEqual(POSTGRES_MIGRATIONS.map((_, i) => i + 1))
        expect(applied.filter((versions) => versions.length > 0)).toHaveLength(1)
      } finally {
        await Promise.all(pools.map((pool) => pool.end()))
      }
      // And through open(): both storages come up on another empty schema, and work.
      const other = await freshSchema()
      const [a, b] = await Promise.all([openIn(other), openIn(other)])
      try {
        const { lab } = await seededBoard(a)
        expect(await b.getLab(lab.id)).toEqual(lab)
      } finally {
        await Promise.all([a.close(), b.close()])
      }
    })

    it('a failed migration leaves the schema as it was; open() says why it could not open', async () => {
      const schema = await freshSchema()
      const pool = poolIn(schema)
      try {
        await expect(migratePostgres(pool, ['CREATE TABLE kept (v int)', 'CREATE TABLE broken (v nosuchtype)'])).rejects.toThrow(/nosuchtype/)
        const { rows } = await pool.query("SELECT table_name FROM information_schema.tables WHERE table_schema = $1", [schema])
        expect(rows).toEqual([])
      } finally {
        await pool.end()
      }
      await expect(PostgresStorage.open(postgresUrl(), { schema: 'fabrique_test_nosuchschema' })).rejects.toThrow(/^PostgresStorage\.open: /)
      await expect(PostgresStorage.open(postgresUrl(), { schema: 'bad schema; DROP TABLE labs' })).rejects.toThrow(/not a plain schema name/)
      // Nothing listens on port 1: refused at once, said, and no pool left open.
      await expect(PostgresStorage.open('postgres://127.0.0.1:1/test')).rejects.toThrow(/^PostgresStorage\.open: .*ECONNREFUSED/)
    })

    it('two instances appending to one board at once: numbers are 1, 2, 3… in commit order, and reading on from any number seen never misses a row', async () => {
      const schema = await freshSchema()
      const [a, b, reader] = await Promise.all([openIn(schema), openIn(schema), openIn(schema)])
      try {
        const { board } = await seededBoard(a)
        const PER_WRITER = 100
        // Each writer appends as a room does, one at a time, both at once.
        const write = async (storage: PostgresStorage, name: string) => {
          const seqs: number[] = []
          for (let i = 0; i < PER_WRITER; i++) seqs.push(await storage.appendUpdate(board.id, Buffer.from(`${name}${i}`)))
          return seqs
        }
        // A third instance follows the log from the last number it saw, as one catching up would.
        const seen: string[] = []
        let marker = 0
        let writing = true
        const follow = async () => {
          while (writing) {
            const { updates, lastSeq } = await reader.loadUpdatesSince(board.id, marker)
            expect(lastSeq).toBeGreaterThanOrEqual(marker)
            for (const u of updates) seen.push(Buffer.from(u).toString())
            marker = lastSeq
          }
        }
        const following = follow()
        const [seqsA, seqsB] = await Promise.all([write(a, 'a'), write(b, 'b')])
        writing = false
        await following
        const rest = await reader.loadUpdatesSince(board.id, marker)
        for (const u of rest.updates) seen.push(Buffer.from(u).toString())

        const all = [...seqsA!, ...seqsB!]
        expect(new Set(all).size).toBe(2 * PER_WRITER)
        // No gaps: after the board's first row (its creation left none here), every number once.
        expect([...all].sort((x, y) => x - y)).toEqual(Array.from({ length: 2 * PER_WRITER }, (_, i) => i + 1))
        for (const seqs of [seqsA!, seqsB!]) expect(seqs).toEqual([...seqs].sort((x, y) => x - y))
        // The follower got every row exactly once, though it never read the whole log again.
        const expected = Array.from({ length: PER_WRITER }, (_, i) => [`a${i}`, `b${i}`]).flat().sort()
        expect([...seen].sort()).toEqual(expected)
        const stored = await reader.loadUpdates(board.id)
        expect(stored.lastSeq).toBe(Math.max(...all))
        expect(stored.updates.map((u) => Buffer.from(u).toString())).toEqual(seen)
      } finally {
        await Promise.all([a.close(), b.close(), reader.close()])
      }
    })

    it('compaction by one instance while another appends loses nothing: the log replays to every edit of both', async () => {
      const schema = await freshSchema()
      const [a, b] = await Promise.all([openIn(schema), openIn(schema)])
      try {
        const { board } = await seededBoard(a)
        // Instance A: a client's edits, appended one at a time.
        const docA = new Y.Doc()
        const editsA = (async () => {
          for (let i = 0; i < 150; i++) {
            const before = Y.encodeStateVector(docA)
            docA.getMap('records').set(`shape:a${i}`, { id: `shape:a${i}`, i })
            await a.appendUpdate(board.id, Y.encodeStateAsUpdate(docA, before))
          }
        })()
        // Instance B: its own edits, following the log, and compacting through what it merged.
        const docB = new Y.Doc()
        let merged = 0
        let compactions = 0
        const catchUp = async () => {
          const { updates, lastSeq } = await b.loadUpdatesSince(board.id, merged)
          for (const u of updates) Y.applyUpdate(docB, u)
          merged = lastSeq
        }
        for (let i = 0; i < 30; i++) {
          const before = Y.encodeStateVector(docB)
          docB.getMap('records').set(`shape:b${i}`, { id: `shape:b${i}`, i })
          await b.appendUpdate(board.id, Y.encodeStateAsUpdate(docB, before))
          await catchUp()
          if (i % 3 === 2) {
            await b.compactUpdates(board.id, Y.encodeStateAsUpdate(docB), merged)
            compactions++
          }
        }
        await editsA
        await catchUp()
        await b.compactUpdates(board.id, Y.encodeStateAsUpdate(docB), merged)

        const expected = { ...docA.getMap('records').toJSON(), ...docB.getMap('records').toJSON() }
        expect(Object.keys(expected)).toHaveLength(180)
        expect(compactions).toBe(10)
        expect(replay((await a.loadUpdates(board.id)).updates).getMap('records').toJSON()).toEqual(expected)
        expect(docB.getMap('records').toJSON()).toEqual(expected)
        // The last compaction came after every append: one snapshot is left.
        expect(await a.countUpdates(board.id)).toBe(1)
      } finally {
        await Promise.all([a.close(), b.close()])
      }
    })

    it('instances share what they write at once: the server secret, a rotated token, a renamed board', async () => {
      const schema = await freshSchema()
      const [a, b] = await Promise.all([openIn(schema), openIn(schema)])
      try {
        const [secretA, secretB] = await Promise.all([a.getServerSecret(), b.getServerSecret()])
        expect(Buffer.from(secretA).equals(Buffer.from(secretB))).toBe(true)
        const { lab, board } = await seededBoard(a)
        expect(await b.getLabTokenHashes(lab.id)).toEqual(makeHashes(lab.id))
        expect(await b.getBoard(board.id)).toEqual(board)
        await a.replaceLabToken(lab.id, 'participant', 'd'.repeat(64), 'nouveau')
        await a.updateBoard(board.id, { title: 'Renommé' }, '2026-02-01T00:00:00.000Z')
        expect((await b.getLabTokenHashes(lab.id))!.participant).toBe('d'.repeat(64))
        expect((await b.getBoard(board.id))!.title).toBe('Renommé')
      } finally {
        await Promise.all([a.close(), b.close()])
      }
    })

    it('keeps activity states two instances merge at the same time', async () => {
      const schema = await freshSchema()
      const [a, b] = await Promise.all([openIn(schema), openIn(schema)])
      try {
        const lab = makeLab({ activities: {} })
        await a.createLab(lab, makeHashes(lab.id))
        const activities = ['detecter', 'mobiliser', 'evaluer', 'diagnostiquer', 'ideer', 'prototyper'] as const
        await Promise.all(activities.map((id, i) => (i % 2 ? a : b).updateLab(lab.id, { activities: { [id]: 'done' } }, '2026-02-01T00:00:00.000Z')))
        expect(Object.keys((await a.getLab(lab.id))!.activities).sort()).toEqual([...activities].sort())
      } finally {
        await Promise.all([a.close(), b.close()])
      }
    })

    it('close() commits the appends already made, then ends every connection of its pool', async () => {
      const schema = await freshSchema()
      const applicationName = `fabrique_test_${randomBytes(4).toString('hex')}`
      const storage = await openIn(schema, { applicationName, maxConnections: 3 })
      const { board } = await seededBoard(storage)
      const connections = async () =>
        Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [applicationName])).rows[0]!.n)
      await Promise.all([storage.getBoard(board.id), storage.listBoards(board.labId), storage.countUpdates(board.id)])
      expect(await connections()).toBeGreaterThan(0)
      // Not awaited: still to be committed when close() is called.
      const pending = [storage.appendUpdate(board.id, new Uint8Array([1])), storage.appendUpdate(board.id, new Uint8Array([2]))]
      await storage.close()
      const seqs = await Promise.all(pending)
      await expect(storage.appendUpdate(board.id, new Uint8Array([3]))).rejects.toThrow(/closed/)
      await expect(storage.getBoard(board.id)).rejects.toThrow()
      // The server notices a connection's end a moment after the client.
      for (let i = 0; i < 40 && (await connections()) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50))
      expect(await connections()).toBe(0)
      const reopened = await openIn(schema)
      try {
        expect(await reopened.loadUpdates(board.id)).toEqual({ updates: [new Uint8Array([1]), new Uint8Array([2])], lastSeq: seqs[1] })
      } finally {
        await reopened.close()
      }
    })

    it('rejects the appends of a batch it could not store, and stores the next ones', async () => {
      const schema = await freshSchema()
      const storage = await openIn(schema)
      const pool = poolIn(schema)
      try {
        const { board } = await seededBoard(storage)
        await pool.query("ALTER TABLE board_updates ADD CONSTRAINT no_empty CHECK (length(data) > 0) NOT VALID")
        const results = await Promise.allSettled([storage.appendUpdate(board.id, new Uint8Array([1])), storage.appendUpdate(board.id, new Uint8Array([]))])
        expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
        expect(await storage.countUpdates(board.id)).toBe(0)
        const seq = await storage.appendUpdate(board.id, new Uint8Array([2]))
        expect(await storage.loadUpdates(board.id)).toEqual({ updates: [new Uint8Array([2])], lastSeq: seq })
      } finally {
        await pool.end()
        await storage.close()
      }
    })
  })
})
