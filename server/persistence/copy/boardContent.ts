/**
 * What the copy moves, as both databases hold it: rows with their columns' names and values,
 * normalised where the two backends' types differ (SQLite's 0/1 and PostgreSQL's booleans,
 * SQLite's `updated_at` null for boards made before schema 6). JSON stays the text it was
 * written as, bytes stay bytes: a row copied is equal to its source value for value.
 */

/** The columns each kind of row is read with, the same names in both databases. */
export const LAB_COLUMNS =
  'id, title, theme, territory, start_date, phase, members, activities, created_at, updated_at, facilitator_hash, participant_hash, viewer_hash, participant_token, viewer_token'
export const IDENTITY_COLUMNS = 'id, lab_id, name, color, secret_hash, created_at'
export const BOARD_COLUMNS = 'id, lab_id, title, phase, template, created_at, updated_at, archived, deleted_at'
export const ASSET_COLUMNS = 'id, content_type, size, created_at, data'
export const CHECKPOINT_COLUMNS = 'id, kind, name, created_at, created_by, contributors, asset_ids, state_bytes, state'
export const BIN_COLUMNS = 'record_id, batch, record, deleted_at, deleted_by'

/** A lab's row: its fields, its tokens' hashes and its invitation links. */
export interface LabRowContent {
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
  facilitator_hash: string
  participant_hash: string
  viewer_hash: string
  participant_token: string | null
  viewer_token: string | null
}

export interface IdentityContent {
  id: string
  lab_id: string
  name: string
  color: string
  secret_hash: string
  created_at: string
}

/** A lab as copied: its row (null where absent) and its identities, by id. */
export interface LabContent {
  lab: LabRowContent | null
  identities: IdentityContent[]
}

export interface BoardRowContent {
  id: string
  lab_id: string
  title: string
  phase: string
  template: string | null
  created_at: string
  updated_at: string
  archived: boolean
  deleted_at: string | null
}

export interface AssetContent {
  id: string
  content_type: string
  size: number
  created_at: string
  data: Uint8Array
}

export interface CheckpointContent {
  id: string
  kind: string
  name: string | null
  created_at: string
  created_by: string | null
  contributors: string
  asset_ids: string
  state_bytes: number
  state: Uint8Array
}

export interface BinContent {
  record_id: string
  batch: string
  record: string
  deleted_at: string
  deleted_by: string | null
}

export interface SecretContent {
  key: string
  value: string
}

/**
 * Everything kept of one board: its row (null where absent), its update log in order (the
 * rows' bytes; their numbers differ between the backends), and its images, checkpoints, bin
 * and kept secrets, each sorted by key in byte order.
 */
export interface BoardContent {
  board: BoardRowContent | null
  updates: Uint8Array[]
  assets: AssetContent[]
  checkpoints: CheckpointContent[]
  bin: BinContent[]
  secrets: SecretContent[]
}

/** A row of `settings` (the server's signing key, under `server_secret`). */
export interface SettingContent {
  key: string
  value: Uint8Array
}

/** How much of each part a board holds. */
export interface BoardCounts {
  /** Rows of its update log. */
  rows: number
  assets: number
  checkpoints: number
  bin: number
  secrets: number
  /** Bytes of its update log, images and checkpoint states together. */
  bytes: number
}

export function boardCounts(content: BoardContent): BoardCounts {
  const sum = (sizes: number[]) => sizes.reduce((a, b) => a + b, 0)
  return {
    rows: content.updates.length,
    assets: content.assets.length,
    checkpoints: content.checkpoints.length,
    bin: content.bin.length,
    secrets: content.secrets.length,
    bytes: sum(content.updates.map((u) => u.byteLength)) + sum(content.assets.map((a) => a.data.byteLength)) + sum(content.checkpoints.map((c) => c.state.byteLength)),
  }
}

/** Whether nothing at all of the board is there. */
export function isEmptyBoard(content: BoardContent): boolean {
  const c = boardCounts(content)
  return content.board === null && c.rows + c.assets + c.checkpoints + c.bin + c.secrets === 0
}

/** Byte order of UTF-8, as SQLite's BINARY and PostgreSQL's "C" collations compare text. */
export function compareText(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}

/** `rows` sorted by `key(row)` in byte order (whatever order the database answered in). */
export function sortedBy<T>(rows: T[], key: (row: T) => string): T[] {
  return rows.sort((a, b) => compareText(key(a), key(b)))
}
