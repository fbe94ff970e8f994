/**
 * A board's history as the API shows it: checkpoints (whole states kept at moments that
 * matter) and the bin (records deleted lately). Both sides agree on these shapes.
 */

/**
 * Why a checkpoint was taken: `auto` (activity went quiet, or the last person left after
 * editing), `named` (a facilitator named it: « Fin de l'atelier du 12 mars »),
 * `before-restore` (the state just before a restore, so a restore can be undone).
 */
export type CheckpointKind = 'auto' | 'named' | 'before-restore'

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
  /** Size of the board's state at that moment (uncompressed), bytes. */
  bytes: number
}

export const CHECKPOINT_NAME_MAX = 120

/** `GET /api/boards/:boardId/bin`: records deleted from the board, grouped by the change that deleted them. */
export interface BinBatch {
  batch: string
  deletedAt: string
  deletedBy: PersonRef | null
  /** The deleted records (shapes, bindings, assets), as they were. */
  records: { id: string; typeName: string; type?: string; text?: string }[]
}
