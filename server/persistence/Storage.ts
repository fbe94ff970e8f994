import type { StoredRecord } from '../../shared/boardDoc'
import type { CheckpointSummary, PersonRef } from '../../shared/history'
import type { Identity } from '../../shared/identity'
import type { Board, Lab, LabInvitations } from '../../shared/lab'
import type { Role } from '../../shared/roles'
import type { UpdateLabInput } from '../../shared/validation'

/**
 * SHA-256 hashes of a lab's three tokens, which are what authorizes. The facilitator's token
 * itself is never stored; the participant's and viewer's are also kept as
 * {@link LabInvitations} (they are links meant to be shared, shown again to facilitators).
 */
export interface LabTokenHashes {
  facilitator: string
  participant: string
  viewer: string
}

/** A board's stored update log. */
export interface StoredUpdates {
  updates: Uint8Array[]
  /** Sequence number of the last row, 0 when the log is empty. */
  lastSeq: number
}

/** An image or file stored beside a board. */
export interface StoredAsset {
  id: string
  boardId: string
  contentType: string
  size: number
  createdAt: string
}

/** What managing a board changes of it (see {@link Storage.updateBoard}); absent fields stay. */
export interface BoardPatch {
  title?: string
  phase?: Board['phase']
  archived?: boolean
  /** When it went to the lab's bin (ISO), or null to take it out. */
  deletedAt?: string | null
}

/** Images a new board starts with (see {@link Storage.createBoard}). */
export interface NewBoardAssets {
  /** Images given with their bytes (e.g. decoded from an imported file). */
  add?: readonly { asset: StoredAsset; data: Uint8Array }[]
  /**
   * Images of another board copied under the same ids (a duplicate), bytes copied by the
   * storage itself; ids that board does not have are skipped.
   */
  copy?: { fromBoardId: string; assetIds: readonly string[]; createdAt: string }
}

/** An identity as stored: the secret only as a hash. */
export interface StoredIdentity extends Identity {
  labId: string
  secretHash: string
  createdAt: string
}

/**
 * One entry of a board's state kept out of its document (see {@link Storage.putBoardSecrets}):
 * a key chosen by the caller (`ballot/<voteId>/<identityId>`, `private/<roundId>/…`) and a
 * JSON value.
 */
export interface BoardSecret {
  key: string
  value: unknown
}

/** A checkpoint as kept: what the API shows, and the images its state refers to. */
export interface StoredCheckpoint extends CheckpointSummary {
  /** Ids of this board's images the checkpoint's records point to (kept while it exists). */
  assetIds: string[]
}

/** A record deleted from a board, kept in its bin (see {@link Storage.putInBin}). */
export interface BinEntry {
  recordId: string
  /** One id per change that deleted records: what was deleted together. */
  batch: string
  /** The record as it was (JSON). */
  record: StoredRecord
  /** ISO time. */
  deletedAt: string
  deletedBy: PersonRef | null
}

/**
 * Everything Fabrique keeps. Methods are async so that backends over the network (PostgreSQL)
 * fit the same interface; the SQLite backend answers synchronously inside the promise.
 * Every backend passes `test/persistence/storageContract.ts`.
 */
export interface Storage {
  /** Creates a lab with its token hashes and invitations (unknown ones null, the default). */
  createLab(lab: Lab, tokens: LabTokenHashes, invitations?: LabInvitations): Promise<void>
  getLab(labId: string): Promise<Lab | null>
  getLabTokenHashes(labId: string): Promise<LabTokenHashes | null>
  /** The participant and viewer tokens of a lab (null where unknown: labs made before they were kept), or null for an unknown lab. */
  getLabInvitations(labId: string): Promise<LabInvitations | null>
  /**
   * Replaces one role's secret, atomically: its hash and, for participant and viewer, the
   * invitation token (`invitation` must be null for the facilitator, whose token is never
   * stored). Returns false when the lab does not exist.
   */
  replaceLabToken(labId: string, role: Role, tokenHash: string, invitation: string | null): Promise<boolean>
  /** Applies a validated patch; returns the updated lab, or null when it does not exist. */
  updateLab(labId: string, patch: UpdateLabInput, updatedAt: string): Promise<Lab | null>

  /**
   * Creates a board and, in the same transaction, its first update (e.g. its template) and its
   * first images: all or nothing.
   */
  createBoard(board: Board, initialUpdate: Uint8Array | null, assets?: NewBoardAssets): Promise<void>
  /**
   * A board, or null when it does not exist — or is in its lab's bin, unless `includeDeleted`
   * (only the bin's own routes ask for those: everything else treats them as gone).
   */
  getBoard(boardId: string, options?: { includeDeleted?: boolean }): Promise<Board | null>
  /** A lab's boards, archived ones included, not those in its bin: by creation time, then id. */
  listBoards(labId: string): Promise<Board[]>
  /** The boards in a lab's bin, the last deleted first (then by id). */
  listDeletedBoards(labId: string): Promise<Board[]>
  /**
   * Applies a validated patch to a board (in the bin or not) and sets its `updatedAt`; returns
   * it updated, or null when it does not exist.
   */
  updateBoard(boardId: string, patch: BoardPatch, updatedAt: string): Promise<Board | null>
  /**
   * Deletes for good, in one transaction, every board in the lab's bin with everything of
   * theirs: updates, images, checkpoints, bin entries, kept secrets. Resolves with their ids.
   */
  emptyBin(labId: string): Promise<string[]>

  /** A board's whole log, in sequence order. */
  loadUpdates(boardId: string): Promise<StoredUpdates>
  /**
   * The rows of a board's log with a sequence number above `afterSeq`, in order: what an
   * instance that has seen the log through `afterSeq` lacks (e.g. after missed fan-out
   * messages). `lastSeq` is the last row's, or `afterSeq` itself when there is none; from 0 it
   * is {@link loadUpdates}.
   */
  loadUpdatesSince(boardId: string, afterSeq: number): Promise<StoredUpdates>
  /**
   * Appends one update to a board's log; resolves with its sequence number once durable.
   * Sequence numbers grow in commit order per board (not necessarily by one): once a reader has
   * seen a board's row `n`, every row committed later has a number above `n`, even with several
   * processes appending.
   */
  appendUpdate(boardId: string, update: Uint8Array): Promise<number>
  /**
   * Replaces the rows up to `throughSeq` by `snapshot` (which must contain all of them), in one
   * transaction; rows above it (e.g. appended meanwhile by another process) are kept as they
   * are. The snapshot takes the sequence number of the newest row it replaces: it stays before
   * the rows it was not made from, `lastSeq` does not move, and a reader that had seen the log
   * through that number lacks nothing (it had seen every row replaced). When no row is at or
   * below `throughSeq` (another process compacted them into a row above it), nothing is replaced
   * and nothing is written: the rows above hold everything. (Appending the snapshot there would
   * give it a number no instance was told about: a gap each would wait to fill.)
   */
  compactUpdates(boardId: string, snapshot: Uint8Array, throughSeq: number): Promise<void>
  countUpdates(boardId: string): Promise<number>

  createIdentity(identity: StoredIdentity): Promise<void>
  getIdentity(identityId: string): Promise<StoredIdentity | null>
  /** Changes an identity's name and/or colour; returns it updated, or null when it does not exist. */
  updateIdentity(identityId: string, patch: Partial<Identity>): Promise<StoredIdentity | null>

  putAsset(asset: StoredAsset, data: Uint8Array): Promise<void>
  getAsset(boardId: string, assetId: string): Promise<{ asset: StoredAsset; data: Uint8Array } | null>
  /** A board's assets (without their bytes), oldest first. */
  listAssets(boardId: string): Promise<StoredAsset[]>
  deleteAssets(boardId: string, assetIds: readonly string[]): Promise<void>
  /** Bytes of all images of a lab's boards. */
  labAssetBytes(labId: string): Promise<number>

  /**
   * Board state that must not be in the board's document, because every client receives the
   * whole document: ballots before a vote is revealed, private notes before a round is. Puts
   * `value` (JSON) under each key, or deletes the key when `value` is null; all entries or none
   * (atomic). Rejects for an unknown board.
   */
  putBoardSecrets(boardId: string, entries: readonly BoardSecret[]): Promise<void>
  /** A board's kept entries whose key starts with `prefix` (taken literally), in key order. */
  listBoardSecrets(boardId: string, prefix: string): Promise<BoardSecret[]>
  /** Deletes a board's kept entries whose key starts with `prefix`; resolves with how many. */
  deleteBoardSecrets(boardId: string, prefix: string): Promise<number>

  /**
   * Keeps a checkpoint of a board: its summary and its state, bytes kept as given (the
   * history compresses them). Rejects for an unknown board or a checkpoint id already used.
   */
  putCheckpoint(checkpoint: StoredCheckpoint, state: Uint8Array): Promise<void>
  /** A board's checkpoints without their states, newest first (then by id, descending). */
  listCheckpoints(boardId: string): Promise<StoredCheckpoint[]>
  /** One checkpoint with its state, or null (unknown, or another board's). */
  getCheckpoint(boardId: string, checkpointId: string): Promise<{ checkpoint: StoredCheckpoint; state: Uint8Array } | null>
  /** Deletes some of a board's checkpoints; resolves with how many there were. */
  deleteCheckpoints(boardId: string, checkpointIds: readonly string[]): Promise<number>

  /**
   * Puts deleted records in a board's bin, all or none; an entry replaces the one of the same
   * record (a record deleted again). Rejects for an unknown board.
   */
  putInBin(boardId: string, entries: readonly BinEntry[]): Promise<void>
  /** A board's bin, newest first (then by batch and record id), deleted at or after `since` (ISO) when given. */
  listBin(boardId: string, since?: string): Promise<BinEntry[]>
  /** Takes records out of a board's bin; resolves with how many were there. */
  removeFromBin(boardId: string, recordIds: readonly string[]): Promise<number>
  /** Empties every board's bin of what was deleted before `before` (ISO); resolves with how many. */
  purgeBin(before: string): Promise<number>

  /**
   * This server's signing key (at least 32 random bytes): made on first call, then the same
   * for ever, across restarts (and shared by every process on the same storage).
   */
  getServerSecret(): Promise<Uint8Array>

  close(): Promise<void>
}
