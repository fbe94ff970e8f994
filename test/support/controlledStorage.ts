import type { Board, Lab, LabInvitations } from '../../shared/lab'
import type { Role } from '../../shared/roles'
import type { UpdateLabInput } from '../../shared/validation'
import type { Identity } from '../../shared/identity'
import type { BinEntry, BoardSecret, LabTokenHashes, Storage, StoredAsset, StoredCheckpoint, StoredIdentity, StoredUpdates } from '../../server/persistence/Storage'

import type { BoardPatch, NewBoardAssets } from '../../server/persistence/Storage'

/** A write that is held until the test releases it. */
interface Held {
  release: () => void
}

/**
 * Wraps a real storage so tests can hold writes in flight (to observe what happens before
 * they are durable) or make them fail. Everything else is passed through unchanged.
 */
export class ControlledStorage implements Storage {
  /** Number of `appendUpdate` calls received (held, failed or passed through). */
  appendCalls = 0
  /**
   * Groups of `appendUpdate` calls made in the same synchronous run: the storages commit each
   * group in one transaction (SQLite, PostgreSQL), so this counts the transactions they would make.
   */
  appendBatches = 0
  private appendBatchOpen = false
  compactCalls = 0
  /** While true, new appends wait for {@link releaseAppends}. */
  holdAppends = false
  /** While true, new compactions wait for {@link releaseCompactions}. */
  holdCompactions = false
  /** When set, appends reject with this error (without reaching the inner storage). */
  failAppends: Error | null = null
  /** When set, writing or deleting board secrets rejects with this error (without reaching the inner storage). */
  failSecretWrites: Error | null = null
  /** When set, keeping checkpoints or putting records in the bin rejects with this error (without reaching the inner storage). */
  failHistoryWrites: Error | null = null
  /** When set, loading a board's updates rejects with this error. */
  failLoads: Error | null = null
  /** While true, loading a board's updates waits for {@link releaseLoads}. */
  holdLoads = false
  private heldLoads: Held[] = []
  private heldAppends: Held[] = []
  private heldCompactions: Held[] = []

  constructor(readonly inner: Storage) {}

  /** Appends waiting for release. */
  get heldAppendCount(): number {
    return this.heldAppends.length
  }

  get heldCompactionCount(): number {
    return this.heldCompactions.length
  }

  /** Lets every held append through, and stops holding new ones. */
  releaseAppends(): void {
    this.holdAppends = false
    for (const h of this.heldAppends.splice(0)) h.release()
  }

  releaseLoads(): void {
    this.holdLoads = false
    for (const h of this.heldLoads.splice(0)) h.release()
  }

  releaseCompactions(): void {
    this.holdCompactions = false
    for (const h of this.heldCompactions.splice(0)) h.release()
  }

  async appendUpdate(boardId: string, update: Uint8Array): Promise<number> {
    this.appendCalls++
    if (!this.appendBatchOpen) {
      this.appendBatches++
      this.appendBatchOpen = true
      queueMicrotask(() => (this.appendBatchOpen = false))
    }
    if (this.failAppends) throw this.failAppends
    if (this.holdAppends) await new Promise<void>((release) => this.heldAppends.push({ release }))
    return this.inner.appendUpdate(boardId, update)
  }

  async compactUpdates(boardId: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    this.compactCalls++
    if (this.holdCompactions) await new Promise<void>((release) => this.heldCompactions.push({ release }))
    return this.inner.compactUpdates(boardId, snapshot, throughSeq)
  }

  createLab(lab: Lab, tokens: LabTokenHashes, invitations?: LabInvitations): Promise<void> {
    return this.inner.createLab(lab, tokens, invitations)
  }
  getLabInvitations(labId: string): Promise<LabInvitations | null> {
    return this.inner.getLabInvitations(labId)
  }
  replaceLabToken(labId: string, role: Role, tokenHash: string, invitation: string | null): Promise<boolean> {
    return this.inner.replaceLabToken(labId, role, tokenHash, invitation)
  }
  getServerSecret(): Promise<Uint8Array> {
    return this.inner.getServerSecret()
  }
  getLab(labId: string): Promise<Lab | null> {
    return this.inner.getLab(labId)
  }
  getLabTokenHashes(labId: string): Promise<LabTokenHashes | null> {
    return this.inner.getLabTokenHashes(labId)
  }
  updateLab(labId: string, patch: UpdateLabInput, updatedAt: string): Promise<Lab | null> {
    return this.inner.updateLab(labId, patch, updatedAt)
  }
  createBoard(board: Board, initialUpdate: Uint8Array | null, assets?: NewBoardAssets): Promise<void> {
    return this.inner.createBoard(board, initialUpdate, assets)
  }
  getBoard(boardId: string, options?: { includeDeleted?: boolean }): Promise<Board | null> {
    return this.inner.getBoard(boardId, options)
  }
  listBoards(labId: string): Promise<Board[]> {
    return this.inner.listBoards(labId)
  }
  listDeletedBoards(labId: string): Promise<Board[]> {
    return this.inner.listDeletedBoards(labId)
  }
  updateBoard(boardId: string, patch: BoardPatch, updatedAt: string): Promise<Board | null> {
    return this.inner.updateBoard(boardId, patch, updatedAt)
  }
  emptyBin(labId: string): Promise<string[]> {
    return this.inner.emptyBin(labId)
  }
  async loadUpdates(boardId: string): Promise<StoredUpdates> {
    if (this.failLoads) throw this.failLoads
    if (this.holdLoads) await new Promise<void>((release) => this.heldLoads.push({ release }))
    return this.inner.loadUpdates(boardId)
  }
  async loadUpdatesSince(boardId: string, afterSeq: number): Promise<StoredUpdates> {
    if (this.failLoads) throw this.failLoads
    if (this.holdLoads) await new Promise<void>((release) => this.heldLoads.push({ release }))
    return this.inner.loadUpdatesSince(boardId, afterSeq)
  }
  countUpdates(boardId: string): Promise<number> {
    return this.inner.countUpdates(boardId)
  }
  createIdentity(identity: StoredIdentity): Promise<void> {
    return this.inner.createIdentity(identity)
  }
  getIdentity(identityId: string): Promise<StoredIdentity | null> {
    return this.inner.getIdentity(identityId)
  }
  updateIdentity(identityId: string, patch: Partial<Identity>): Promise<StoredIdentity | null> {
    return this.inner.updateIdentity(identityId, patch)
  }
  putAsset(asset: StoredAsset, data: Uint8Array): Promise<void> {
    return this.inner.putAsset(asset, data)
  }
  getAsset(boardId: string, assetId: string): Promise<{ asset: StoredAsset; data: Uint8Array } | null> {
    return this.inner.getAsset(boardId, assetId)
  }
  listAssets(boardId: string): Promise<StoredAsset[]> {
    return this.inner.listAssets(boardId)
  }
  deleteAssets(boardId: string, assetIds: readonly string[]): Promise<void> {
    return this.inner.deleteAssets(boardId, assetIds)
  }
  labAssetBytes(labId: string): Promise<number> {
    return this.inner.labAssetBytes(labId)
  }
  async putBoardSecrets(boardId: string, entries: readonly BoardSecret[]): Promise<void> {
    if (this.failSecretWrites) throw this.failSecretWrites
    return this.inner.putBoardSecrets(boardId, entries)
  }
  listBoardSecrets(boardId: string, prefix: string): Promise<BoardSecret[]> {
    return this.inner.listBoardSecrets(boardId, prefix)
  }
  async deleteBoardSecrets(boardId: string, prefix: string): Promise<number> {
    if (this.failSecretWrites) throw this.failSecretWrites
    return this.inner.deleteBoardSecrets(boardId, prefix)
  }
  async putCheckpoint(checkpoint: StoredCheckpoint, state: Uint8Array): Promise<void> {
    if (this.failHistoryWrites) throw this.failHistoryWrites
    return this.inner.putCheckpoint(checkpoint, state)
  }
  listCheckpoints(boardId: string): Promise<StoredCheckpoint[]> {
    return this.inner.listCheckpoints(boardId)
  }
  getCheckpoint(boardId: string, checkpointId: string): Promise<{ checkpoint: StoredCheckpoint; state: Uint8Array } | null> {
    return this.inner.getCheckpoint(boardId, checkpointId)
  }
  deleteCheckpoints(boardId: string, checkpointIds: readonly string[]): Promise<number> {
    return this.inner.deleteCheckpoints(boardId, checkpointIds)
  }
  async putInBin(boardId: string, entries: readonly BinEntry[]): Promise<void> {
    if (this.failHistoryWrites) throw this.failHistoryWrites
    return this.inner.putInBin(boardId, entries)
  }
  listBin(boardId: string, since?: string): Promise<BinEntry[]> {
    return this.inner.listBin(boardId, since)
  }
  removeFromBin(boardId: string, recordIds: readonly string[]): Promise<number> {
    return this.inner.removeFromBin(boardId, recordIds)
  }
  purgeBin(before: string): Promise<number> {
    return this.inner.purgeBin(before)
  }
  close(): Promise<void> {
    this.releaseLoads()
    this.releaseAppends()
    this.releaseCompactions()
    return this.inner.close()
  }
}
