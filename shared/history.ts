/**
 * A board's history as the API shows it: checkpoints (the board's records kept at moments that
 * matter; `GET …/checkpoints/:id/state` is a Yjs update of a document holding them and the
 * board's `meta`) and the bin (records deleted lately). Both sides agree on these shapes.
 */

/**
 * Why a checkpoint was taken: `auto` (activity went quiet, or the last person left after
 * editing), `named` (a facilitator named it: « Fin de l'atelier du 12 mars »),
 * `before-restore` (the state just before a restore, so a restore can be undone).
 */
export type CheckpointKind = 'auto' | 'named' | 'before-restore'

export const CHECKPOINT_KINDS: readonly CheckpointKind[] = ['auto', 'named', 'before-restore']

export interface PersonRef {
  id: string
  name: string
}

/** `GET /api/boards/:boardId/checkpoints`: one entry, newest first (its state is fetched apart). */
export interface CheckpointSummary {
  id: string
  boardId: string
  kind: CheckpointKind
  /** Given by a facilitator (named checkpoints), else null. */
  name: string | null
  /** ISO time. */
  createdAt: string
  /** Who took it (named, before-restore), or null when the server took it by itself. */
  createdBy: PersonRef | null
  /** Who changed the board since the previous checkpoint. */
  contributors: PersonRef[]
  /** Size of the checkpoint's state (its Yjs update, uncompressed), bytes. */
  bytes: number
}

/** `GET /api/boards/:boardId/checkpoints`. */
export interface CheckpointList {
  checkpoints: CheckpointSummary[]
}

export const CHECKPOINT_NAME_MAX = 120

/** `POST /api/boards/:boardId/checkpoints/:checkpointId/restore`. */
export interface RestoreResult {
  /** The checkpoint the board now equals (its records). */
  restored: CheckpointSummary
  /** The state just before the restore: restoring it undoes the restore. */
  before: CheckpointSummary
  /** Records written back (changed or re-created) and removed (they went to the bin). */
  changed: number
  removed: number
}

/** One record in the bin, summarised for a list. */
export interface BinRecordSummary {
  id: string
  typeName: string
  /** The shape's type (`note`, `geo`, `arrow`…) for shapes. */
  type?: string
  /** Its text, when it has some (notes, text, shapes with a label). */
  text?: string
}

/** `GET /api/boards/:boardId/bin`: records deleted from the board, grouped by the change that deleted them. */
export interface BinBatch {
  batch: string
  deletedAt: string
  deletedBy: PersonRef | null
  /** The deleted records (shapes, bindings, assets), as they were. */
  records: BinRecordSummary[]
}

/** `GET /api/boards/:boardId/bin`, newest batch first. */
export interface BinList {
  batches: BinBatch[]
  /** How long deleted records stay in the bin, in days (`BIN_RETENTION_DAYS`). */
  retentionDays: number
}

/** Most records one put-back may name. */
export const BIN_RESTORE_MAX_IDS = 1000

/** `POST /api/boards/:boardId/bin/restore` body: records by id, or a whole batch. */
export type BinRestoreRequest = { ids: string[] } | { batch: string }

/** `POST /api/boards/:boardId/bin/restore` answer. */
export interface BinRestoreResult {
  /** Records written back on the board (they left the bin). */
  restored: string[]
  /** Shapes whose frame or group is gone, put on the page instead. */
  reparented: number
  /** Bindings left in the bin: one of their ends is not on the board. */
  skipped: string[]
}

/** A checked request body, or why it is not acceptable (naming the field). */
export type Checked<T> = { ok: true; value: T } | { ok: false; error: string }

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/

/** `POST /api/boards/:boardId/checkpoints` body: `{ name }`, 1 to {@link CHECKPOINT_NAME_MAX} characters once trimmed, one line. */
export function checkCheckpointInput(body: unknown): Checked<{ name: string }> {
  const name = (body as { name?: unknown } | null)?.name
  if (typeof name !== 'string') return { ok: false, error: '"name" must be text' }
  const trimmed = name.trim()
  if (trimmed.length === 0) return { ok: false, error: '"name" must not be empty' }
  if (trimmed.length > CHECKPOINT_NAME_MAX) return { ok: false, error: `"name" must be at most ${CHECKPOINT_NAME_MAX} characters` }
  if (CONTROL_CHARACTERS.test(trimmed)) return { ok: false, error: '"name" must be one line of text' }
  return { ok: true, value: { name: trimmed } }
}

/** Longest record id accepted in a put-back (tldraw's are ~30 characters). */
const RECORD_ID_MAX = 200

/** `POST /api/boards/:boardId/bin/restore` body: `{ ids: [...] }` (1 to {@link BIN_RESTORE_MAX_IDS} record ids) or `{ batch }`. */
export function checkBinRestoreInput(body: unknown): Checked<BinRestoreRequest> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, error: 'the body must be an object with "ids" or "batch"' }
  const { ids, batch } = body as { ids?: unknown; batch?: unknown }
  if ((ids === undefined) === (batch === undefined)) return { ok: false, error: 'give either "ids" or "batch"' }
  if (batch !== undefined) {
    if (typeof batch !== 'string' || batch.length === 0 || batch.length > 64) return { ok: false, error: '"batch" must be a batch id' }
    return { ok: true, value: { batch } }
  }
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > BIN_RESTORE_MAX_IDS) return { ok: false, error: `"ids" must be a list of 1 to ${BIN_RESTORE_MAX_IDS} record ids` }
  if (!ids.every((id) => typeof id === 'string' && id.length > 0 && id.length <= RECORD_ID_MAX)) return { ok: false, error: '"ids" must hold record ids' }
  return { ok: true, value: { ids: [...new Set(ids as string[])] } }
}
