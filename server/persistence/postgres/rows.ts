import type { Board, Lab } from '../../../shared/lab'
import type { Phase } from '../../../shared/phases'
import type { StoredAsset, StoredIdentity } from '../Storage'

/** What the PostgreSQL backend reads back from its tables, and how it becomes Fabrique's types. */

export interface LabRow {
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

export interface BoardRow {
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

export interface IdentityRow {
  id: string
  lab_id: string
  name: string
  color: string
  secret_hash: string
  created_at: string
}

export interface AssetRow {
  id: string
  board_id: string
  content_type: string
  size: number
  created_at: string
}

/** node-postgres answers `bigint` (sequence numbers, counts, sums) as text: exact, but not a number. */
export type BigintText = string

export function labFromRow(row: LabRow): Lab {
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

export function boardFromRow(row: BoardRow): Board {
  return {
    id: row.id,
    labId: row.lab_id,
    title: row.title,
    phase: row.phase as Phase,
    template: row.template,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    archived: row.archived,
    deletedAt: row.deleted_at,
  }
}

export function identityFromRow(row: IdentityRow): StoredIdentity {
  return { id: row.id, labId: row.lab_id, name: row.name, color: row.color, secretHash: row.secret_hash, createdAt: row.created_at }
}

export function assetFromRow(row: AssetRow): StoredAsset {
  return { id: row.id, boardId: row.board_id, contentType: row.content_type, size: row.size, createdAt: row.created_at }
}

/**
 * Bytes read from a `bytea` column as a Uint8Array of their own: node-postgres may cut small
 * Buffers out of one shared slab, whose other bytes a caller must never reach through `.buffer`.
 */
export function ownBytes(data: Buffer): Uint8Array {
  return new Uint8Array(data)
}

/** A LIKE pattern matching the text that starts with `prefix`, taken literally (with `ESCAPE '\'`). */
export function likePrefix(prefix: string): string {
  return prefix.replace(/[\\%_]/g, (c) => `\\${c}`) + '%'
}
