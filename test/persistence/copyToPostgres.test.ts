import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { loadConfig } from '../../server/config'
import { FabriqueServer } from '../../server/FabriqueServer'
import { createLogger } from '../../server/logger'
import { copySqliteToPostgres, type CopyOptions } from '../../server/persistence/copy/copySqliteToPostgres'
import { CopyInputError } from '../../server/persistence/copy/CopyInputError'
import { PostgresStorage } from '../../server/persistence/PostgresStorage'
import { SqliteStorage } from '../../server/persistence/SqliteStorage'
import type { Storage } from '../../server/persistence/Storage'
import { getRecordsMap, getSessionMap, type StoredRecord } from '../../shared/boardDoc'
import { BoardSessionKey } from '../../shared/boardSession'
import type { ActiveVote } from '../../shared/workshop/votes'
import type { Board, CreatedLab, LabView } from '../../shared/lab'
import { commandChannel, hello, issueIdentity } from '../support/commands'
import { freshPostgresSchema } from '../support/instances'
import { connect, waitFor, waitSynced } from '../support/providers'
import { note } from '../support/records'
import { postgresUrl, requireServices } from '../support/services'
import { api, createLabAndBoard, makeDataDir, startServer } from '../support/testServer'

const postgresUp = await requireServices(['postgres'], 'the SQLite → PostgreSQL copy tests')

/** A real 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64')

const ROOT = path.resolve(import.meta.dirname, '../..')

type Person = Awaited<ReturnType<typeof issueIdentity>>

/** What the SQLite server was left holding, and what its clients kept (a ticket, an image cookie). */
interface Fixture {
  dataDir: string
  lab: CreatedLab
  /** The workshop's board: notes by two people, compacted, an image, a named checkpoint, a bin entry, a ballot. */
  board: Board
  ideas: Board
  archived: Board
  binned: Board
  other: { lab: CreatedLab; board: Board }
  fatou: Person
  alice: Person
  asset: { id: string; src: string }
  /** The image cookie the SQLite server gave a viewer (signed with its key). */
  cookie: string
  /** A sync ticket issued by the SQLite server to Alice, not yet spent. */
  ticket: string
}

const recordsOf = (doc: Y.Doc) => getRecordsMap(doc).toJSON() as Record<string, StoredRecord>

function write(doc: Y.Doc, records: StoredRecord[], remove: string[] = []): void {
  const map = getRecordsMap(doc)
  Y.transact(doc, () => {
    for (const id of remove) map.delete(id)
    for (const r of records) map.set(r.id, r)
  })
}

/** The board's records replayed from a storage's log. */
async function storedRecords(storage: Storage, boardId: string): Promise<Record<string, StoredRecord>> {
  const doc = new Y.Doc()
  for (const update of (await storage.loadUpdates(boardId)).updates) Y.applyUpdate(doc, update)
  return recordsOf(doc)
}

/**
 * Runs the real server on SQLite in a new DATA_DIR and uses it as a lab would, through the API
 * and stock y-websocket clients, then stops it.
 */
async function buildDataDir(): Promise<Fixture> {
  // Compaction after a few rows: the log holds a snapshot, and SQLite's row numbers have gaps.
  const s = await startServer({ CHECKPOINT_IDLE_MS: '3600000', COMPACT_AFTER_UPDATES: '8', SYNC_TICKET_TTL_MS: '3600000' })
  const providers: WebsocketProvider[] = []
  const client = (boardId: string, token: string, person?: Person) => {
    const c = connect(s.wsUrl, boardId, token, new Y.Doc(), { identity: person?.credential })
    providers.push(c.provider)
    return c
  }
  try {
    const { lab, board } = await createLabAndBoard(s.url, { title: 'Atelier mobilité' })
    const newBoard = async (title: string) => (await api<Board>(s.url, 'POST', `/api/labs/${lab.id}/boards`, { title }, lab.tokens.facilitator)).body
    const ideas = await newBoard('Idées « en vrac » 🌱')
    const archived = await newBoard('Archives 2024')
    const binned = await newBoard('Brouillon')
    const other = await createLabAndBoard(s.url, { title: 'Autre labo, autre atelier' })
    const fatou = await issueIdentity(s.url, lab.id, lab.tokens.facilitator, 'Fatou')
    const alice = await issueIdentity(s.url, lab.id, lab.tokens.participant, 'Alice')
    const byAlice = (id: string, text: string) => note(id, text, { meta: { author: alice.identity.id } })

    const facilitator = client(board.id, lab.tokens.facilitator, fatou)
    const participant = client(board.id, lab.tokens.participant, alice)
    const onIdeas = client(ideas.id, lab.tokens.participant, alice)
    const onBinned = client(binned.id, lab.tokens.facilitator, fatou)
    const onOther = client(other.board.id, other.lab.tokens.facilitator)
    await Promise.all(providers.map(waitSynced))
    const room = await s.server.rooms.getRoom(board.id)
    const ideasRoom = await s.server.rooms.getRoom(ideas.id)
    // Two boards written in turn: SQLite numbers their rows in one sequence, interleaved.
    for (let n = 0; n < 12; n++) {
      write(participant.doc, [byAlice(`idea${n}`, `Idée ${n} : covoiturage, vélo, bus de nuit`)])
      write(onIdeas.doc, [byAlice(`loose${n}`, `En vrac ${n}`)])
      await waitFor(() => getRecordsMap(room.doc).has(`shape:idea${n}`) && getRecordsMap(ideasRoom.doc).has(`shape:loose${n}`), `note ${n} on the server`)
    }
    write(facilitator.doc, [note('instructions', 'Consigne : trois idées chacun', { meta: { author: fatou.identity.id } })])
    write(onBinned.doc, [note('draft', 'Brouillon à jeter', { meta: { author: fatou.identity.id } })])
    write(onOther.doc, [note('elsewhere', 'Un autre labo')])
    // Alice deletes one of her notes: it goes to the board's bin.
    write(participant.doc, [], ['shape:idea3'])
    await waitFor(async () => (await s.server.storage.listBin(board.id)).length > 0, 'the deleted note in the bin')

    const uploaded = await fetch(`${s.url}/api/boards/${board.id}/assets`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', authorization: `Bearer ${lab.tokens.participant}` },
      body: new Uint8Array(PNG),
    })
    expect(uploaded.status).toBe(201)
    const asset = (await uploaded.json()) as { id: string; src: string }
    const opened = await fetch(`${s.url}/api/boards/${board.id}`, { headers: { authorization: `Bearer ${lab.tokens.viewer}` } })
    const cookie = opened.headers.get('set-cookie')!.split(';')[0]!

    const checkpoint = await fetch(`${s.url}/api/boards/${board.id}/checkpoints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${lab.tokens.facilitator}`, 'x-fabrique-identity': fatou.credential },
      body: JSON.stringify({ name: 'Fin de l’atelier du 12 mars' }),
    })
    expect(checkpoint.status).toBe(201)

    // A dot vote left open: Alice's ballot is kept out of the document, in the board's secrets.
    const facilitatorCommands = commandChannel(facilitator.provider)
    const aliceCommands = commandChannel(participant.provider)
    await hello(facilitatorCommands)
    await hello(aliceCommands)
    await facilitatorCommands.ok({ type: 'vote.open', title: 'Quelles pistes ?', scope: { kind: 'board' }, dotsPerPerson: 3, onePerNote: false, anonymous: false })
    const voteId = await waitForVote(room.doc)
    await aliceCommands.ok({ type: 'vote.cast', voteId, noteId: 'shape:idea1' })
    await waitFor(async () => (await s.server.storage.listBoardSecrets(board.id, '')).length > 0, 'the ballot kept')

    const ticket = await fetch(`${s.url}/api/boards/${board.id}/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${lab.tokens.participant}`, 'x-fabrique-identity': alice.credential },
      body: '{}',
    })
    expect(ticket.status).toBe(201)

    expect((await api(s.url, 'PATCH', `/api/boards/${archived.id}`, { archived: true }, lab.tokens.facilitator)).status).toBe(200)
    for (const p of providers.splice(0)) p.destroy()
    expect((await api(s.url, 'DELETE', `/api/boards/${binned.id}`, undefined, lab.tokens.facilitator)).status).toBe(200)
    return { dataDir: s.dataDir, lab, board, ideas, archived, binned, other, fatou, alice, asset, cookie, ticket: ((await ticket.json()) as { ticket: string }).ticket }
  } finally {
    for (const p of providers) p.destroy()
    await s.stop()
  }
}

async function waitForVote(doc: Y.Doc): Promise<string> {
  let id: string | undefined
  await waitFor(() => {
    id = (getSessionMap(doc).get(BoardSessionKey.vote) as ActiveVote | undefined)?.id
    return id !== undefined
  }, 'the vote open')
  return id!
}

/** Runs the command as a person would (`tsx scripts/copyToPostgres.ts …`), with only the environment given. */
function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['scripts/copyToPostgres.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', ...(process.env.PGUSER && { PGUSER: process.env.PGUSER }), ...(process.env.USER && { USER: process.env.USER }), ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c) => (stdout += c))
    child.stderr.on('data', (c) => (stderr += c))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** Every board id of a lab, those in its bin included, as a storage lists them. */
async function boardIdsOf(storage: Storage, labId: string): Promise<string[]> {
  return [...(await storage.listBoards(labId)), ...(await storage.listDeletedBoards(labId))].map((b) => b.id)
}

const bytes = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength)

describe.skipIf(!postgresUp)('copying a SQLite DATA_DIR into PostgreSQL (npm run copy-to-postgres)', () => {
  let fixture: Fixture
  const schemas: Awaited<ReturnType<typeof freshPostgresSchema>>[] = []
  let admin: pg.Pool

  beforeAll(async () => {
    admin = new pg.Pool({ connectionString: postgresUrl(), max: 2 })
    fixture = await buildDataDir()
  })
  afterAll(async () => {
    for (const s of schemas) await s.drop()
    await admin?.end()
    if (fixture) fs.rmSync(fixture.dataDir, { recursive: true, force: true })
  })

  async function schema(): Promise<string> {
    const fresh = await freshPostgresSchema()
    schemas.push(fresh)
    return fresh.schema
  }

  const copy = (schema: string, options: Partial<CopyOptions> = {}) => copySqliteToPostgres({ dataDir: fixture.dataDir, databaseUrl: postgresUrl(), schema, ...options })
  const flags = (schema: string) => ['--data-dir', fixture.dataDir, '--database-url', postgresUrl(), '--schema', schema]
  const allBoards = () => [fixture.board, fixture.ideas, fixture.archived, fixture.binned, fixture.other.board]

  /** Each table of a schema, as text, in order: equal before and after means nothing was written. */
  async function contents(schema: string): Promise<Record<string, string>> {
    const { rows } = await admin.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name', [schema])
    const out: Record<string, string> = {}
    for (const { table_name: table } of rows) {
      const dump = await admin.query<{ rows: string | null }>(`SELECT string_agg(t::text, E'\\n' ORDER BY t::text) AS rows FROM ${schema}.${table} t`)
      out[table] = dump.rows[0]!.rows ?? ''
    }
    return out
  }

  async function withStorages<T>(schema: string, work: (sqlite: SqliteStorage, postgres: PostgresStorage) => Promise<T>): Promise<T> {
    const sqlite = new SqliteStorage(path.join(fixture.dataDir, 'fabrique.db'))
    const postgres = await PostgresStorage.open(postgresUrl(), { schema, maxConnections: 2 })
    try {
      return await work(sqlite, postgres)
    } finally {
      await sqlite.close()
      await postgres.close()
    }
  }

  it('copies every lab, identity and board (archived and binned ones too) with its log, images, checkpoints, bin and secrets; both backends read back the same', async () => {
    const target = await schema()
    const started = performance.now()
    const report = await copy(target)
    const ms = performance.now() - started
    const rows = report.boards.reduce((n, b) => n + b.counts.rows, 0)
    const total = report.boards.reduce((n, b) => n + b.counts.bytes, 0)
    console.info(`copy of the test DATA_DIR: ${report.labs.length} labs, ${report.boards.length} boards, ${rows} update rows, ${total} bytes in ${ms.toFixed(0)} ms (verification included)`)

    expect(report.ok).toBe(true)
    expect(report.settings).toEqual([{ key: 'server_secret', action: 'copied' }])
    expect(report.labs.map((l) => [l.labId, l.action, l.boards])).toEqual([
      [fixture.lab.id, 'copied', 4],
      [fixture.other.lab.id, 'copied', 1],
    ])
    expect(report.labs[0]!.identities).toEqual({ total: 2, copied: 2 })
    expect(new Set(report.boards.map((b) => b.boardId))).toEqual(new Set(allBoards().map((b) => b.id)))
    for (const b of report.boards) {
      expect(b, b.title).toMatchObject({ action: 'copied', ok: true, stateEqual: true, postgresChecksum: b.checksum, postgresCounts: b.counts, differences: [] })
      expect(b.checksum).toMatch(/^[0-9a-f]{64}$/)
    }
    const main = report.boards.find((b) => b.boardId === fixture.board.id)!
    expect(main.counts).toMatchObject({ assets: 1, bin: 1, secrets: 1 })
    expect(main.counts.checkpoints).toBeGreaterThanOrEqual(1)

    await withStorages(target, async (sqlite, postgres) => {
      expect(await postgres.getServerSecret()).toEqual(await sqlite.getServerSecret())
      for (const labId of [fixture.lab.id, fixture.other.lab.id]) {
        expect(await postgres.getLab(labId)).toEqual(await sqlite.getLab(labId))
        expect(await postgres.getLabTokenHashes(labId)).toEqual(await sqlite.getLabTokenHashes(labId))
        expect(await postgres.getLabInvitations(labId)).toEqual(await sqlite.getLabInvitations(labId))
        expect(await postgres.listBoards(labId)).toEqual(await sqlite.listBoards(labId))
        expect(await postgres.listDeletedBoards(labId)).toEqual(await sqlite.listDeletedBoards(labId))
        expect(await postgres.labAssetBytes(labId)).toBe(await sqlite.labAssetBytes(labId))
      }
      for (const person of [fixture.fatou, fixture.alice]) expect(await postgres.getIdentity(person.identity.id)).toEqual(await sqlite.getIdentity(person.identity.id))
      expect((await sqlite.listDeletedBoards(fixture.lab.id)).map((b) => b.id)).toEqual([fixture.binned.id])
      expect((await postgres.getBoard(fixture.archived.id))!.archived).toBe(true)

      for (const labId of [fixture.lab.id, fixture.other.lab.id]) {
        for (const boardId of await boardIdsOf(sqlite, labId)) {
          expect(await postgres.getBoard(boardId, { includeDeleted: true })).toEqual(await sqlite.getBoard(boardId, { includeDeleted: true }))
          const ours = await sqlite.loadUpdates(boardId)
          const theirs = await postgres.loadUpdates(boardId)
          expect(theirs.updates.map(bytes)).toEqual(ours.updates.map(bytes))
          // PostgreSQL numbers the board's rows 1..n; SQLite's numbers run across boards.
          expect(theirs.lastSeq).toBe(ours.updates.length)
          expect(await postgres.loadUpdatesSince(boardId, theirs.lastSeq - 1)).toMatchObject({ lastSeq: theirs.lastSeq, updates: [theirs.updates.at(-1)] })
          expect(await storedRecords(postgres, boardId)).toEqual(await storedRecords(sqlite, boardId))
          expect(await postgres.listAssets(boardId)).toEqual(await sqlite.listAssets(boardId))
          for (const asset of await sqlite.listAssets(boardId)) {
            const [a, b] = [await sqlite.getAsset(boardId, asset.id), await postgres.getAsset(boardId, asset.id)]
            expect(b!.asset).toEqual(a!.asset)
            expect(bytes(b!.data)).toEqual(bytes(a!.data))
          }
          expect(await postgres.listCheckpoints(boardId)).toEqual(await sqlite.listCheckpoints(boardId))
          for (const checkpoint of await sqlite.listCheckpoints(boardId)) {
            const [a, b] = [await sqlite.getCheckpoint(boardId, checkpoint.id), await postgres.getCheckpoint(boardId, checkpoint.id)]
            expect(b!.checkpoint).toEqual(a!.checkpoint)
            expect(bytes(b!.state)).toEqual(bytes(a!.state))
          }
          expect(await postgres.listBin(boardId)).toEqual(await sqlite.listBin(boardId))
          expect(await postgres.listBoardSecrets(boardId, '')).toEqual(await sqlite.listBoardSecrets(boardId, ''))
        }
      }
      // The data was what a real lab leaves: SQLite's rows of the workshop's board are not numbered 1..n.
      const main = await sqlite.loadUpdates(fixture.board.id)
      expect(main.lastSeq).toBeGreaterThan(main.updates.length)
      expect((await sqlite.listCheckpoints(fixture.board.id)).map((c) => c.kind)).toContain('named')
      expect((await sqlite.listBin(fixture.board.id)).map((e) => e.recordId)).toEqual(['shape:idea3'])
      expect(await storedRecords(postgres, fixture.board.id)).toHaveProperty(['shape:idea11'])
    })
  })

  it('run again (from DATA_DIR and DATABASE_URL): writes nothing, says every board is already copied, exits 0; --verify-only says the same', async () => {
    const target = await schema()
    await copy(target)
    const before = await contents(target)
    const run = await cli(['--schema', target], { DATA_DIR: fixture.dataDir, DATABASE_URL: postgresUrl() })
    console.info(`second run of npm run copy-to-postgres:\n${run.stdout}`)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Already copied: PostgreSQL held everything of the SQLite database, equal; nothing written.')
    expect(run.stdout).toContain('5 boards: 5 ok, 0 DIFF — copied 0, already copied 5, conflicts 0; settings: server_secret already copied')
    for (const board of allBoards()) expect(run.stdout).toMatch(new RegExp(`^${board.id} .* already copied  ok$`, 'm'))
    expect(run.stdout).toMatch(new RegExp(`^lab ${fixture.lab.id} "Labo test": already copied, 4 boards$`, 'm'))
    expect(await contents(target)).toEqual(before)

    const verified = await cli(['--verify-only', ...flags(target)])
    expect(verified.code).toBe(0)
    expect(verified.stdout).toContain('Verified: PostgreSQL holds everything of the SQLite database, equal.')
    expect(await contents(target)).toEqual(before)
  })

  it('--verify-only before any copy: every board missing, exit 1, and not even a table created', async () => {
    const target = await schema()
    const run = await cli(['--verify-only', ...flags(target)])
    expect(run.code).toBe(1)
    for (const board of allBoards()) expect(run.stdout).toMatch(new RegExp(`^${board.id} .* missing +DIFF$`, 'm'))
    expect(run.stdout).toContain('run the command without --verify-only to copy it')
    expect(await contents(target)).toEqual({})
  })

  it('a run stopped midway leaves whole labs only, and the next run goes on from there', async () => {
    const target = await schema()
    // Stopped while the second lab's board is being written: its transaction never commits.
    const stopped = copy(target, {
      onProgress(event) {
        if (event.type === 'board compared' && event.labId === fixture.other.lab.id) throw new Error('killed')
      },
    })
    await expect(stopped).rejects.toThrow(`copy of lab ${fixture.other.lab.id} failed, nothing of it written (the labs before it are copied: run again to go on): killed`)
    await withStorages(target, async (sqlite, postgres) => {
      expect(await postgres.getLab(fixture.lab.id)).toEqual(await sqlite.getLab(fixture.lab.id))
      expect(await postgres.listBoards(fixture.lab.id)).toHaveLength(3)
      expect(await postgres.getLab(fixture.other.lab.id)).toBeNull()
      expect(await postgres.getBoard(fixture.other.board.id, { includeDeleted: true })).toBeNull()
      expect(await postgres.countUpdates(fixture.other.board.id)).toBe(0)
    })
    const resumed = await copy(target)
    expect(resumed.ok).toBe(true)
    expect(resumed.labs.map((l) => l.action)).toEqual(['already copied', 'copied'])
    expect(resumed.boards.map((b) => [b.boardId, b.action])).toEqual(
      resumed.boards.map((b) => [b.boardId, b.boardId === fixture.other.board.id ? 'copied' : 'already copied']),
    )
  })

  it('a Fabrique server on the copy serves the boards as they were, to the old tokens, identities, tickets and image cookies; new edits follow the copied rows', async () => {
    const target = await schema()
    await copy(target)
    const expected = await withStorages(target, async (sqlite) => storedRecords(sqlite, fixture.board.id))
    const dataDir = makeDataDir()
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      LABS_PER_HOUR_PER_ADDRESS: '1000000',
      API_WRITES_PER_MINUTE_PER_ADDRESS: '1000000',
      CONNECTIONS_PER_MINUTE_PER_ADDRESS: '1000000',
      CHECKPOINT_IDLE_MS: '3600000',
      DATABASE_URL: postgresUrl(),
    })
    const storage = await PostgresStorage.open(postgresUrl(), { schema: target, maxConnections: 4 })
    const server = new FabriqueServer({ config, logger: createLogger(config.logLevel), storage })
    const port = await server.listen()
    const url = `http://127.0.0.1:${port}`
    const wsUrl = `ws://127.0.0.1:${port}/sync`
    const providers: WebsocketProvider[] = []
    try {
      const { lab, board, fatou, alice } = fixture
      const labView = await api<LabView>(url, 'GET', `/api/labs/${lab.id}`, undefined, lab.tokens.facilitator)
      expect(labView.status).toBe(200)
      expect(labView.body).toMatchObject({ role: 'facilitator', lab: { id: lab.id, title: 'Labo test' }, invitations: { participant: lab.tokens.participant, viewer: lab.tokens.viewer } })
      expect(labView.body.boards.map((b) => b.id).sort()).toEqual([board.id, fixture.ideas.id, fixture.archived.id].sort())

      const facilitator = connect(wsUrl, board.id, lab.tokens.facilitator, new Y.Doc(), { identity: fatou.credential })
      providers.push(facilitator.provider)
      await waitSynced(facilitator.provider)
      expect(recordsOf(facilitator.doc)).toEqual(expected)
      expect(Object.keys(expected)).toContain('shape:instructions')

      // The ticket the SQLite server issued is signed with the key copied: this server takes it.
      const byTicket = new WebsocketProvider(wsUrl, board.id, new Y.Doc(), {
        params: { ticket: fixture.ticket },
        WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
        disableBc: true,
      })
      byTicket.messageHandlers[2] = () => {}
      providers.push(byTicket)
      await waitSynced(byTicket)
      expect(recordsOf(byTicket.doc)).toEqual(expected)

      const image = await fetch(url + fixture.asset.src, { headers: { cookie: fixture.cookie } })
      expect(image.status).toBe(200)
      expect(Buffer.from(await image.arrayBuffer())).toEqual(PNG)

      // Fatou's identity (its secret's hash was copied) is recognised: the checkpoint is hers.
      const named = await fetch(`${url}/api/boards/${board.id}/checkpoints`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${lab.tokens.facilitator}`, 'x-fabrique-identity': fatou.credential },
        body: JSON.stringify({ name: 'Après le passage à PostgreSQL' }),
      })
      expect(named.status).toBe(201)
      expect(await named.json()).toMatchObject({ createdBy: { id: fatou.identity.id, name: 'Fatou' } })

      // Alice writes: the board's rows go on from the copied ones (n + 1), none refused.
      const copiedRows = (await storage.loadUpdates(board.id)).lastSeq
      const participant = connect(wsUrl, board.id, lab.tokens.participant, new Y.Doc(), { identity: alice.credential })
      providers.push(participant.provider)
      await waitSynced(participant.provider)
      write(participant.doc, [note('after', 'Écrit sur PostgreSQL', { meta: { author: alice.identity.id } })])
      await waitFor(async () => (await storedRecords(storage, board.id))['shape:after'] !== undefined, 'the new note in PostgreSQL')
      const after = await storage.loadUpdates(board.id)
      expect(after.lastSeq).toBeGreaterThan(copiedRows)
      await waitFor(() => recordsOf(facilitator.doc)['shape:after'] !== undefined, 'the new note at Fatou’s')
    } finally {
      for (const p of providers) p.destroy()
      await server.stop()
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it('a board changed in PostgreSQL since the copy is reported as a conflict, not overwritten; exit 1 with what to do', async () => {
    const target = await schema()
    const first = await copy(target)
    const rows = first.boards.find((b) => b.boardId === fixture.board.id)!.counts.rows
    const storage = await PostgresStorage.open(postgresUrl(), { schema: target, maxConnections: 2 })
    const extra = (() => {
      const doc = new Y.Doc()
      getRecordsMap(doc).set('shape:pg', note('pg', 'Ajouté sur PostgreSQL'))
      return Y.encodeStateAsUpdate(doc)
    })()
    try {
      expect(await storage.appendUpdate(fixture.board.id, extra)).toBe(rows + 1)
      await storage.updateBoard(fixture.ideas.id, { title: 'Idées triées' }, new Date().toISOString())
    } finally {
      await storage.close()
    }
    const before = await contents(target)

    const run = await cli(flags(target))
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(new RegExp(`^${fixture.board.id} .* conflict +DIFF$`, 'm'))
    expect(run.stdout).toContain(`DIFF ${fixture.board.id} "Atelier mobilité" (conflict): PostgreSQL has 1 update row more than SQLite (edited there after the copy)`)
    expect(run.stdout).toContain(`DIFF ${fixture.ideas.id} "Idées « en vrac » 🌱" (conflict): board fields differ: title, updated_at`)
    for (const board of [fixture.archived, fixture.binned, fixture.other.board]) expect(run.stdout).toMatch(new RegExp(`^${board.id} .* already copied +ok$`, 'm'))
    expect(run.stdout).toContain('Conflicts are never overwritten: PostgreSQL keeps its version')
    expect(run.stdout).toContain("To take SQLite's version of a board instead, delete that board from PostgreSQL")
    expect(await contents(target)).toEqual(before)
    await withStorages(target, async (_, postgres) => {
      const log = await postgres.loadUpdates(fixture.board.id)
      expect(log.lastSeq).toBe(rows + 1)
      expect(bytes(log.updates.at(-1)!)).toEqual(bytes(extra))
      expect((await postgres.getBoard(fixture.ideas.id))!.title).toBe('Idées triées')
    })
  })

  it('bad input — no data directory, not a Fabrique database, PostgreSQL unreachable, no such schema, no URL — exits 2 with a clear message and writes nothing', async () => {
    const target = await schema()
    const empty = makeDataDir()
    const garbage = makeDataDir()
    fs.writeFileSync(path.join(garbage, 'fabrique.db'), 'these are not the bytes of a database'.repeat(200))
    const foreign = makeDataDir()
    const db = new Database(path.join(foreign, 'fabrique.db'))
    db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)')
    db.close()
    try {
      const url = postgresUrl()
      // As a person runs it: the exit code and the message.
      const cases: [string[], Record<string, string>, RegExp][] = [
        [['--data-dir', path.join(empty, 'nowhere'), '--database-url', url, '--schema', target], {}, /no data directory at .*nowhere: give the DATA_DIR of the Fabrique server to copy .*\nNothing was written\./],
        [['--data-dir', fixture.dataDir, '--database-url', 'postgres://127.0.0.1:1/test', '--schema', target], {}, /cannot connect to PostgreSQL at postgres:\/\/.*127\.0\.0\.1:1\/test: .*ECONNREFUSED.*\nNothing was written\./],
        [['--data-dir', fixture.dataDir, '--schema', target], {}, /no PostgreSQL to copy into: give --database-url or set DATABASE_URL/],
        [['--data-dir', fixture.dataDir, '--database-url', url, '--schema', target, '--overwrite'], {}, /Unknown option '--overwrite'/],
      ]
      const runs = await Promise.all(cases.map(([args, env]) => cli(args, env)))
      runs.forEach((run, i) => {
        const [args, , message] = cases[i]!
        expect(run.code, args.join(' ')).toBe(2)
        expect(run.stderr, args.join(' ')).toMatch(message)
        expect(run.stdout, args.join(' ')).toBe('')
      })
      // The others through the function the command calls (each a CopyInputError: exit 2).
      const refusals: [Partial<CopyOptions>, RegExp][] = [
        [{ dataDir: empty }, /no Fabrique database in .* \(fabrique\.db is missing\): is it the server's DATA_DIR\?/],
        [{ dataDir: path.join(empty, 'nowhere') }, /no data directory at/],
        [{ dataDir: garbage }, /fabrique\.db is not a Fabrique database: file is not a database/],
        [{ dataDir: foreign }, /fabrique\.db is not a Fabrique database \(schema version 0, no labs, boards, board_updates, assets table\)/],
        [{ schema: 'no_such_schema' }, /schema no_such_schema does not exist in .*: create it first \(CREATE SCHEMA no_such_schema\)/],
        [{ schema: 'Bad-Name' }, /"Bad-Name" is not a plain schema name/],
        [{ databaseUrl: 'fabrique' }, /the database URL is not a URL/],
        [{ databaseUrl: 'mysql://127.0.0.1/test' }, /mysql:\/\/127\.0\.0\.1\/test is not a PostgreSQL URL/],
      ]
      for (const [options, message] of refusals) {
        const refused = copy(target, { verifyOnly: false, ...options })
        await expect(refused, JSON.stringify(options)).rejects.toThrow(CopyInputError)
        await expect(refused, JSON.stringify(options)).rejects.toThrow(message)
      }
      expect(await contents(target)).toEqual({})
    } finally {
      for (const dir of [empty, garbage, foreign]) fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
