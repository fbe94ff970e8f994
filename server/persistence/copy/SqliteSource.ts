import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { MIGRATIONS } from '../SqliteStorage'
import type { AssetContent, BinContent, BoardContent, BoardRowContent, CheckpointContent, IdentityContent, LabContent, LabRowContent, SecretContent, SettingContent } from './boardContent'
import { ASSET_COLUMNS, BIN_COLUMNS, BOARD_COLUMNS, CHECKPOINT_COLUMNS, IDENTITY_COLUMNS, LAB_COLUMNS, sortedBy } from './boardContent'
import { CopyInputError } from './CopyInputError'

/** Tables every Fabrique database has (schema 1). */
const FABRIQUE_TABLES = ['labs', 'boards', 'board_updates', 'assets']

type BoardRow = Omit<BoardRowContent, 'archived' | 'updated_at'> & { archived: number; updated_at: string | null }

/**
 * A Fabrique `DATA_DIR`'s database, opened read only, as the copy reads it. Everything is read
 * in one read transaction: the copy sees one state of the database even if a server still
 * writes to it (stop the server first, or what it writes later is not copied).
 */
export class SqliteSource {
  private constructor(
    private readonly db: Database.Database,
    /** `<dataDir>/fabrique.db`. */
    readonly file: string,
    readonly schemaVersion: number,
  ) {}

  /** Opens `<dataDir>/fabrique.db` read only; throws a {@link CopyInputError} when it is not a Fabrique database of this version. */
  static open(dataDir: string): SqliteSource {
    const dir = path.resolve(dataDir)
    let stat: fs.Stats
    try {
      stat = fs.statSync(dir)
    } catch {
      throw new CopyInputError(`no data directory at ${dir}: give the DATA_DIR of the Fabrique server to copy (--data-dir)`)
    }
    if (!stat.isDirectory()) throw new CopyInputError(`${dir} is not a directory: give the DATA_DIR of the Fabrique server to copy (--data-dir)`)
    const file = path.join(dir, 'fabrique.db')
    if (!fs.existsSync(file)) throw new CopyInputError(`no Fabrique database in ${dir} (fabrique.db is missing): is it the server's DATA_DIR?`)
    let db: Database.Database
    try {
      db = new Database(file, { readonly: true, fileMustExist: true })
    } catch (err) {
      throw new CopyInputError(`cannot open ${file}: ${(err as Error).message}`)
    }
    try {
      const version = SqliteSource.check(db, file)
      // The read transaction starts at its first read: every later read sees that state.
      db.exec('BEGIN')
      db.prepare('SELECT count(*) FROM labs').get()
      return new SqliteSource(db, file, version)
    } catch (err) {
      db.close()
      throw err
    }
  }

  /** The database's schema version, or a {@link CopyInputError} saying why it cannot be copied. */
  private static check(db: Database.Database, file: string): number {
    let version: number
    let tables: Set<string>
    try {
      version = db.pragma('user_version', { simple: true }) as number
      tables = new Set(db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((r) => r.name))
    } catch (err) {
      throw new CopyInputError(`${file} is not a Fabrique database: ${(err as Error).message}`)
    }
    const missing = FABRIQUE_TABLES.filter((t) => !tables.has(t))
    if (version === 0 || missing.length > 0) {
      throw new CopyInputError(`${file} is not a Fabrique database (schema version ${version}${missing.length ? `, no ${missing.join(', ')} table` : ''})`)
    }
    if (version < MIGRATIONS.length) {
      throw new CopyInputError(
        `${file} has schema version ${version}, an older Fabrique's; this one copies version ${MIGRATIONS.length}: start this Fabrique once on that DATA_DIR (it migrates the database), stop it, then copy`,
      )
    }
    if (version > MIGRATIONS.length) throw new CopyInputError(`${file} has schema version ${version}, a newer Fabrique's than this one (${MIGRATIONS.length}): copy it with that version`)
    return version
  }

  /** Every row of `settings` (the server's signing key), by key. */
  settings(): SettingContent[] {
    const rows = this.db.prepare<[], { key: string; value: Buffer }>('SELECT key, value FROM settings').all()
    return sortedBy(rows, (r) => r.key)
  }

  /** Every lab's id, oldest first. */
  labIds(): string[] {
    return this.db.prepare<[], { id: string }>('SELECT id FROM labs ORDER BY created_at, id').all().map((r) => r.id)
  }

  lab(labId: string): LabContent {
    const lab = this.db.prepare<[string], LabRowContent>(`SELECT ${LAB_COLUMNS} FROM labs WHERE id = ?`).get(labId) ?? null
    const identities = this.db.prepare<[string], IdentityContent>(`SELECT ${IDENTITY_COLUMNS} FROM identities WHERE lab_id = ?`).all(labId)
    return { lab, identities: sortedBy(identities, (i) => i.id) }
  }

  /** Every board of a lab, those in its bin included, oldest first. */
  boardIds(labId: string): string[] {
    return this.db.prepare<[string], { id: string }>('SELECT id FROM boards WHERE lab_id = ? ORDER BY created_at, id').all(labId).map((r) => r.id)
  }

  board(boardId: string): BoardContent {
    const row = this.db.prepare<[string], BoardRow>(`SELECT ${BOARD_COLUMNS} FROM boards WHERE id = ?`).get(boardId)
    return {
      // Boards made before schema 6 have no updated_at: never changed since created (as SqliteStorage reads them).
      board: row ? { ...row, updated_at: row.updated_at ?? row.created_at, archived: row.archived === 1 } : null,
      updates: this.db.prepare<[string], { data: Buffer }>('SELECT data FROM board_updates WHERE board_id = ? ORDER BY seq').all(boardId).map((r) => r.data),
      assets: sortedBy(this.db.prepare<[string], AssetContent>(`SELECT ${ASSET_COLUMNS} FROM assets WHERE board_id = ?`).all(boardId), (a) => a.id),
      checkpoints: sortedBy(this.db.prepare<[string], CheckpointContent>(`SELECT ${CHECKPOINT_COLUMNS} FROM checkpoints WHERE board_id = ?`).all(boardId), (c) => c.id),
      bin: sortedBy(this.db.prepare<[string], BinContent>(`SELECT ${BIN_COLUMNS} FROM board_bin WHERE board_id = ?`).all(boardId), (e) => e.record_id),
      secrets: sortedBy(this.db.prepare<[string], SecretContent>('SELECT key, value FROM board_secrets WHERE board_id = ?').all(boardId), (s) => s.key),
    }
  }

  /**
   * Rows kept for boards that no longer exist (the two tables without a foreign key): no lab
   * owns them and no server can reach them, so they are counted, not copied.
   */
  orphans(): { updates: number; assets: number } {
    const count = (table: string) => this.db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${table} WHERE board_id NOT IN (SELECT id FROM boards)`).get()!.n
    return { updates: count('board_updates'), assets: count('assets') }
  }

  close(): void {
    if (!this.db.open) return
    if (this.db.inTransaction) this.db.exec('ROLLBACK')
    this.db.close()
  }
}
