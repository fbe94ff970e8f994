import { randomBytes } from 'node:crypto'
import type { BoardPatch, NewBoardAssets } from './Storage'
import { applyBoardPatch } from './applyBoardPatch'
import type { Board, Lab, LabInvitations } from '../../shared/lab'
import type { Role } from '../../shared/roles'
import type { UpdateLabInput } from '../../shared/validation'
import { applyLabPatch } from './applyLabPatch'
import type { Identity } from '../../shared/identity'
import { secretJson } from './boardSecrets'
import type { BinEntry, BoardSecret, LabTokenHashes, Storage, StoredAsset, StoredCheckpoint, StoredIdentity, StoredUpdates } from './Storage'

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** UTF-8 byte order, as SQLite compares text: differs from code units for characters past U+FFFF. */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}

/**
 * Storage in memory, for tests of room logic and as the reference implementation of the
 * contract. Never the default: a restart loses everything.
 */
export class MemoryStorage implements Storage {
  private labs = new Map<string, { lab: Lab; tokens: LabTokenHashes; invitations: LabInvitations }>()
  private boards = new Map<string, Board>()
  private updates = new Map<string, { seq: number; data: Uint8Array }[]>()
  private assets = new Map<string, { asset: StoredAsset; data: Uint8Array }>()
  private identities = new Map<string, StoredIdentity>()
  /** Board id → key → value as JSON text (so reads are copies, as from a database). */
  private secrets = new Map<string, Map<string, string>>()
  private seq = 0
  private readonly serverSecret = randomBytes(32)
  /** Board id → checkpoint id → checkpoint (as JSON text, so reads are copies) and state. */
  private checkpoints = new Map<string, Map<string, { json: string; state: Uint8Array }>>()
  /** Board id → record id → bin entry as JSON text. */
  private bin = new Map<string, Map<string, string>>()

  async createLab(lab: Lab, tokens: LabTokenHashes, invitations: LabInvitations = { participant: null, viewer: null }): Promise<void> {
    if (this.labs.has(lab.id)) throw new Error(`MemoryStorage.createLab: lab ${lab.id} exists`)
    this.labs.set(lab.id, { lab: structuredClone(lab), tokens: { ...tokens }, invitations: { participant: invitations.participant, viewer: invitations.viewer } })
  }
  async getLabInvitations(labId: string): Promise<LabInvitations | null> {
    const entry = this.labs.get(labId)
    return entry ? { ...entry.invitations } : null
  }
  async replaceLabToken(labId: string, role: Role, tokenHash: string, invitation: string | null): Promise<boolean> {
    if (role === 'facilitator' && invitation !== null) throw new Error('MemoryStorage.replaceLabToken: the facilitator token is never stored')
    const entry = this.labs.get(labId)
    if (!entry) return false
    entry.tokens[role] = tokenHash
    if (role !== 'facilitator') entry.invitations[role] = invitation
    return true
  }
  async getServerSecret(): Promise<Uint8Array> {
    return new Uint8Array(this.serverSecret)
  }
  async getLab(labId: string): Promise<Lab | null> {
    const entry = this.labs.get(labId)
    return entry ? structuredClone(entry.lab) : null
  }
  async getLabTokenHashes(labId: string): Promise<LabTokenHashes | null> {
    const entry = this.labs.get(labId)
    return entry ? { ...entry.tokens } : null
  }
  async updateLab(labId: string, patch: UpdateLabInput, updatedAt: string): Promise<Lab | null> {
    const entry = this.labs.get(labId)
    if (!entry) return null
    entry.lab = applyLabPatch(entry.lab, structuredClone(patch), updatedAt)
    return structuredClone(entry.lab)
  }
  async createBoard(board: Board, initialUpdate: Uint8Array | null, assets: NewBoardAssets = {}): Promise<void> {
    if (!this.labs.has(board.labId)) throw new Error(`MemoryStorage.createBoard: lab ${board.labId} not found`)
    if (this.boards.has(board.id)) throw new Error(`MemoryStorage.createBoard: board ${board.id} exists`)
    // Everything is checked before anything is written: all or nothing.
    for (const { asset } of assets.add ?? []) {
      if (asset.boardId !== board.id) throw new Error(`MemoryStorage.createBoard: image ${asset.id} belongs to board ${asset.boardId}, not ${board.id}`)
    }
    const copies = (assets.copy?.assetIds ?? []).flatMap((id) => {
      const from = this.assets.get(`${assets.copy!.fromBoardId}/${id}`)
      return from ? [{ asset: { ...from.asset, boardId: board.id, createdAt: assets.copy!.createdAt }, data: from.data }] : []
    })
    this.boards.set(board.id, { ...board })
    if (initialUpdate) await this.appendUpdate(board.id, initialUpdate)
    for (const { asset, data } of [...(assets.add ?? []), ...copies]) await this.putAsset(asset, data)
  }
  async getBoard(boardId: string, options: { includeDeleted?: boolean } = {}): Promise<Board | null> {
    const board = this.boards.get(boardId)
    return board && (board.deletedAt === null || options.includeDeleted) ? { ...board } : null
  }
  async listBoards(labId: string): Promise<Board[]> {
    return [...this.boards.values()]
      .filter((b) => b.labId === labId && b.deletedAt === null)
      // Code-unit order, as SQLite's ORDER BY: localeCompare would put 'a…' before 'B…'.
      .sort((a, b) => compareCodeUnits(a.createdAt, b.createdAt) || compareCodeUnits(a.id, b.id))
      .map((b) => ({ ...b }))
  }
  async listDeletedBoards(labId: string): Promise<Board[]> {
    return [...this.boards.values()]
      .filter((b) => b.labId === labId && b.deletedAt !== null)
      .sort((a, b) => compareCodeUnits(b.deletedAt!, a.deletedAt!) || compareCodeUnits(a.id, b.id))
      .map((b) => ({ ...b }))
  }
  async updateBoard(boardId: string, patch: BoardPatch, updatedAt: string): Promise<Board | null> {
    const board = this.boards.get(boardId)
    if (!board) return null
    const next = applyBoardPatch(board, patch, updatedAt)
    this.boards.set(boardId, next)
    return { ...next }
  }
  async emptyBin(labId: string): Promise<string[]> {
    const ids = (await this.listDeletedBoards(labId)).map((b) => b.id)
    for (const id of ids) {
      this.updates.delete(id)
      for (const key of [...this.assets.keys()]) if (key.startsWith(`${id}/`)) this.assets.delete(key)
      this.secrets.delete(id)
      this.checkpoints.delete(id)
      this.bin.delete(id)
      this.boards.delete(id)
    }
    return ids
  }
  async loadUpdates(boardId: string): Promise<StoredUpdates> {
    const rows = this.updates.get(boardId) ?? []
    return { updates: rows.map((r) => r.data.slice()), lastSeq: rows.at(-1)?.seq ?? 0 }
  }
  async loadUpdatesSince(boardId: string, afterSeq: number): Promise<StoredUpdates> {
    const rows = (this.updates.get(boardId) ?? []).filter((r) => r.seq > afterSeq)
    return { updates: rows.map((r) => r.data.slice()), lastSeq: rows.at(-1)?.seq ?? afterSeq }
  }
  async appendUpdate(boardId: string, update: Uint8Array): Promise<number> {
    const rows = this.updates.get(boardId) ?? []
    const seq = ++this.seq
    rows.push({ seq, data: update.slice() })
    this.updates.set(boardId, rows)
    return seq
  }
  async compactUpdates(boardId: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    const rows = this.updates.get(boardId) ?? []
    const replaced = rows.filter((r) => r.seq <= throughSeq)
    const kept = rows.filter((r) => r.seq > throughSeq)
    // The snapshot takes the place of the newest row it replaces (see Storage.compactUpdates).
    if (replaced.length === 0) return
    this.updates.set(boardId, [{ seq: replaced.at(-1)!.seq, data: snapshot.slice() }, ...kept])
  }
  async countUpdates(boardId: string): Promise<number> {
    return this.updates.get(boardId)?.length ?? 0
  }
  async createIdentity(identity: StoredIdentity): Promise<void> {
    if (!this.labs.has(identity.labId)) throw new Error(`MemoryStorage.createIdentity: lab ${identity.labId} not found`)
    if (this.identities.has(identity.id)) throw new Error(`MemoryStorage.createIdentity: identity ${identity.id} exists`)
    this.identities.set(identity.id, { ...identity })
  }
  async getIdentity(identityId: string): Promise<StoredIdentity | null> {
    const identity = this.identities.get(identityId)
    return identity ? { ...identity } : null
  }
  async updateIdentity(identityId: string, patch: Partial<Identity>): Promise<StoredIdentity | null> {
    const identity = this.identities.get(identityId)
    if (!identity) return null
    if (patch.name !== undefined) identity.name = patch.name
    if (patch.color !== undefined) identity.color = patch.color
    return { ...identity }
  }
  async putAsset(asset: StoredAsset, data: Uint8Array): Promise<void> {
    this.assets.set(`${asset.boardId}/${asset.id}`, { asset: { ...asset }, data: data.slice() })
  }
  async getAsset(boardId: string, assetId: string): Promise<{ asset: StoredAsset; data: Uint8Array } | null> {
    const entry = this.assets.get(`${boardId}/${assetId}`)
    return entry ? { asset: { ...entry.asset }, data: entry.data.slice() } : null
  }
  async listAssets(boardId: string): Promise<StoredAsset[]> {
    return [...this.assets.values()]
      .filter((e) => e.asset.boardId === boardId)
      .map((e) => ({ ...e.asset }))
      .sort((a, b) => compareCodeUnits(a.createdAt, b.createdAt) || compareCodeUnits(a.id, b.id))
  }
  async deleteAssets(boardId: string, assetIds: readonly string[]): Promise<void> {
    for (const id of assetIds) this.assets.delete(`${boardId}/${id}`)
  }
  async labAssetBytes(labId: string): Promise<number> {
    let total = 0
    for (const { asset } of this.assets.values()) if (this.boards.get(asset.boardId)?.labId === labId) total += asset.size
    return total
  }
  async putBoardSecrets(boardId: string, entries: readonly BoardSecret[]): Promise<void> {
    if (!this.boards.has(boardId)) throw new Error(`MemoryStorage.putBoardSecrets: board ${boardId} not found`)
    // Every value is encoded before anything is written: all entries or none.
    const encoded = entries.map(({ key, value }) => ({ key, json: secretJson(key, value) }))
    let kept = this.secrets.get(boardId)
    if (!kept) this.secrets.set(boardId, (kept = new Map()))
    for (const { key, json } of encoded) {
      if (json === null) kept.delete(key)
      else kept.set(key, json)
    }
  }
  async listBoardSecrets(boardId: string, prefix: string): Promise<BoardSecret[]> {
    return [...(this.secrets.get(boardId) ?? new Map<string, string>())]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => compareUtf8(a, b))
      .map(([key, json]) => ({ key, value: JSON.parse(json) }))
  }
  async deleteBoardSecrets(boardId: string, prefix: string): Promise<number> {
    const kept = this.secrets.get(boardId)
    if (!kept) return 0
    let deleted = 0
    for (const key of [...kept.keys()]) {
      if (!key.startsWith(prefix)) continue
      kept.delete(key)
      deleted++
    }
    return deleted
  }
  async putCheckpoint(checkpoint: StoredCheckpoint, state: Uint8Array): Promise<void> {
    if (!this.boards.has(checkpoint.boardId)) throw new Error(`MemoryStorage.putCheckpoint: board ${checkpoint.boardId} not found`)
    let kept = this.checkpoints.get(checkpoint.boardId)
    if (!kept) this.checkpoints.set(checkpoint.boardId, (kept = new Map()))
    if (kept.has(checkpoint.id)) throw new Error(`MemoryStorage.putCheckpoint: checkpoint ${checkpoint.id} exists`)
    kept.set(checkpoint.id, { json: JSON.stringify(checkpoint), state: state.slice() })
  }
  async listCheckpoints(boardId: string): Promise<StoredCheckpoint[]> {
    return [...(this.checkpoints.get(boardId)?.values() ?? [])]
      .map((c) => JSON.parse(c.json) as StoredCheckpoint)
      .sort((a, b) => compareCodeUnits(b.createdAt, a.createdAt) || compareCodeUnits(b.id, a.id))
  }
  async getCheckpoint(boardId: string, checkpointId: string): Promise<{ checkpoint: StoredCheckpoint; state: Uint8Array } | null> {
    const kept = this.checkpoints.get(boardId)?.get(checkpointId)
    return kept ? { checkpoint: JSON.parse(kept.json) as StoredCheckpoint, state: kept.state.slice() } : null
  }
  async deleteCheckpoints(boardId: string, checkpointIds: readonly string[]): Promise<number> {
    const kept = this.checkpoints.get(boardId)
    let deleted = 0
    for (const id of checkpointIds) if (kept?.delete(id)) deleted++
    return deleted
  }
  async putInBin(boardId: string, entries: readonly BinEntry[]): Promise<void> {
    if (entries.length === 0) return
    if (!this.boards.has(boardId)) throw new Error(`MemoryStorage.putInBin: board ${boardId} not found`)
    const encoded = entries.map((e) => [e.recordId, JSON.stringify(e)] as const)
    let kept = this.bin.get(boardId)
    if (!kept) this.bin.set(boardId, (kept = new Map()))
    for (const [id, json] of encoded) kept.set(id, json)
  }
  async listBin(boardId: string, since = ''): Promise<BinEntry[]> {
    return [...(this.bin.get(boardId)?.values() ?? [])]
      .map((json) => JSON.parse(json) as BinEntry)
      .filter((e) => e.deletedAt >= since)
      .sort((a, b) => compareCodeUnits(b.deletedAt, a.deletedAt) || compareCodeUnits(b.batch, a.batch) || compareUtf8(a.recordId, b.recordId))
  }
  async removeFromBin(boardId: string, recordIds: readonly string[]): Promise<number> {
    const kept = this.bin.get(boardId)
    let removed = 0
    for (const id of recordIds) if (kept?.delete(id)) removed++
    return removed
  }
  async purgeBin(before: string): Promise<number> {
    let purged = 0
    for (const kept of this.bin.values()) {
      for (const [id, json] of kept) {
        if ((JSON.parse(json) as BinEntry).deletedAt >= before) continue
        kept.delete(id)
        purged++
      }
    }
    return purged
  }
  async close(): Promise<void> {}
}
