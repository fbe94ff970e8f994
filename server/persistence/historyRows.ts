import type { StoredRecord } from '../../shared/boardDoc'
import type { CheckpointKind, PersonRef } from '../../shared/history'
import type { BinEntry, StoredCheckpoint } from './Storage'

/** A row of `checkpoints` without its state. */
export interface CheckpointRow {
  board_id: string
  id: string
  kind: string
  name: string | null
  created_at: string
  created_by: string | null
  contributors: string
  asset_ids: string
  state_bytes: number
}

/** A row of `board_bin`. */
export interface BinRow {
  record_id: string
  batch: string
  record: string
  deleted_at: string
  deleted_by: string | null
}

export function checkpointFromRow(row: CheckpointRow): StoredCheckpoint {
  return {
    id: row.id,
    boardId: row.board_id,
    kind: row.kind as CheckpointKind,
    name: row.name,
    createdAt: row.created_at,
    createdBy: row.created_by ? (JSON.parse(row.created_by) as PersonRef) : null,
    contributors: JSON.parse(row.contributors) as PersonRef[],
    bytes: row.state_bytes,
    assetIds: JSON.parse(row.asset_ids) as string[],
  }
}

export function binEntryFromRow(row: BinRow): BinEntry {
  return {
    recordId: row.record_id,
    batch: row.batch,
    record: JSON.parse(row.record) as StoredRecord,
    deletedAt: row.deleted_at,
    deletedBy: row.deleted_by ? (JSON.parse(row.deleted_by) as PersonRef) : null,
  }
}
