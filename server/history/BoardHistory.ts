import * as Y from 'yjs'
import type { SerializedSchema } from '@tldraw/store'
import { getRecordsMap, type StoredRecord } from '../../shared/boardDoc'
import type { CheckpointKind, PersonRef } from '../../shared/history'
import { generateId } from '../access/tokens'
import type { Logger } from '../logger'
import type { BinEntry, Storage, StoredCheckpoint } from '../persistence/Storage'
import { Connection } from '../rooms/Connection'
import type { Room } from '../rooms/Room'
import { SerialQueue } from '../workshop/SerialQueue'
import { assetIdsOf, compressState, decompressState, encodeCheckpoint, readCheckpointRecords } from './checkpointState'
import { HistoryError } from './HistoryError'
import { isBoardContent } from './isBoardContent'
import { recordsToPutBack } from './recordsToPutBack'
import { recordsToRestore } from './recordsToRestore'
import { checkpointsToThin } from './thinCheckpoints'

/**
 * Keys of `Y.Transaction.meta` a server write of the history sets, so that what it changes is
 * attributed to the facilitator who asked (and, for a restore, what it removes goes to the bin).
 */
const ACTOR = 'fabrique.history.actor'
const BIN_DELETIONS = 'fabrique.history.binDeletions'

export interface BoardHistoryOptions {
  storage: Storage
  logger: Logger
  /** An automatic checkpoint is taken once edits have stopped for this long. */
  idleMs: number
  /** How long deleted records stay in the bin. */
  binRetentionMs: number
  /** This server's tldraw schema (checkpoints written under an older one are migrated to it). */
  currentSchema: () => Promise<SerializedSchema>
  now: () => number
  /** Told of every checkpoint kept. */
  onCheckpoint?: (checkpoint: StoredCheckpoint) => void
}

/** Which records to put back: some by id, or a whole batch. */
export type BinSelection = { ids: readonly string[] } | { batch: string }

const isRecord = (value: unknown): value is StoredRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as StoredRecord).id === 'string' && typeof (value as StoredRecord).typeName === 'string'

/**
 * One loaded board's history: it watches every change to the board's records (after the rules
 * have judged them) to know who contributed and what was deleted, takes checkpoints, restores
 * them and puts deleted records back.
 *
 * - Deleted records go to the bin, one batch per transaction, durably before the deletion is
 *   stored or relayed (`Room.holdRelayUntil`): nothing deleted is ever only in memory.
 * - A checkpoint's state is read inside a server write (`Room.transact`), so it is exactly
 *   what is stored at that point of the board's order of changes, and durable.
 * - Checkpoint work (taking, thinning, restoring, putting back) runs one job at a time.
 */
export class BoardHistory {
  /** The records changed since the last checkpoint. */
  private dirty = false
  /** Who changed them: identity id → name (null: an author, named when the checkpoint is kept). */
  private contributors = new Map<string, string | null>()
  private idleTimer: NodeJS.Timeout | null = null
  private readonly queue = new SerialQueue()
  private closed = false
  private readonly logger: Logger

  constructor(
    private readonly room: Room,
    private readonly options: BoardHistoryOptions,
  ) {
    this.logger = room.logger.child({ part: 'history' })
    getRecordsMap(room.doc).observe(this.onRecords)
  }

  /** Whether the board changed since its last checkpoint. */
  get hasUnsavedEdits(): boolean {
    return this.dirty
  }

  /** Every change to the records, once the transaction (with its corrections) is over. */
  private readonly onRecords = (event: Y.YMapEvent<StoredRecord>, tr: Y.Transaction): void => {
    // `keysChanged` is at hand; `changes` (the old values) is computed only for a deletion.
    if (event.keysChanged.size === 0) return
    const origin = tr.origin
    let actor: PersonRef | null = null
    let binDeletions = false
    let byAuthors = false
    if (origin instanceof Connection) {
      actor = origin.identity.ephemeral ? null : { id: origin.identity.id, name: origin.identity.name }
      binDeletions = true
    } else if (tr.meta.has(ACTOR)) {
      actor = tr.meta.get(ACTOR) as PersonRef
      binDeletions = tr.meta.get(BIN_DELETIONS) === true
    } else {
      // Another server write (a private round revealed): its records' authors contributed.
      byAuthors = true
    }
    const records = getRecordsMap(this.room.doc)
    const deleted: StoredRecord[] = []
    let edited = false
    for (const key of event.keysChanged) {
      const present = records.has(key)
      // Set and deleted within the transaction: no change at all.
      const oldValue = present ? undefined : event.changes.keys.get(key)?.oldValue
      if (!present && oldValue === undefined) continue
      const record = present ? records.get(key) : oldValue
      // tldraw keeps a `user:` record per person who opened the board: joining is no edit.
      if (!isBoardContent(key, record)) continue
      edited = true
      if (!present) {
        if (isRecord(oldValue) && oldValue.typeName !== 'document') deleted.push(oldValue)
      } else if (byAuthors) {
        const author = (record?.meta as { author?: unknown } | undefined)?.author
        if (typeof author === 'string' && !this.contributors.has(author)) this.contributors.set(author, null)
      }
    }
    if (!edited) return
    this.dirty = true
    if (actor) this.contributors.set(actor.id, actor.name)
    if (binDeletions && deleted.length > 0) {
      const deletedAt = new Date(this.options.now()).toISOString()
      const batch = generateId()
      const entries: BinEntry[] = deleted.map((record) => ({ recordId: record.id, batch, record, deletedAt, deletedBy: actor }))
      this.room.holdRelayUntil(this.options.storage.putInBin(this.room.boardId, entries))
    }
    this.scheduleIdle()
  }

  private scheduleIdle(): void {
    if (this.closed) return
    // Edits come many times a second: the same timer, pushed back.
    if (this.idleTimer) {
      this.idleTimer.refresh()
      return
    }
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null
      void this.takeAuto().catch((err: unknown) => this.logger.error('automatic checkpoint failed', { err }))
    }, this.options.idleMs)
    this.idleTimer.unref()
  }

  /** Takes an automatic checkpoint if the board changed since the last one; resolves with it, or null. */
  takeAuto(): Promise<StoredCheckpoint | null> {
    if (this.closed) return Promise.resolve(null)
    return this.queue.run(async () => (this.closed || !this.dirty ? null : this.capture('auto', null, null)))
  }

  /** Takes a checkpoint a facilitator named. */
  takeNamed(name: string, by: PersonRef | null): Promise<StoredCheckpoint> {
    if (this.closed) return Promise.reject(new Error(`BoardHistory: board ${this.room.boardId} is leaving memory`))
    return this.queue.run(async () => this.capture('named', name, by))
  }

  /** A connection left: if it was the last and the board changed, a checkpoint is taken. */
  onDisconnect(): void {
    if (this.room.connectionCount > 0 || !this.dirty) return
    void this.takeAuto().catch((err: unknown) => this.logger.error('checkpoint after the last person left failed', { err }))
  }

  /**
   * Reads the board as stored at this point of its order of changes (everything before is
   * durable once `transact` resolves), then keeps it.
   */
  private async capture(kind: CheckpointKind, name: string | null, by: PersonRef | null): Promise<StoredCheckpoint> {
    interface Taken {
      state: Uint8Array
      assetIds: string[]
      contributors: Map<string, string | null>
      at: number
    }
    const box: { taken: Taken | null } = { taken: null }
    try {
      await this.room.transact((doc) => {
        box.taken = { state: encodeCheckpoint(doc), assetIds: this.assetIds(), contributors: this.takeContributors(), at: this.options.now() }
      })
      const taken = box.taken as Taken | null
      if (!taken) throw new Error(`BoardHistory.capture: board ${this.room.boardId} was not read`)
      return await this.keep(kind, taken.state, taken.assetIds, taken.contributors, taken.at, name, by)
    } catch (err) {
      const taken = box.taken as Taken | null
      if (taken) this.giveBack(taken.contributors)
      throw err
    }
  }

  private assetIds(): string[] {
    return assetIdsOf(getRecordsMap(this.room.doc).values(), this.room.boardId)
  }

  /** The contributors since the last checkpoint, for the one being taken: the board is clean from here. */
  private takeContributors(): Map<string, string | null> {
    const taken = this.contributors
    this.contributors = new Map()
    this.dirty = false
    return taken
  }

  /** A checkpoint could not be kept: its contributors (and edits) wait for the next one. */
  private giveBack(contributors: Map<string, string | null>): void {
    for (const [id, name] of contributors) if (!this.contributors.has(id) || this.contributors.get(id) === null) this.contributors.set(id, name)
    this.dirty = true
  }

  private async keep(kind: CheckpointKind, state: Uint8Array, assetIds: string[], contributors: Map<string, string | null>, at: number, name: string | null, by: PersonRef | null): Promise<StoredCheckpoint> {
    const [kept, people] = await Promise.all([compressState(state), this.named(contributors)])
    const checkpoint: StoredCheckpoint = {
      id: generateId(),
      boardId: this.room.boardId,
      kind,
      name,
      createdAt: new Date(at).toISOString(),
      createdBy: by,
      contributors: people,
      bytes: state.byteLength,
      assetIds,
    }
    await this.options.storage.putCheckpoint(checkpoint, kept)
    this.logger.info('checkpoint kept', { kind, checkpointId: checkpoint.id, bytes: state.byteLength, kept: kept.byteLength, contributors: people.length })
    this.options.onCheckpoint?.(checkpoint)
    if (kind === 'auto') await this.thin()
    return checkpoint
  }

  /** Contributors with their names; authors named from their identities (unknown ones left out). */
  private async named(contributors: Map<string, string | null>): Promise<PersonRef[]> {
    const people: PersonRef[] = []
    for (const [id, name] of contributors) {
      if (name !== null) people.push({ id, name })
      else {
        const identity = await this.options.storage.getIdentity(id)
        if (identity) people.push({ id, name: identity.name })
      }
    }
    return people
  }

  /** Deletes the automatic checkpoints the thinning policy lets go (see `thinCheckpoints.ts`). */
  private async thin(): Promise<void> {
    try {
      const all = await this.options.storage.listCheckpoints(this.room.boardId)
      const thin = checkpointsToThin(all, this.options.now())
      if (thin.length > 0) await this.options.storage.deleteCheckpoints(this.room.boardId, thin)
    } catch (err) {
      this.logger.error('thinning checkpoints failed', { err })
    }
  }

  /**
   * Makes the board's records those of a checkpoint, as a forward change everyone connected
   * receives. In the same server write, the board as it was is read and kept as a
   * `before-restore` checkpoint — durably before the restore is stored or relayed — so a restore
   * can be undone. Records the checkpoint lacks go to the bin. `meta` (the schema, the templates
   * applied) and `session` (live workshop state) are the board's own: left as they are.
   */
  async restore(checkpointId: string, by: PersonRef | null): Promise<{ restored: StoredCheckpoint; before: StoredCheckpoint; changed: number; removed: number }> {
    const found = await this.options.storage.getCheckpoint(this.room.boardId, checkpointId)
    if (!found) throw new HistoryError('checkpoint.notFound', `checkpoint ${checkpointId} not found on this board`)
    let state: Uint8Array
    try {
      state = await decompressState(found.state)
    } catch (err) {
      throw new HistoryError('checkpoint.unreadable', `checkpoint ${checkpointId} cannot be read: ${(err as Error).message}`)
    }
    const read = await readCheckpointRecords(state, this.options.currentSchema)
    if (read.kind === 'newer') throw new HistoryError('checkpoint.newer', `checkpoint ${checkpointId} was written by a newer tldraw than this server's: ${read.reason}`)
    if (read.kind === 'unreadable') throw new HistoryError('checkpoint.unreadable', `checkpoint ${checkpointId} cannot be read: ${read.reason}`)
    if (this.closed) throw new Error(`BoardHistory.restore: board ${this.room.boardId} is leaving memory`)
    return this.queue.run(async () => {
      let saving: Promise<StoredCheckpoint> | null = null
      let changed = 0
      let removed = 0
      await this.room.transact((doc) => {
        Y.transact(doc, (tr) => {
          tr.meta.set(ACTOR, by)
          tr.meta.set(BIN_DELETIONS, true)
          const at = this.options.now()
          const contributors = this.takeContributors()
          saving = this.keep('before-restore', encodeCheckpoint(doc), this.assetIds(), contributors, at, null, by)
          saving.catch(() => this.giveBack(contributors))
          // The restore is stored and relayed only once the state before it is kept.
          this.room.holdRelayUntil(saving)
          const records = getRecordsMap(doc)
          const plan = recordsToRestore(records, read.records)
          for (const id of plan.remove) records.delete(id)
          for (const record of plan.put) records.set(record.id, record)
          changed = plan.put.length
          removed = plan.remove.length
        })
      })
      const before = await (saving as unknown as Promise<StoredCheckpoint>)
      this.logger.info('checkpoint restored', { checkpointId, before: before.id, changed, removed, migrated: read.migrated, by: by?.id ?? null })
      return { restored: found.checkpoint, before, changed, removed }
    })
  }

  /**
   * Puts records back from the bin, as a server write attributed to `by`: they keep their ids
   * and authors (see `recordsToPutBack` for parents and bindings gone meanwhile), and what was
   * written (or is on the board already) leaves the bin once stored.
   */
  async putBack(selection: BinSelection, by: PersonRef | null): Promise<{ restored: string[]; reparented: number; skipped: string[] }> {
    if (this.closed) throw new Error(`BoardHistory.putBack: board ${this.room.boardId} is leaving memory`)
    return this.queue.run(async () => {
      const bin = await this.options.storage.listBin(this.room.boardId, this.binCutoff())
      const wanted = 'ids' in selection ? new Set(selection.ids) : null
      const selected = bin.filter((e) => (wanted ? wanted.has(e.recordId) : e.batch === (selection as { batch: string }).batch))
      if (selected.length === 0) throw new HistoryError('bin.notFound', 'none of these records is in the bin (any more)')
      let plan: ReturnType<typeof recordsToPutBack> | null = null
      await this.room.transact((doc) => {
        Y.transact(doc, (tr) => {
          tr.meta.set(ACTOR, by)
          const records = getRecordsMap(doc)
          plan = recordsToPutBack(records, selected, bin)
          for (const record of plan.records) records.set(record.id, record)
        })
      })
      const p = plan as unknown as ReturnType<typeof recordsToPutBack>
      const restored = p.records.map((r) => r.id)
      await this.options.storage.removeFromBin(this.room.boardId, [...restored, ...p.alreadyThere])
      this.logger.info('records put back from the bin', { restored: restored.length, alreadyThere: p.alreadyThere.length, reparented: p.reparented, skipped: p.skipped.length, by: by?.id ?? null })
      return { restored: [...restored, ...p.alreadyThere], reparented: p.reparented, skipped: p.skipped }
    })
  }

  /** Oldest deletion time the bin still shows (ISO). */
  binCutoff(): string {
    return new Date(this.options.now() - this.options.binRetentionMs).toISOString()
  }

  /**
   * The board leaves memory (everything received is stored): a last checkpoint if it changed
   * since the previous one, once the jobs under way are done — unless its storage failed.
   */
  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = null
    const closing = this.queue.run(async () => {
      this.closed = true
      // A room whose storage failed holds in memory what the disk does not: nothing to keep.
      if (!this.dirty || this.room.isFailed) return
      const at = this.options.now()
      await this.keep('auto', encodeCheckpoint(this.room.doc), this.assetIds(), this.takeContributors(), at, null, null)
    })
    try {
      await closing
    } finally {
      this.closed = true
      getRecordsMap(this.room.doc).unobserve(this.onRecords)
    }
  }
}
