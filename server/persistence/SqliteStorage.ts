import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import type { BoardPatch, NewBoardAssets } from './Storage'
import { applyBoardPatch } from './applyBoardPatch'
import { randomBytes } from 'node:crypto'
import { RowCache } from './RowCache'
import type { Board, Lab, LabInvitations } from '../../shared/lab'
import type { Role } from '../../shared/roles'
import type { Phase } from '../../shared/phases'
import type { UpdateLabInput } from '../../shared/validation'
import { applyLabPatch } from './applyLabPatch'
import type { Identity } from '../../shared/identity'
import { globPrefix, secretJson } from './boardSecrets'
import type { BinEntry, BoardSecret, LabTokenHashes, Storage, StoredAsset, StoredCheckpoint, StoredIdentity, StoredUpdates } from './Storage'
import { binEntryFromRow, checkpointFromRow, type BinRow, type CheckpointRow } from './historyRows'

/** The WAL is truncated to this after each checkpoint. */
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024
/**
 * Pages the WAL may hold before a commit copies them into the database (SQLite's default is
 * 1,000). Appends rewrite the same index pages again and again: a longer WAL copies each once
 * per checkpoint, not once per thousand frames (under load: 6 checkpoints and their fsyncs in
 * 15 s instead of 65, 7,000 fewer writes).
 */
const WAL_CHECKPOINT_PAGES = 8000

/** Schema migrations, applied in order; the index + 1 is the schema version (`user_version`). */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE labs (
     id TEXT PRIMARY KEY,
     title TEXT NOT NULL,
     theme TEXT NOT NULL DEFAULT '',
     territory TEXT NOT NULL DEFAULT '',
     start_date TEXT,
     phase TEXT NOT NULL,
     members TEXT NOT NULL DEFAULT '[]',
     activities TEXT NOT NULL DEFAULT '{}',
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     facilitator_hash TEXT NOT NULL,
     participant_hash TEXT NOT NULL,
     viewer_hash TEXT NOT NULL
   );
   CREATE TABLE boards (
     id TEXT PRIMARY KEY,
     lab_id TEXT NOT NULL REFERENCES labs(id),
     title TEXT NOT NULL,
     phase TEXT NOT NULL,
     template TEXT,
     created_at TEXT NOT NULL
   );
   CREATE INDEX boards_by_lab ON boards(lab_id, created_at);
   CREATE TABLE board_updates (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     board_id TEXT NOT NULL,
     data BLOB NOT NULL
   );
   CREATE INDEX board_updates_by_board ON board_updates(board_id, seq);
   CREATE TABLE assets (
     board_id TEXT NOT NULL,
     id TEXT NOT NULL,
     content_type TEXT NOT NULL,
     size INTEGER NOT NULL,
     data BLOB NOT NULL,
     created_at TEXT NOT NULL,
     PRIMARY KEY (board_id, id)
   );`,
  `CREATE TABLE identities (
     id TEXT PRIMARY KEY,
     lab_id TEXT NOT NULL REFERENCES labs(id),
     name TEXT NOT NULL,
     color TEXT NOT NULL,
     secret_hash TEXT NOT NULL,
     created_at TEXT NOT NULL
   );`,
  // 3: the invitation links' secrets, readable again by facilitators (null for labs made
  // before: unknown until rotated); the server's signing key (tickets, image grants).
  `ALTER TABLE labs ADD COLUMN participant_token TEXT;
   ALTER TABLE labs ADD COLUMN viewer_token TEXT;
   CREATE TABLE settings (
     key TEXT PRIMARY KEY,
     value BLOB NOT NULL
   );`,
  // 4: board state kept out of the document (ballots, private notes before their reveal), as
  // JSON text under keys the workshop chooses.
  `CREATE TABLE board_secrets (
     board_id TEXT NOT NULL REFERENCES boards(id),
     key TEXT NOT NULL,
     value TEXT NOT NULL,
     PRIMARY KEY (board_id, key)
   ) WITHOUT ROWID;`,
  // 5: history — checkpoints of a board (a whole state each, compressed; the images it points
  // to, so they are not reclaimed), and the bin of records deleted from it (put back by a
  // facilitator within the retention). People are JSON ({id, name}), as they were named then.
  // Not WITHOUT ROWID: a checkpoint's state is a large blob, better kept out of the key's b-tree.
  `CREATE TABLE checkpoints (
     board_id TEXT NOT NULL REFERENCES boards(id),
     id TEXT NOT NULL,
     kind TEXT NOT NULL,
     name TEXT,
     created_at TEXT NOT NULL,
     created_by TEXT,
     contributors TEXT NOT NULL DEFAULT '[]',
     asset_ids TEXT NOT NULL DEFAULT '[]',
     state BLOB NOT NULL,
     state_bytes INTEGER NOT NULL,
     PRIMARY KEY (board_id, id)
   );
   CREATE INDEX checkpoints_by_time ON checkpoints(board_id, created_at);
   CREATE TABLE board_bin (
     board_id TEXT NOT NULL REFERENCES boards(id),
     record_id TEXT NOT NULL,
     batch TEXT NOT NULL,
     record TEXT NOT NULL,
     deleted_at TEXT NOT NULL,
     deleted_by TEXT,
     PRIMARY KEY (board_id, record_id)
   ) WITHOUT ROWID;
   CREATE INDEX board_bin_by_time ON board_bin(deleted_at);`,
  // 6: board management — archived boards (kept, hidden from the journey), deleted boards (in
  // the lab's bin until a facilitator empties it), last change of the board's own fields.
  `ALTER TABLE boards ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE boards ADD COLUMN deleted_at TEXT;
   ALTER TABLE boards ADD COLUMN updated_at TEXT;`,
]

/** Key of the server's signing key in `settings`. */
const SERVER_SECRET_KEY = 'server_secret'

interface LabRow {
  id: string
  title: string
  theme: string
  territory: string
  start_date: string | null
  phase: string
  members: string
  activities: string
  created_at: string
  updated_at: string
}

interface BoardRow {
  id: string
  lab_id: string
  title: string
  phase: string
  template: string | null
  created_at: string
  archived: number
  deleted_at: string | null
  updated_at: string | null
}

function labFromRow(row: LabRow): Lab {
  return {
    id: row.id,
    title: row.title,
    theme: row.theme,
    territory: row.territory,
    startDate: row.start_date,
    phase: row.phase as Phase,
    members: JSON.parse(row.members),
    activities: JSON.parse(row.activities),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

function boardFromRow(row: BoardRow): Board {
  return {
    id: row.id,
    labId: row.lab_id,
    title: row.title,
    phase: row.phase as Phase,
    template: row.template,
    createdAt: row.created_at,
    // Boards made before schema 6 have no updated_at: never changed since created.
    updatedAt: row.updated_at ?? row.created_at,
    archived: row.archived === 1,
    deletedAt: row.deleted_at,
  }
}

interface IdentityRow {
  id: string
  lab_id: string
  name: string
  color: string
  secret_hash: string
  created_at: string
}

function identityFromRow(row: IdentityRow): StoredIdentity {
  return { id: row.id, labId: row.lab_id, name: row.name, color: row.color, secretHash: row.secret_hash, createdAt: row.created_at }
}

interface PendingAppend {
  boardId: string
  update: Uint8Array
  resolve: (seq: number) => void
  reject: (err: unknown) => void
}

/**
 * Storage in one SQLite file (`<dataDir>/fabrique.db`, WAL). Appends made within one task —
 * across all boards, see `FlushScheduler` — are committed in a single transaction.
 */
export class SqliteStorage implements Storage {
  private readonly db: Database.Database
  private readonly stmt
  private pending: PendingAppend[] = []
  private flushScheduled = false
  private vacuumTimer: NodeJS.Timeout | null = null
  /** Read on every upgrade and API call; an entry is dropped whenever its row is written (updateBoard, emptyBin, replaceLabToken). */
  private readonly boards = new RowCache<Board>()
  private readonly tokenHashes = new RowCache<LabTokenHashes>()

  constructor(file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true })
    this.db = new Database(file)
    // Before WAL: SQLite cannot change auto_vacuum in WAL mode.
    this.useIncrementalVacuum()
    this.db.pragma('journal_mode = WAL')
    // NORMAL in WAL mode: a commit survives a crash of the process; only a power loss can
    // roll back the last transactions.
    this.db.pragma('synchronous = NORMAL')
    this.db.pragma('foreign_keys = ON')
    // Boards are read once when loaded, then only appended to; but every append touches its
    // board's index page, and with 512 KiB (128 pages) sixty busy boards did not fit: 16,700
    // pages read back in 15 s of the bench's load; 5,800 with 4 MiB.
    this.db.pragma('cache_size = -4096')
    // After a checkpoint, the WAL file is cut back to this size (it never stays at its peak).
    this.db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`)
    this.db.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`)
    this.migrate()
    const db = this.db
    this.stmt = {
      insertLab: db.prepare(`INSERT INTO labs (id, title, theme, territory, start_date, phase, members, activities, created_at, updated_at, facilitator_hash, participant_hash, viewer_hash, participant_token, viewer_token)
        VALUES (@id, @title, @theme, @territory, @startDate, @phase, @members, @activities, @createdAt, @updatedAt, @facilitator, @participant, @viewer, @participantToken, @viewerToken)`),
      getInvitations: db.prepare<[string], LabInvitations>('SELECT participant_token AS participant, viewer_token AS viewer FROM labs WHERE id = ?'),
      replaceFacilitatorToken: db.prepare('UPDATE labs SET facilitator_hash = ? WHERE id = ?'),
      replaceParticipantToken: db.prepare('UPDATE labs SET participant_hash = ?, participant_token = ? WHERE id = ?'),
      replaceViewerToken: db.prepare('UPDATE labs SET viewer_hash = ?, viewer_token = ? WHERE id = ?'),
      insertSetting: db.prepare('INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)'),
      getSetting: db.prepare<[string], { value: Buffer }>('SELECT value FROM settings WHERE key = ?'),
      getLab: db.prepare<[string], LabRow>('SELECT * FROM labs WHERE id = ?'),
      getHashes: db.prepare<[string], LabTokenHashes>('SELECT facilitator_hash AS facilitator, participant_hash AS participant, viewer_hash AS viewer FROM labs WHERE id = ?'),
      updateLab: db.prepare(`UPDATE labs SET title = @title, theme = @theme, territory = @territory, start_date = @startDate, phase = @phase,
        members = @members, activities = @activities, updated_at = @updatedAt WHERE id = @id`),
      insertBoard: db.prepare(`INSERT INTO boards (id, lab_id, title, phase, template, created_at, updated_at, archived, deleted_at)
        VALUES (@id, @labId, @title, @phase, @template, @createdAt, @updatedAt, @archived, @deletedAt)`),
      getBoard: db.prepare<[string], BoardRow>('SELECT * FROM boards WHERE id = ?'),
      listBoards: db.prepare<[string], BoardRow>('SELECT * FROM boards WHERE lab_id = ? AND deleted_at IS NULL ORDER BY created_at, id'),
      listDeletedBoards: db.prepare<[string], BoardRow>('SELECT * FROM boards WHERE lab_id = ? AND deleted_at IS NOT NULL ORDER BY deleted_at DESC, id'),
      updateBoard: db.prepare('UPDATE boards SET title = @title, phase = @phase, archived = @archived, deleted_at = @deletedAt, updated_at = @updatedAt WHERE id = @id'),
      copyAsset: db.prepare(`INSERT INTO assets (board_id, id, content_type, size, data, created_at)
        SELECT @toBoardId, id, content_type, size, data, @createdAt FROM assets WHERE board_id = @fromBoardId AND id = @assetId`),
      // Everything kept per board, children first (the foreign keys point at boards).
      purgeBoard: [
        'DELETE FROM board_updates WHERE board_id = ?',
        'DELETE FROM assets WHERE board_id = ?',
        'DELETE FROM checkpoints WHERE board_id = ?',
        'DELETE FROM board_bin WHERE board_id = ?',
        'DELETE FROM board_secrets WHERE board_id = ?',
        'DELETE FROM boards WHERE id = ?',
      ].map((sql) => db.prepare<[string]>(sql)),
      loadUpdates: db.prepare<[string], { seq: number; data: Buffer }>('SELECT seq, data FROM board_updates WHERE board_id = ? ORDER BY seq'),
      loadUpdatesSince: db.prepare<[string, number], { seq: number; data: Buffer }>('SELECT seq, data FROM board_updates WHERE board_id = ? AND seq > ? ORDER BY seq'),
      appendUpdate: db.prepare('INSERT INTO board_updates (board_id, data) VALUES (?, ?)'),
      insertUpdateAt: db.prepare('INSERT INTO board_updates (seq, board_id, data) VALUES (?, ?, ?)'),
      newestSeqThrough: db.prepare<[string, number], { seq: number | null }>('SELECT MAX(seq) AS seq FROM board_updates WHERE board_id = ? AND seq <= ?'),
      deleteUpdatesThrough: db.prepare('DELETE FROM board_updates WHERE board_id = ? AND seq <= ?'),
      countUpdates: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM board_updates WHERE board_id = ?'),
      insertIdentity: db.prepare('INSERT INTO identities (id, lab_id, name, color, secret_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
      getIdentity: db.prepare<[string], IdentityRow>('SELECT * FROM identities WHERE id = ?'),
      updateIdentity: db.prepare('UPDATE identities SET name = ?, color = ? WHERE id = ?'),
      putAsset: db.prepare('INSERT OR REPLACE INTO assets (board_id, id, content_type, size, data, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
      getAsset: db.prepare<[string, string], { id: string; board_id: string; content_type: string; size: number; data: Buffer; created_at: string }>(
        'SELECT * FROM assets WHERE board_id = ? AND id = ?',
      ),
      listAssets: db.prepare<[string], { id: string; board_id: string; content_type: string; size: number; created_at: string }>(
        'SELECT id, board_id, content_type, size, created_at FROM assets WHERE board_id = ? ORDER BY created_at, id',
      ),
      deleteAsset: db.prepare('DELETE FROM assets WHERE board_id = ? AND id = ?'),
      labAssetBytes: db.prepare<[string], { n: number | null }>('SELECT SUM(a.size) AS n FROM assets a JOIN boards b ON b.id = a.board_id WHERE b.lab_id = ?'),
      putSecret: db.prepare('INSERT INTO board_secrets (board_id, key, value) VALUES (?, ?, ?) ON CONFLICT (board_id, key) DO UPDATE SET value = excluded.value'),
      deleteSecret: db.prepare('DELETE FROM board_secrets WHERE board_id = ? AND key = ?'),
      // GLOB with a literal prefix: case-sensitive, and it uses the primary key's index.
      listSecrets: db.prepare<[string, string], { key: string; value: string }>('SELECT key, value FROM board_secrets WHERE board_id = ? AND key GLOB ? ORDER BY key'),
      deleteSecrets: db.prepare('DELETE FROM board_secrets WHERE board_id = ? AND key GLOB ?'),
      putCheckpoint: db.prepare(`INSERT INTO checkpoints (board_id, id, kind, name, created_at, created_by, contributors, asset_ids, state, state_bytes)
        VALUES (@boardId, @id, @kind, @name, @createdAt, @createdBy, @contributors, @assetIds, @state, @bytes)`),
      listCheckpoints: db.prepare<[string], CheckpointRow>(
        'SELECT board_id, id, kind, name, created_at, created_by, contributors, asset_ids, state_bytes FROM checkpoints WHERE board_id = ? ORDER BY created_at DESC, id DESC',
      ),
      getCheckpoint: db.prepare<[string, string], CheckpointRow & { state: Buffer }>('SELECT * FROM checkpoints WHERE board_id = ? AND id = ?'),
      deleteCheckpoint: db.prepare('DELETE FROM checkpoints WHERE board_id = ? AND id = ?'),
      putInBin: db.prepare(`INSERT INTO board_bin (board_id, record_id, batch, record, deleted_at, deleted_by) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (board_id, record_id) DO UPDATE SET batch = excluded.batch, record = excluded.record, deleted_at = excluded.deleted_at, deleted_by = excluded.deleted_by`),
      listBin: db.prepare<[string, string], BinRow>(
        'SELECT record_id, batch, record, deleted_at, deleted_by FROM board_bin WHERE board_id = ? AND deleted_at >= ? ORDER BY deleted_at DESC, batch DESC, record_id',
      ),
      removeFromBin: db.prepare('DELETE FROM board_bin WHERE board_id = ? AND record_id = ?'),
      purgeBin: db.prepare('DELETE FROM board_bin WHERE deleted_at < ?'),
    }
  }

  /**
   * Space freed by compaction goes back to the file system (incremental vacuum), instead of
   * staying in the file for ever. A database made before this setting is converted once.
   */
  private useIncrementalVacuum(): void {
    const INCREMENTAL = 2
    if (this.db.pragma('auto_vacuum', { simple: true }) === INCREMENTAL) return
    this.db.pragma('journal_mode = DELETE')
    this.db.pragma('auto_vacuum = INCREMENTAL')
    // A new, empty database takes the setting as is; an existing one needs one VACUUM.
    const tables = (this.db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n
    if (tables > 0) this.db.exec('VACUUM')
  }

  /** Soon (coalesced): returns free pages to the file system and truncates the WAL. */
  private scheduleVacuum(): void {
    if (this.vacuumTimer) return
    this.vacuumTimer = setTimeout(() => {
      this.vacuumTimer = null
      this.reclaimSpace()
    }, 1000)
    this.vacuumTimer.unref()
  }

  /** Returns free pages to the file system and checkpoints the WAL back to its limit. */
  reclaimSpace(): void {
    if (!this.db.open) return
    this.db.exec('PRAGMA incremental_vacuum')
    this.db.pragma('wal_checkpoint(TRUNCATE)')
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]!)
        this.db.pragma(`user_version = ${v + 1}`)
      })()
    }
  }

  async createLab(lab: Lab, tokens: LabTokenHashes, invitations: LabInvitations = { participant: null, viewer: null }): Promise<void> {
    this.stmt.insertLab.run({
      ...lab,
      members: JSON.stringify(lab.members),
      activities: JSON.stringify(lab.activities),
      ...tokens,
      participantToken: invitations.participant,
      viewerToken: invitations.viewer,
    })
  }

  async getLabInvitations(labId: string): Promise<LabInvitations | null> {
    return this.stmt.getInvitations.get(labId) ?? null
  }

  async replaceLabToken(labId: string, role: Role, tokenHash: string, invitation: string | null): Promise<boolean> {
    this.tokenHashes.delete(labId)
    if (role === 'facilitator') {
      if (invitation !== null) throw new Error('SqliteStorage.replaceLabToken: the facilitator token is never stored')
      return this.stmt.replaceFacilitatorToken.run(tokenHash, labId).changes > 0
    }
    const statement = role === 'participant' ? this.stmt.replaceParticipantToken : this.stmt.replaceViewerToken
    return statement.run(tokenHash, invitation, labId).changes > 0
  }

  async getServerSecret(): Promise<Uint8Array> {
    // INSERT OR IGNORE: the first writer wins, every process then reads the same key.
    let row = this.stmt.getSetting.get(SERVER_SECRET_KEY)
    if (!row) {
      this.stmt.insertSetting.run(SERVER_SECRET_KEY, randomBytes(32))
      row = this.stmt.getSetting.get(SERVER_SECRET_KEY)!
    }
    return new Uint8Array(row.value)
  }

  async getLab(labId: string): Promise<Lab | null> {
    const row = this.stmt.getLab.get(labId)
    return row ? labFromRow(row) : null
  }

  async getLabTokenHashes(labId: string): Promise<LabTokenHashes | null> {
    const cached = this.tokenHashes.get(labId)
    if (cached) return { ...cached }
    const row = this.stmt.getHashes.get(labId)
    if (!row) return null
    this.tokenHashes.set(labId, { ...row })
    return row
  }

  async updateLab(labId: string, patch: UpdateLabInput, updatedAt: string): Promise<Lab | null> {
    return this.db.transaction(() => {
      const row = this.stmt.getLab.get(labId)
      if (!row) return null
      const lab = applyLabPatch(labFromRow(row), patch, updatedAt)
      this.stmt.updateLab.run({ ...lab, members: JSON.stringify(lab.members), activities: JSON.stringify(lab.activities) })
      return lab
    })()
  }

  async createBoard(board: Board, initialUpdate: Uint8Array | null, assets: NewBoardAssets = {}): Promise<void> {
    this.db.transaction(() => {
      this.stmt.insertBoard.run({ ...board, archived: board.archived ? 1 : 0 })
      if (initialUpdate) this.stmt.appendUpdate.run(board.id, initialUpdate)
      for (const { asset, data } of assets.add ?? []) {
        if (asset.boardId !== board.id) throw new Error(`SqliteStorage.createBoard: image ${asset.id} belongs to board ${asset.boardId}, not ${board.id}`)
        this.stmt.putAsset.run(board.id, asset.id, asset.contentType, asset.size, data, asset.createdAt)
      }
      if (assets.copy) {
        const { fromBoardId, assetIds, createdAt } = assets.copy
        for (const assetId of assetIds) this.stmt.copyAsset.run({ toBoardId: board.id, fromBoardId, assetId, createdAt })
      }
    })()
  }

  async getBoard(boardId: string, options: { includeDeleted?: boolean } = {}): Promise<Board | null> {
    let board = this.boards.get(boardId)
    if (!board) {
      const row = this.stmt.getBoard.get(boardId)
      if (!row) return null
      board = boardFromRow(row)
      this.boards.set(boardId, board)
    }
    return board.deletedAt !== null && !options.includeDeleted ? null : { ...board }
  }

  async listBoards(labId: string): Promise<Board[]> {
    return this.stmt.listBoards.all(labId).map(boardFromRow)
  }

  async listDeletedBoards(labId: string): Promise<Board[]> {
    return this.stmt.listDeletedBoards.all(labId).map(boardFromRow)
  }

  async updateBoard(boardId: string, patch: BoardPatch, updatedAt: string): Promise<Board | null> {
    this.boards.delete(boardId)
    return this.db.transaction(() => {
      const row = this.stmt.getBoard.get(boardId)
      if (!row) return null
      const board = applyBoardPatch(boardFromRow(row), patch, updatedAt)
      this.stmt.updateBoard.run({ id: boardId, title: board.title, phase: board.phase, archived: board.archived ? 1 : 0, deletedAt: board.deletedAt, updatedAt })
      return board
    })()
  }

  async emptyBin(labId: string): Promise<string[]> {
    const ids = this.db.transaction(() => {
      const binned = this.stmt.listDeletedBoards.all(labId).map((row) => row.id)
      for (const id of binned) for (const statement of this.stmt.purgeBoard) statement.run(id)
      return binned
    })()
    for (const id of ids) this.boards.delete(id)
    if (ids.length > 0) this.scheduleVacuum()
    return ids
  }

  async loadUpdates(boardId: string): Promise<StoredUpdates> {
    const rows = this.stmt.loadUpdates.all(boardId)
    return { updates: rows.map((r) => new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength)), lastSeq: rows.at(-1)?.seq ?? 0 }
  }

  async loadUpdatesSince(boardId: string, afterSeq: number): Promise<StoredUpdates> {
    const rows = this.stmt.loadUpdatesSince.all(boardId, afterSeq)
    return { updates: rows.map((r) => new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength)), lastSeq: rows.at(-1)?.seq ?? afterSeq }
  }

  appendUpdate(boardId: string, update: Uint8Array): Promise<number> {
    return new Promise((resolve, reject) => {
      this.pending.push({ boardId, update, resolve, reject })
      if (!this.flushScheduled) {
        this.flushScheduled = true
        // A microtask: appends made in the same task (all rooms flushing together) share one
        // transaction, and none waits for another turn of the event loop.
        queueMicrotask(this.flushAppends)
      }
    })
  }

  private readonly flushAppends = (): void => {
    this.flushScheduled = false
    const batch = this.pending
    this.pending = []
    let seqs: number[]
    try {
      seqs = this.db.transaction(() => batch.map((p) => Number(this.stmt.appendUpdate.run(p.boardId, p.update).lastInsertRowid)))()
    } catch (err) {
      for (const p of batch) p.reject(err)
      return
    }
    batch.forEach((p, i) => p.resolve(seqs[i]!))
  }

  async compactUpdates(boardId: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    this.db.transaction(() => {
      // The snapshot takes the place of the newest row it replaces (see Storage.compactUpdates).
      const { seq } = this.stmt.newestSeqThrough.get(boardId, throughSeq)!
      this.stmt.deleteUpdatesThrough.run(boardId, throughSeq)
      if (seq !== null) this.stmt.insertUpdateAt.run(seq, boardId, snapshot)
    })()
    this.scheduleVacuum()
  }

  async countUpdates(boardId: string): Promise<number> {
    return this.stmt.countUpdates.get(boardId)!.n
  }

  async createIdentity(identity: StoredIdentity): Promise<void> {
    this.stmt.insertIdentity.run(identity.id, identity.labId, identity.name, identity.color, identity.secretHash, identity.createdAt)
  }

  async getIdentity(identityId: string): Promise<StoredIdentity | null> {
    const row = this.stmt.getIdentity.get(identityId)
    return row ? identityFromRow(row) : null
  }

  async updateIdentity(identityId: string, patch: Partial<Identity>): Promise<StoredIdentity | null> {
    return this.db.transaction(() => {
      const row = this.stmt.getIdentity.get(identityId)
      if (!row) return null
      const next = { ...identityFromRow(row), ...(patch.name !== undefined && { name: patch.name }), ...(patch.color !== undefined && { color: patch.color }) }
      this.stmt.updateIdentity.run(next.name, next.color, identityId)
      return next
    })()
  }

  async putAsset(asset: StoredAsset, data: Uint8Array): Promise<void> {
    this.stmt.putAsset.run(asset.boardId, asset.id, asset.contentType, asset.size, data, asset.createdAt)
  }

  async getAsset(boardId: string, assetId: string): Promise<{ asset: StoredAsset; data: Uint8Array } | null> {
    const row = this.stmt.getAsset.get(boardId, assetId)
    if (!row) return null
    return {
      asset: { id: row.id, boardId: row.board_id, contentType: row.content_type, size: row.size, createdAt: row.created_at },
      data: new Uint8Array(row.data.buffer, row.data.byteOffset, row.data.byteLength),
    }
  }

  async listAssets(boardId: string): Promise<StoredAsset[]> {
    return this.stmt.listAssets.all(boardId).map((row) => ({ id: row.id, boardId: row.board_id, contentType: row.content_type, size: row.size, createdAt: row.created_at }))
  }

  async deleteAssets(boardId: string, assetIds: readonly string[]): Promise<void> {
    this.db.transaction(() => {
      for (const id of assetIds) this.stmt.deleteAsset.run(boardId, id)
    })()
    this.scheduleVacuum()
  }

  async labAssetBytes(labId: string): Promise<number> {
    return this.stmt.labAssetBytes.get(labId)?.n ?? 0
  }

  async putBoardSecrets(boardId: string, entries: readonly BoardSecret[]): Promise<void> {
    const encoded = entries.map(({ key, value }) => ({ key, json: secretJson(key, value) }))
    this.db.transaction(() => {
      // The foreign key refuses puts only: a batch of deletions is refused the same way.
      if (!this.boards.get(boardId) && !this.stmt.getBoard.get(boardId)) throw new Error(`SqliteStorage.putBoardSecrets: board ${boardId} not found`)
      for (const { key, json } of encoded) {
        if (json === null) this.stmt.deleteSecret.run(boardId, key)
        else this.stmt.putSecret.run(boardId, key, json)
      }
    })()
  }

  async listBoardSecrets(boardId: string, prefix: string): Promise<BoardSecret[]> {
    return this.stmt.listSecrets.all(boardId, globPrefix(prefix)).map((row) => ({ key: row.key, value: JSON.parse(row.value) }))
  }

  async deleteBoardSecrets(boardId: string, prefix: string): Promise<number> {
    return this.stmt.deleteSecrets.run(boardId, globPrefix(prefix)).changes
  }

  async putCheckpoint(checkpoint: StoredCheckpoint, state: Uint8Array): Promise<void> {
    this.stmt.putCheckpoint.run({
      boardId: checkpoint.boardId,
      id: checkpoint.id,
      kind: checkpoint.kind,
      name: checkpoint.name,
      createdAt: checkpoint.createdAt,
      createdBy: checkpoint.createdBy ? JSON.stringify(checkpoint.createdBy) : null,
      contributors: JSON.stringify(checkpoint.contributors),
      assetIds: JSON.stringify(checkpoint.assetIds),
      state,
      bytes: checkpoint.bytes,
    })
  }

  async listCheckpoints(boardId: string): Promise<StoredCheckpoint[]> {
    return this.stmt.listCheckpoints.all(boardId).map(checkpointFromRow)
  }

  async getCheckpoint(boardId: string, checkpointId: string): Promise<{ checkpoint: StoredCheckpoint; state: Uint8Array } | null> {
    const row = this.stmt.getCheckpoint.get(boardId, checkpointId)
    if (!row) return null
    return { checkpoint: checkpointFromRow(row), state: new Uint8Array(row.state.buffer, row.state.byteOffset, row.state.byteLength) }
  }

  async deleteCheckpoints(boardId: string, checkpointIds: readonly string[]): Promise<number> {
    const deleted = this.db.transaction(() => checkpointIds.reduce((n, id) => n + this.stmt.deleteCheckpoint.run(boardId, id).changes, 0))()
    if (deleted > 0) this.scheduleVacuum()
    return deleted
  }

  async putInBin(boardId: string, entries: readonly BinEntry[]): Promise<void> {
    const rows = entries.map((e) => [boardId, e.recordId, e.batch, JSON.stringify(e.record), e.deletedAt, e.deletedBy ? JSON.stringify(e.deletedBy) : null] as const)
    this.db.transaction(() => {
      for (const row of rows) this.stmt.putInBin.run(...row)
    })()
  }

  async listBin(boardId: string, since = ''): Promise<BinEntry[]> {
    return this.stmt.listBin.all(boardId, since).map(binEntryFromRow)
  }

  async removeFromBin(boardId: string, recordIds: readonly string[]): Promise<number> {
    return this.db.transaction(() => recordIds.reduce((n, id) => n + this.stmt.removeFromBin.run(boardId, id).changes, 0))()
  }

  async purgeBin(before: string): Promise<number> {
    const purged = this.stmt.purgeBin.run(before).changes
    if (purged > 0) this.scheduleVacuum()
    return purged
  }

  async close(): Promise<void> {
    if (this.vacuumTimer) clearTimeout(this.vacuumTimer)
    this.vacuumTimer = null
    if (this.pending.length) this.flushAppends()
    this.db.close()
  }
}
