import pg from 'pg'
import type { Pool, PoolClient } from 'pg'
import { PostgresStorage } from '../PostgresStorage'
import { withDefaultUser } from '../postgres/connectionString'
import { inTransaction } from '../postgres/inTransaction'
import { POSTGRES_MIGRATIONS } from '../postgres/migrations'
import type { BigintText } from '../postgres/rows'
import {
  ASSET_COLUMNS,
  BIN_COLUMNS,
  BOARD_COLUMNS,
  CHECKPOINT_COLUMNS,
  IDENTITY_COLUMNS,
  LAB_COLUMNS,
  sortedBy,
  type AssetContent,
  type BinContent,
  type BoardContent,
  type BoardRowContent,
  type CheckpointContent,
  type IdentityContent,
  type LabContent,
  type LabRowContent,
  type SecretContent,
  type SettingContent,
} from './boardContent'
import { CopyInputError } from './CopyInputError'
import { withoutPassword } from '../../logger'

/** A pool or one of its connections (inside a transaction). */
export type Queryable = Pool | PoolClient

/** A board as PostgreSQL holds it, with how its log is numbered. */
export interface PostgresBoardContent extends BoardContent {
  /** The log's sequence numbers, in order: 1..n as the copy writes them. */
  seqs: number[]
  /** The board's `board_log_heads.last_seq`, or null without a head row. */
  logHead: number | null
}

/** Lower case: `search_path` folds unquoted names to lower case (as PostgresStorage.open checks). */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/

/** How long connecting may take before PostgreSQL is taken as unreachable. */
const CONNECT_TIMEOUT_MS = 10_000

/** Rows of a board's log inserted per statement, at most (and about this many bytes). */
const UPDATES_PER_INSERT = 1000
const BYTES_PER_INSERT = 8 * 1024 * 1024


const asBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength)

/**
 * The PostgreSQL database (and schema) a SQLite `DATA_DIR` is copied into: reads what it holds
 * of a lab or a board, and inserts rows with the ids and sequence numbers given — which the
 * Storage interface cannot — in the tables and column types of `postgres/migrations.ts`, so
 * that {@link PostgresStorage} reads them back as it reads its own.
 */
export class PostgresTarget {
  private constructor(
    private readonly pool: Pool,
    private readonly connectionString: string,
    /** The schema written to, as `current_schema()` names it. */
    readonly schema: string,
    private readonly schemaOption: string | undefined,
  ) {}

  /**
   * Connects to `databaseUrl` (in `schema`, else the connection's own `search_path`); throws a
   * {@link CopyInputError} when the URL is not a PostgreSQL one, when PostgreSQL does not
   * answer or refuses the connection, or when the schema does not exist. Writes nothing.
   */
  static async connect(databaseUrl: string, options: { schema?: string; applicationName?: string } = {}): Promise<PostgresTarget> {
    let url: URL
    try {
      url = new URL(databaseUrl)
    } catch {
      throw new CopyInputError(`the database URL is not a URL; give one like postgres://user@host:5432/fabrique (--database-url or DATABASE_URL)`)
    }
    if (!/^postgres(ql)?:$/.test(url.protocol)) throw new CopyInputError(`${withoutPassword(databaseUrl)} is not a PostgreSQL URL (postgres://…)`)
    const { schema, applicationName = 'fabrique-copy' } = options
    if (schema !== undefined && !SCHEMA_NAME.test(schema)) throw new CopyInputError(`${JSON.stringify(schema)} is not a plain schema name (lower case letters, digits, _)`)
    const connectionString = withDefaultUser(databaseUrl)
    const pool = new pg.Pool({
      connectionString,
      max: 2,
      application_name: applicationName,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      ...(schema !== undefined && { options: `-c search_path=${schema}` }),
    })
    pool.on('error', () => {})
    try {
      const { rows } = await pool.query<{ schema: string | null; path: string }>("SELECT current_schema() AS schema, current_setting('search_path') AS path")
      const current = rows[0]!.schema
      if (current === null) {
        throw new CopyInputError(
          schema !== undefined
            ? `schema ${schema} does not exist in ${withoutPassword(databaseUrl)}: create it first (CREATE SCHEMA ${schema})`
            : `no schema of the search_path (${rows[0]!.path}) exists in ${withoutPassword(databaseUrl)}: create one, or give --schema`,
        )
      }
      return new PostgresTarget(pool, connectionString, current, schema)
    } catch (err) {
      await pool.end().catch(() => {})
      if (err instanceof CopyInputError) throw err
      throw new CopyInputError(`cannot connect to PostgreSQL at ${withoutPassword(databaseUrl)}: ${describe(err)}`)
    }
  }

  /** The version of Fabrique's tables in the schema (0: none yet); a {@link CopyInputError} when newer than this Fabrique's. */
  async schemaVersion(): Promise<number> {
    // Two statements: a query naming a table that does not exist fails as it is planned.
    const { rows } = await this.pool.query<{ present: boolean }>("SELECT to_regclass('schema_migrations') IS NOT NULL AS present")
    if (!rows[0]!.present) return 0
    const versions = await this.pool.query<{ version: number }>('SELECT coalesce(max(version), 0) AS version FROM schema_migrations')
    const version = versions.rows[0]!.version
    if (version > POSTGRES_MIGRATIONS.length) {
      throw new CopyInputError(`schema ${this.schema} has Fabrique's tables at version ${version}, a newer Fabrique's than this one (${POSTGRES_MIGRATIONS.length}): copy with that version`)
    }
    return version
  }

  /** Brings the schema's tables to the newest version, as a Fabrique instance does when it starts (PostgresStorage.open). */
  async migrate(): Promise<void> {
    const storage = await PostgresStorage.open(this.connectionString, { maxConnections: 1, applicationName: 'fabrique-copy', ...(this.schemaOption !== undefined && { schema: this.schemaOption }) })
    await storage.close()
  }

  /** Runs `work` in one transaction (see postgres/inTransaction.ts). */
  transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work)
  }

  /** The pool, for reads outside a transaction. */
  get queryable(): Queryable {
    return this.pool
  }

  async settings(q: Queryable, keys: readonly string[]): Promise<SettingContent[]> {
    const { rows } = await q.query<{ key: string; value: Buffer }>('SELECT key, value FROM settings WHERE key = ANY($1::text[])', [keys])
    return sortedBy(rows, (r) => r.key)
  }

  async insertSetting(q: Queryable, setting: SettingContent): Promise<void> {
    await q.query('INSERT INTO settings (key, value) VALUES ($1, $2)', [setting.key, asBuffer(setting.value)])
  }

  async lab(q: Queryable, labId: string): Promise<LabContent> {
    const lab = await q.query<LabRowContent>(`SELECT ${LAB_COLUMNS} FROM labs WHERE id = $1`, [labId])
    const identities = await q.query<IdentityContent>(`SELECT ${IDENTITY_COLUMNS} FROM identities WHERE lab_id = $1`, [labId])
    return { lab: lab.rows[0] ?? null, identities: sortedBy(identities.rows, (i) => i.id) }
  }

  async insertLab(q: Queryable, lab: LabRowContent): Promise<void> {
    await q.query(`INSERT INTO labs (${LAB_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`, [
      lab.id,
      lab.title,
      lab.theme,
      lab.territory,
      lab.start_date,
      lab.phase,
      lab.members,
      lab.activities,
      lab.created_at,
      lab.updated_at,
      lab.facilitator_hash,
      lab.participant_hash,
      lab.viewer_hash,
      lab.participant_token,
      lab.viewer_token,
    ])
  }

  async insertIdentity(q: Queryable, identity: IdentityContent): Promise<void> {
    await q.query(`INSERT INTO identities (${IDENTITY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`, [
      identity.id,
      identity.lab_id,
      identity.name,
      identity.color,
      identity.secret_hash,
      identity.created_at,
    ])
  }

  async board(q: Queryable, boardId: string): Promise<PostgresBoardContent> {
    const board = await q.query<BoardRowContent>(`SELECT ${BOARD_COLUMNS} FROM boards WHERE id = $1`, [boardId])
    const updates = await q.query<{ seq: BigintText; data: Buffer }>('SELECT seq, data FROM board_updates WHERE board_id = $1 ORDER BY seq', [boardId])
    const head = await q.query<{ last_seq: BigintText }>('SELECT last_seq FROM board_log_heads WHERE board_id = $1', [boardId])
    const assets = await q.query<AssetContent>(`SELECT ${ASSET_COLUMNS} FROM assets WHERE board_id = $1`, [boardId])
    const checkpoints = await q.query<CheckpointContent>(`SELECT ${CHECKPOINT_COLUMNS} FROM checkpoints WHERE board_id = $1`, [boardId])
    const bin = await q.query<BinContent>(`SELECT ${BIN_COLUMNS} FROM board_bin WHERE board_id = $1`, [boardId])
    const secrets = await q.query<SecretContent>('SELECT key, value FROM board_secrets WHERE board_id = $1', [boardId])
    return {
      board: board.rows[0] ?? null,
      updates: updates.rows.map((r) => r.data),
      seqs: updates.rows.map((r) => Number(r.seq)),
      logHead: head.rows[0] ? Number(head.rows[0].last_seq) : null,
      assets: sortedBy(assets.rows, (a) => a.id),
      checkpoints: sortedBy(checkpoints.rows, (c) => c.id),
      bin: sortedBy(bin.rows, (e) => e.record_id),
      secrets: sortedBy(secrets.rows, (s) => s.key),
    }
  }

  /**
   * Inserts a board with all it holds: its row, its log numbered 1..n in order with its head
   * at n (as PostgresStorage numbers a board's rows), its images, kept secrets, checkpoints and
   * bin. Its lab must be there already.
   */
  async insertBoard(q: Queryable, content: BoardContent): Promise<void> {
    const b = content.board
    if (!b) throw new Error('PostgresTarget.insertBoard: a board without its row')
    await q.query(`INSERT INTO boards (${BOARD_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
      b.id,
      b.lab_id,
      b.title,
      b.phase,
      b.template,
      b.created_at,
      b.updated_at,
      b.archived,
      b.deleted_at,
    ])
    await this.insertUpdates(q, b.id, content.updates)
    if (content.updates.length > 0) await q.query('INSERT INTO board_log_heads (board_id, last_seq) VALUES ($1, $2)', [b.id, content.updates.length])
    for (const a of content.assets) {
      await q.query(`INSERT INTO assets (board_id, ${ASSET_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`, [b.id, a.id, a.content_type, a.size, a.created_at, asBuffer(a.data)])
    }
    if (content.secrets.length > 0) {
      await q.query('INSERT INTO board_secrets (board_id, key, value) SELECT $1, s.key, s.value FROM unnest($2::text[], $3::text[]) AS s(key, value)', [
        b.id,
        content.secrets.map((s) => s.key),
        content.secrets.map((s) => s.value),
      ])
    }
    for (const c of content.checkpoints) {
      await q.query(`INSERT INTO checkpoints (board_id, ${CHECKPOINT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, [
        b.id,
        c.id,
        c.kind,
        c.name,
        c.created_at,
        c.created_by,
        c.contributors,
        c.asset_ids,
        c.state_bytes,
        asBuffer(c.state),
      ])
    }
    if (content.bin.length > 0) {
      await q.query(
        `INSERT INTO board_bin (board_id, ${BIN_COLUMNS})
         SELECT $1, e.record_id, e.batch, e.record, e.deleted_at, e.deleted_by
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS e(record_id, batch, record, deleted_at, deleted_by)`,
        [
          b.id,
          content.bin.map((e) => e.record_id),
          content.bin.map((e) => e.batch),
          content.bin.map((e) => e.record),
          content.bin.map((e) => e.deleted_at),
          content.bin.map((e) => e.deleted_by),
        ],
      )
    }
  }

  /** A board's log, numbered 1..n in the order given, in statements of bounded size. */
  private async insertUpdates(q: Queryable, boardId: string, updates: readonly Uint8Array[]): Promise<void> {
    let start = 0
    while (start < updates.length) {
      let end = start
      let bytes = 0
      while (end < updates.length && end - start < UPDATES_PER_INSERT && (end === start || bytes + updates[end]!.byteLength <= BYTES_PER_INSERT)) {
        bytes += updates[end]!.byteLength
        end++
      }
      const chunk = updates.slice(start, end)
      await q.query('INSERT INTO board_updates (board_id, seq, data) SELECT $1, u.seq, u.data FROM unnest($2::bigint[], $3::bytea[]) AS u(seq, data)', [
        boardId,
        chunk.map((_, i) => start + i + 1),
        chunk.map(asBuffer),
      ])
      start = end
    }
  }

  async close(): Promise<void> {
    await this.pool.end()
  }
}

/** An error's message, with its code when the message alone is empty (e.g. `ECONNREFUSED` of an AggregateError). */
function describe(err: unknown): string {
  const e = err as { message?: string; code?: string; errors?: { message?: string }[] }
  const message = e.message || e.errors?.map((x) => x.message).join('; ') || String(err)
  return e.code && !message.includes(e.code) ? `${message} (${e.code})` : message
}
