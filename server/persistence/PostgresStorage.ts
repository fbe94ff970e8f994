import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { Pool, PoolClient } from 'pg'
import type { Board, Lab, LabInvitations } from '../../shared/lab'
import type { Identity } from '../../shared/identity'
import type { Role } from '../../shared/roles'
import type { UpdateLabInput } from '../../shared/validation'
import type { Logger } from '../logger'
import { applyBoardPatch } from './applyBoardPatch'
import { applyLabPatch } from './applyLabPatch'
import { secretJson } from './boardSecrets'
import { binEntryFromRow, checkpointFromRow, type BinRow, type CheckpointRow } from './historyRows'
import { BOARD_LOG_LOCK } from './postgres/advisoryLocks'
import { withDefaultUser } from './postgres/connectionString'
import { inTransaction } from './postgres/inTransaction'
import { migratePostgres } from './postgres/migrations'
import { assetFromRow, boardFromRow, identityFromRow, labFromRow, likePrefix, ownBytes, type AssetRow, type BigintText, type BoardRow, type IdentityRow, type LabRow } from './postgres/rows'
import type {
  BinEntry,
  BoardPatch,
  BoardSecret,
  LabTokenHashes,
  NewBoardAssets,
  Storage,
  StoredAsset,
  StoredCheckpoint,
  StoredIdentity,
  StoredUpdates,
} from './Storage'

/** Options of {@link PostgresStorage.open}. */
export interface PostgresStorageOptions {
  /** Connections the pool opens at most (default 10). */
  maxConnections?: number
  /**
   * The schema holding Fabrique's tables (its `search_path`): an existing schema, its name in
   * lower case. Default: the connection's own (`public` unless the role or the URL says otherwise).
   */
  schema?: string
  /** Shown as `application_name` in `pg_stat_activity` (default `fabrique`): name each instance to tell them apart. */
  applicationName?: string
  /** Where a connection that broke while idle in the pool is reported (the pool replaces it). */
  logger?: Pick<Logger, 'warn'>
}

/** Key of the server's signing key in `settings`. */
const SERVER_SECRET_KEY = 'server_secret'

/** Lower case: `search_path` folds unquoted names to lower case, as SQL does. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/

/**
 * Appends rows to a board's log in one statement: the board's head row gives the next numbers
 * (1, 2, 3… without gaps) and stays locked until the commit, so a board's rows are numbered in
 * commit order whichever instance writes them (an `UPDATE` that waited re-reads the committed
 * head). `$2` is the rows, numbered in the order given.
 */
const APPEND = `WITH head AS (
    INSERT INTO board_log_heads AS h (board_id, last_seq) VALUES ($1::text, cardinality($2::bytea[]))
    ON CONFLICT (board_id) DO UPDATE SET last_seq = h.last_seq + cardinality($2::bytea[])
    RETURNING last_seq)
  INSERT INTO board_updates (board_id, seq, data)
  SELECT $1::text, head.last_seq - cardinality($2::bytea[]) + u.n, u.data FROM head, unnest($2::bytea[]) WITH ORDINALITY AS u(data, n)
  RETURNING seq`

const asBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength)

interface PendingAppend {
  update: Uint8Array
  resolve: (seq: number) => void
  reject: (err: unknown) => void
}

/** A board's appends waiting for their turn: one transaction per board at a time. */
interface BoardAppends {
  pending: PendingAppend[]
  draining: Promise<void>
}

/**
 * Storage on PostgreSQL, for several Fabrique instances sharing the same boards. Same contract
 * as {@link SqliteStorage} (`test/persistence/storageContract.ts`); what several writers add:
 *
 * - A board's rows are numbered 1, 2, 3… without gaps, in commit order (the board's head row
 *   in `board_log_heads`, locked by each append until its commit), so {@link loadUpdatesSince}
 *   from a number an instance has seen never misses a row another instance committed, and an
 *   instance receiving row n + 2 after row n knows one is missing.
 * - Compaction holds an advisory lock per board (`postgres/advisoryLocks.ts`) and deletes only
 *   the rows at or below `throughSeq`: rows appended meanwhile elsewhere survive. The snapshot
 *   takes the number of the newest row it replaces.
 * - Nothing is cached in memory (token hashes, boards): another instance may change them, and
 *   a rotated secret must be refused everywhere at once.
 *
 * Every append is committed (`synchronous_commit` as the server has it, `on` by default)
 * before it resolves. Appends of one board made by this instance are stored in call order:
 * those that arrive while one is being committed go together in the next transaction.
 */
export class PostgresStorage implements Storage {
  private readonly appends = new Map<string, BoardAppends>()
  private serverSecret: Promise<Buffer> | null = null
  private closing = false

  private constructor(private readonly pool: Pool) {}

  /**
   * Connects to `connectionString` (e.g. `postgres://user@host:5432/fabrique`; without a user,
   * the one psql would take) and brings the schema to the newest version; rejects (and closes
   * the pool) when either fails.
   */
  static async open(connectionString: string, options: PostgresStorageOptions = {}): Promise<PostgresStorage> {
    const { maxConnections = 10, schema, applicationName = 'fabrique', logger } = options
    if (schema !== undefined && !SCHEMA_NAME.test(schema)) throw new Error(`PostgresStorage.open: ${JSON.stringify(schema)} is not a plain schema name`)
    if (!Number.isInteger(maxConnections) || maxConnections < 1) throw new Error(`PostgresStorage.open: maxConnections must be a positive integer, not ${maxConnections}`)
    const pool = new pg.Pool({
      connectionString: withDefaultUser(connectionString),
      max: maxConnections,
      application_name: applicationName,
      // A connection whose peer vanished (a failed-over server) is found out and replaced.
      keepAlive: true,
      ...(schema !== undefined && { options: `-c search_path=${schema}` }),
    })
    // Without a listener, a connection dropped while idle (server restart) would crash the process.
    pool.on('error', (err) => logger?.warn('PostgreSQL connection lost while idle; the pool replaces it', { err: err.message }))
    try {
      await migratePostgres(pool)
    } catch (err) {
      await pool.end().catch(() => {})
      throw new Error(`PostgresStorage.open: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
    }
    return new PostgresStorage(pool)
  }

  async createLab(lab: Lab, tokens: LabTokenHashes, invitations: LabInvitations = { participant: null, viewer: null }): Promise<void> {
    await this.pool.query(
      `INSERT INTO labs (id, title, theme, territory, start_date, phase, members, activities, created_at, updated_at,
         facilitator_hash, participant_hash, viewer_hash, participant_token, viewer_token)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [
        lab.id,
        lab.title,
        lab.theme,
        lab.territory,
        lab.startDate,
        lab.phase,
        JSON.stringify(lab.members),
        JSON.stringify(lab.activities),
        lab.createdAt,
        lab.updatedAt,
        tokens.facilitator,
        tokens.participant,
        tokens.viewer,
        invitations.participant,
        invitations.viewer,
      ],
    )
  }

  async getLab(labId: string): Promise<Lab | null> {
    const { rows } = await this.pool.query<LabRow>('SELECT * FROM labs WHERE id = $1', [labId])
    return rows[0] ? labFromRow(rows[0]) : null
  }

  async getLabTokenHashes(labId: string): Promise<LabTokenHashes | null> {
    const { rows } = await this.pool.query<LabTokenHashes>(
      'SELECT facilitator_hash AS facilitator, participant_hash AS participant, viewer_hash AS viewer FROM labs WHERE id = $1',
      [labId],
    )
    return rows[0] ?? null
  }

  async getLabInvitations(labId: string): Promise<LabInvitations | null> {
    const { rows } = await this.pool.query<LabInvitations>('SELECT participant_token AS participant, viewer_token AS viewer FROM labs WHERE id = $1', [labId])
    return rows[0] ?? null
  }

  async replaceLabToken(labId: string, role: Role, tokenHash: string, invitation: string | null): Promise<boolean> {
    if (role === 'facilitator') {
      if (invitation !== null) throw new Error('PostgresStorage.replaceLabToken: the facilitator token is never stored')
      return (await this.pool.query('UPDATE labs SET facilitator_hash = $1 WHERE id = $2', [tokenHash, labId])).rowCount! > 0
    }
    const sql =
      role === 'participant'
        ? 'UPDATE labs SET participant_hash = $1, participant_token = $2 WHERE id = $3'
        : 'UPDATE labs SET viewer_hash = $1, viewer_token = $2 WHERE id = $3'
    return (await this.pool.query(sql, [tokenHash, invitation, labId])).rowCount! > 0
  }

  async updateLab(labId: string, patch: UpdateLabInput, updatedAt: string): Promise<Lab | null> {
    return inTransaction(this.pool, async (client) => {
      // FOR UPDATE: two instances merging activity states one after the other, not over each other.
      const { rows } = await client.query<LabRow>('SELECT * FROM labs WHERE id = $1 FOR UPDATE', [labId])
      if (!rows[0]) return null
      const lab = applyLabPatch(labFromRow(rows[0]), patch, updatedAt)
      await client.query(
        `UPDATE labs SET title = $2, theme = $3, territory = $4, start_date = $5, phase = $6, members = $7, activities = $8, updated_at = $9
         WHERE id = $1`,
        [lab.id, lab.title, lab.theme, lab.territory, lab.startDate, lab.phase, JSON.stringify(lab.members), JSON.stringify(lab.activities), lab.updatedAt],
      )
      return lab
    })
  }

  async getServerSecret(): Promise<Uint8Array> {
    this.serverSecret ??= this.readOrMakeServerSecret()
    try {
      return new Uint8Array(await this.serverSecret)
    } catch (err) {
      this.serverSecret = null
      throw err
    }
  }

  private async readOrMakeServerSecret(): Promise<Buffer> {
    // The first instance's insert wins; every instance then reads that key (and keeps it: it never changes).
    await this.pool.query('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [SERVER_SECRET_KEY, randomBytes(32)])
    const { rows } = await this.pool.query<{ value: Buffer }>('SELECT value FROM settings WHERE key = $1', [SERVER_SECRET_KEY])
    return rows[0]!.value
  }

  async createBoard(board: Board, initialUpdate: Uint8Array | null, assets: NewBoardAssets = {}): Promise<void> {
    for (const { asset } of assets.add ?? []) {
      if (asset.boardId !== board.id) throw new Error(`PostgresStorage.createBoard: image ${asset.id} belongs to board ${asset.boardId}, not ${board.id}`)
    }
    await inTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO boards (id, lab_id, title, phase, template, created_at, updated_at, archived, deleted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [board.id, board.labId, board.title, board.phase, board.template, board.createdAt, board.updatedAt, board.archived, board.deletedAt],
      )
      if (initialUpdate) await client.query(APPEND, [board.id, [asBuffer(initialUpdate)]])
      for (const { asset, data } of assets.add ?? []) await this.putAssetWith(client, asset, data)
      if (assets.copy) {
        const { fromBoardId, assetIds, createdAt } = assets.copy
        await client.query(
          `INSERT INTO assets (board_id, id, content_type, size, data, created_at)
           SELECT $1, id, content_type, size, data, $2 FROM assets WHERE board_id = $3 AND id = ANY($4::text[])`,
          [board.id, createdAt, fromBoardId, assetIds],
        )
      }
    })
  }

  async getBoard(boardId: string, options: { includeDeleted?: boolean } = {}): Promise<Board | null> {
    const { rows } = await this.pool.query<BoardRow>('SELECT * FROM boards WHERE id = $1', [boardId])
    const board = rows[0] ? boardFromRow(rows[0]) : null
    return board && (board.deletedAt === null || options.includeDeleted) ? board : null
  }

  async listBoards(labId: string): Promise<Board[]> {
    const { rows } = await this.pool.query<BoardRow>('SELECT * FROM boards WHERE lab_id = $1 AND deleted_at IS NULL ORDER BY created_at, id', [labId])
    return rows.map(boardFromRow)
  }

  async listDeletedBoards(labId: string): Promise<Board[]> {
    const { rows } = await this.pool.query<BoardRow>('SELECT * FROM boards WHERE lab_id = $1 AND deleted_at IS NOT NULL ORDER BY deleted_at DESC, id', [labId])
    return rows.map(boardFromRow)
  }

  async updateBoard(boardId: string, patch: BoardPatch, updatedAt: string): Promise<Board | null> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<BoardRow>('SELECT * FROM boards WHERE id = $1 FOR UPDATE', [boardId])
      if (!rows[0]) return null
      const board = applyBoardPatch(boardFromRow(rows[0]), patch, updatedAt)
      await client.query('UPDATE boards SET title = $2, phase = $3, archived = $4, deleted_at = $5, updated_at = $6 WHERE id = $1', [
        boardId,
        board.title,
        board.phase,
        board.archived,
        board.deletedAt,
        board.updatedAt,
      ])
      return board
    })
  }

  async emptyBin(labId: string): Promise<string[]> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ id: string }>(
        'SELECT id FROM boards WHERE lab_id = $1 AND deleted_at IS NOT NULL ORDER BY deleted_at DESC, id FOR UPDATE',
        [labId],
      )
      const ids = rows.map((r) => r.id)
      if (ids.length === 0) return ids
      // Everything kept per board, children first (the foreign keys point at boards).
      for (const table of ['board_updates', 'board_log_heads', 'assets', 'checkpoints', 'board_bin', 'board_secrets']) {
        await client.query(`DELETE FROM ${table} WHERE board_id = ANY($1::text[])`, [ids])
      }
      await client.query('DELETE FROM boards WHERE id = ANY($1::text[])', [ids])
      return ids
    })
  }

  async loadUpdates(boardId: string): Promise<StoredUpdates> {
    return this.loadUpdatesSince(boardId, 0)
  }

  async loadUpdatesSince(boardId: string, afterSeq: number): Promise<StoredUpdates> {
    const { rows } = await this.pool.query<{ seq: BigintText; data: Buffer }>(
      'SELECT seq, data FROM board_updates WHERE board_id = $1 AND seq > $2 ORDER BY seq',
      [boardId, afterSeq],
    )
    const last = rows.at(-1)
    return { updates: rows.map((r) => ownBytes(r.data)), lastSeq: last ? Number(last.seq) : afterSeq }
  }

  appendUpdate(boardId: string, update: Uint8Array): Promise<number> {
    if (this.closing) return Promise.reject(new Error(`PostgresStorage.appendUpdate: board ${boardId}: the storage is closed`))
    return new Promise((resolve, reject) => {
      const queued = this.appends.get(boardId)
      if (queued) {
        queued.pending.push({ update, resolve, reject })
        return
      }
      const appends: BoardAppends = { pending: [{ update, resolve, reject }], draining: Promise.resolve() }
      this.appends.set(boardId, appends)
      // A microtask first: appends made in the same task share the first transaction.
      appends.draining = Promise.resolve().then(() => this.drainAppends(boardId, appends))
    })
  }

  /** Commits a board's pending appends, a batch at a time, until none is left. Never rejects. */
  private async drainAppends(boardId: string, appends: BoardAppends): Promise<void> {
    while (appends.pending.length > 0) {
      const batch = appends.pending.splice(0)
      try {
        const seqs = await this.insertUpdates(boardId, batch.map((p) => p.update))
        batch.forEach((p, i) => p.resolve(seqs[i]!))
      } catch (err) {
        for (const p of batch) p.reject(err)
      }
    }
    this.appends.delete(boardId)
  }

  private async insertUpdates(boardId: string, updates: Uint8Array[]): Promise<number[]> {
    const { rows } = await this.pool.query<{ seq: BigintText }>(APPEND, [boardId, updates.map(asBuffer)])
    // Numbered in the order given; RETURNING's own order is not promised.
    return rows.map((r) => Number(r.seq)).sort((a, b) => a - b)
  }

  async compactUpdates(boardId: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      // Taken in its own statement: the DELETE's snapshot then sees every row committed before
      // the lock, and no append of this board can commit until this transaction has.
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [BOARD_LOG_LOCK, boardId])
      const { rows } = await client.query<{ seq: BigintText | null }>(
        'WITH replaced AS (DELETE FROM board_updates WHERE board_id = $1 AND seq <= $2 RETURNING seq) SELECT max(seq) AS seq FROM replaced',
        [boardId, throughSeq],
      )
      // The snapshot takes the place of the newest row it replaces (see Storage.compactUpdates).
      const seq = rows[0]?.seq ?? null
      if (seq !== null) await client.query('INSERT INTO board_updates (board_id, seq, data) VALUES ($1, $2, $3)', [boardId, seq, snapshot])
    })
  }

  async countUpdates(boardId: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: BigintText }>('SELECT count(*) AS n FROM board_updates WHERE board_id = $1', [boardId])
    return Number(rows[0]!.n)
  }

  async createIdentity(identity: StoredIdentity): Promise<void> {
    await this.pool.query('INSERT INTO identities (id, lab_id, name, color, secret_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      identity.id,
      identity.labId,
      identity.name,
      identity.color,
      identity.secretHash,
      identity.createdAt,
    ])
  }

  async getIdentity(identityId: string): Promise<StoredIdentity | null> {
    const { rows } = await this.pool.query<IdentityRow>('SELECT * FROM identities WHERE id = $1', [identityId])
    return rows[0] ? identityFromRow(rows[0]) : null
  }

  async updateIdentity(identityId: string, patch: Partial<Identity>): Promise<StoredIdentity | null> {
    // One statement: absent fields keep the stored value (coalesce), so no read-then-write race.
    const { rows } = await this.pool.query<IdentityRow>(
      'UPDATE identities SET name = coalesce($2, name), color = coalesce($3, color) WHERE id = $1 RETURNING *',
      [identityId, patch.name ?? null, patch.color ?? null],
    )
    return rows[0] ? identityFromRow(rows[0]) : null
  }

  async putAsset(asset: StoredAsset, data: Uint8Array): Promise<void> {
    await this.putAssetWith(this.pool, asset, data)
  }

  private async putAssetWith(client: Pool | PoolClient, asset: StoredAsset, data: Uint8Array): Promise<void> {
    await client.query(
      `INSERT INTO assets (board_id, id, content_type, size, data, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (board_id, id) DO UPDATE SET content_type = excluded.content_type, size = excluded.size, data = excluded.data, created_at = excluded.created_at`,
      [asset.boardId, asset.id, asset.contentType, asset.size, data, asset.createdAt],
    )
  }

  async getAsset(boardId: string, assetId: string): Promise<{ asset: StoredAsset; data: Uint8Array } | null> {
    const { rows } = await this.pool.query<AssetRow & { data: Buffer }>('SELECT * FROM assets WHERE board_id = $1 AND id = $2', [boardId, assetId])
    const row = rows[0]
    return row ? { asset: assetFromRow(row), data: ownBytes(row.data) } : null
  }

  async listAssets(boardId: string): Promise<StoredAsset[]> {
    const { rows } = await this.pool.query<AssetRow>(
      'SELECT id, board_id, content_type, size, created_at FROM assets WHERE board_id = $1 ORDER BY created_at, id',
      [boardId],
    )
    return rows.map(assetFromRow)
  }

  async deleteAssets(boardId: string, assetIds: readonly string[]): Promise<void> {
    await this.pool.query('DELETE FROM assets WHERE board_id = $1 AND id = ANY($2::text[])', [boardId, assetIds])
  }

  async labAssetBytes(labId: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: BigintText | null }>(
      'SELECT sum(a.size) AS n FROM assets a JOIN boards b ON b.id = a.board_id WHERE b.lab_id = $1',
      [labId],
    )
    return Number(rows[0]?.n ?? 0)
  }

  async putBoardSecrets(boardId: string, entries: readonly BoardSecret[]): Promise<void> {
    // Every value is checked before anything is written; a key given twice keeps its last value.
    const byKey = new Map(entries.map(({ key, value }) => [key, secretJson(key, value)] as const))
    const deleted = [...byKey].filter(([, json]) => json === null).map(([key]) => key)
    const put = [...byKey].filter((e): e is [string, string] => e[1] !== null)
    await inTransaction(this.pool, async (client) => {
      // The foreign key refuses puts only: a batch of deletions is refused the same way.
      const { rowCount } = await client.query('SELECT 1 FROM boards WHERE id = $1', [boardId])
      if (!rowCount) throw new Error(`PostgresStorage.putBoardSecrets: board ${boardId} not found`)
      if (deleted.length > 0) await client.query('DELETE FROM board_secrets WHERE board_id = $1 AND key = ANY($2::text[])', [boardId, deleted])
      if (put.length > 0) {
        await client.query(
          `INSERT INTO board_secrets (board_id, key, value) SELECT $1, e.key, e.value FROM unnest($2::text[], $3::text[]) AS e(key, value)
           ON CONFLICT (board_id, key) DO UPDATE SET value = excluded.value`,
          [boardId, put.map(([key]) => key), put.map(([, json]) => json)],
        )
      }
    })
  }

  async listBoardSecrets(boardId: string, prefix: string): Promise<BoardSecret[]> {
    const { rows } = await this.pool.query<{ key: string; value: string }>(
      "SELECT key, value FROM board_secrets WHERE board_id = $1 AND key LIKE $2 ESCAPE '\\' ORDER BY key",
      [boardId, likePrefix(prefix)],
    )
    return rows.map((row) => ({ key: row.key, value: JSON.parse(row.value) }))
  }

  async deleteBoardSecrets(boardId: string, prefix: string): Promise<number> {
    const { rowCount } = await this.pool.query("DELETE FROM board_secrets WHERE board_id = $1 AND key LIKE $2 ESCAPE '\\'", [boardId, likePrefix(prefix)])
    return rowCount ?? 0
  }

  async putCheckpoint(checkpoint: StoredCheckpoint, state: Uint8Array): Promise<void> {
    await this.pool.query(
      `INSERT INTO checkpoints (board_id, id, kind, name, created_at, created_by, contributors, asset_ids, state, state_bytes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        checkpoint.boardId,
        checkpoint.id,
        checkpoint.kind,
        checkpoint.name,
        checkpoint.createdAt,
        checkpoint.createdBy ? JSON.stringify(checkpoint.createdBy) : null,
        JSON.stringify(checkpoint.contributors),
        JSON.stringify(checkpoint.assetIds),
        state,
        checkpoint.bytes,
      ],
    )
  }

  async listCheckpoints(boardId: string): Promise<StoredCheckpoint[]> {
    const { rows } = await this.pool.query<CheckpointRow>(
      `SELECT board_id, id, kind, name, created_at, created_by, contributors, asset_ids, state_bytes FROM checkpoints
       WHERE board_id = $1 ORDER BY created_at DESC, id DESC`,
      [boardId],
    )
    return rows.map(checkpointFromRow)
  }

  async getCheckpoint(boardId: string, checkpointId: string): Promise<{ checkpoint: StoredCheckpoint; state: Uint8Array } | null> {
    const { rows } = await this.pool.query<CheckpointRow & { state: Buffer }>('SELECT * FROM checkpoints WHERE board_id = $1 AND id = $2', [boardId, checkpointId])
    const row = rows[0]
    return row ? { checkpoint: checkpointFromRow(row), state: ownBytes(row.state) } : null
  }

  async deleteCheckpoints(boardId: string, checkpointIds: readonly string[]): Promise<number> {
    const { rowCount } = await this.pool.query('DELETE FROM checkpoints WHERE board_id = $1 AND id = ANY($2::text[])', [boardId, checkpointIds])
    return rowCount ?? 0
  }

  async putInBin(boardId: string, entries: readonly BinEntry[]): Promise<void> {
    if (entries.length === 0) return
    // A record given twice keeps its last entry (as entries put one after the other would).
    const byRecord = [...new Map(entries.map((e) => [e.recordId, e])).values()]
    await this.pool.query(
      `INSERT INTO board_bin (board_id, record_id, batch, record, deleted_at, deleted_by)
       SELECT $1, e.record_id, e.batch, e.record, e.deleted_at, e.deleted_by
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS e(record_id, batch, record, deleted_at, deleted_by)
       ON CONFLICT (board_id, record_id) DO UPDATE
       SET batch = excluded.batch, record = excluded.record, deleted_at = excluded.deleted_at, deleted_by = excluded.deleted_by`,
      [
        boardId,
        byRecord.map((e) => e.recordId),
        byRecord.map((e) => e.batch),
        byRecord.map((e) => JSON.stringify(e.record)),
        byRecord.map((e) => e.deletedAt),
        byRecord.map((e) => (e.deletedBy ? JSON.stringify(e.deletedBy) : null)),
      ],
    )
  }

  async listBin(boardId: string, since = ''): Promise<BinEntry[]> {
    const { rows } = await this.pool.query<BinRow>(
      `SELECT record_id, batch, record, deleted_at, deleted_by FROM board_bin
       WHERE board_id = $1 AND deleted_at >= $2 ORDER BY deleted_at DESC, batch DESC, record_id`,
      [boardId, since],
    )
    return rows.map(binEntryFromRow)
  }

  async removeFromBin(boardId: string, recordIds: readonly string[]): Promise<number> {
    const { rowCount } = await this.pool.query('DELETE FROM board_bin WHERE board_id = $1 AND record_id = ANY($2::text[])', [boardId, recordIds])
    return rowCount ?? 0
  }

  async purgeBin(before: string): Promise<number> {
    const { rowCount } = await this.pool.query('DELETE FROM board_bin WHERE deleted_at < $1', [before])
    return rowCount ?? 0
  }

  /** Waits for the appends already made, then closes every connection of the pool. */
  async close(): Promise<void> {
    if (this.closing) return
    this.closing = true
    while (this.appends.size > 0) await Promise.all([...this.appends.values()].map((a) => a.draining))
    await this.pool.end()
  }
}
