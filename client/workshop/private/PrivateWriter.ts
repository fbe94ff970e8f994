import { atom, type Atom, type TLRecord, type TLStore } from 'tldraw'
import * as Y from 'yjs'
import { getRecordsMap, type StoredRecord } from '../../../shared/boardDoc'
import type { WorkshopCommand } from '../../../shared/workshop/commands'
import { PRIVATE_PUT_MAX } from '../../../shared/workshop/privateRound'
import { readPrivateRound } from '../../../shared/workshop/session'
import { LOCAL_ORIGIN, type LocalChanges, type RecordDiverter } from '../../board/bindDocToStore'
import { loadPrivateRound, savePrivateRound } from './privateKeep'

/** Records a participant creates in a private round: what they write and draw. */
const PRIVATE_TYPES = new Set(['shape', 'binding', 'asset'])

/** How long changes gather before they are sent (one message for a burst of typing). */
const BATCH_MS = 100

type SendResult = { type: 'result' } | { type: 'error'; code: string }

export interface PrivateWriterOptions {
  store: TLStore
  doc: Y.Doc
  boardId: string
  identityId: string
  /** Only participants write privately (the server keeps facilitators' records public). */
  writesPrivately: boolean
  send: (command: WorkshopCommand) => Promise<SendResult>
  /** The command channel is open (hello said). */
  isOnline: () => boolean
  /** The document is in sync with the server (its `session` is the server's, not a kept copy). */
  isSynced: () => boolean
}

/**
 * A participant's side of a private writing round. While the board's round is open, the records
 * this person creates never enter the Yjs document: they stay in the canvas, are sent to the
 * server alone (`private.put` / `private.remove`, batched, queued while offline and sent again on
 * reconnection) and kept on this device. The server's `private.records` replace them (after a
 * reload, or from another tab). On reveal the server writes them into the document with the same
 * ids; whatever is still held here once the round is over (never sent, or changed since) is
 * written publicly, so nothing typed is lost.
 */
export class PrivateWriter implements RecordDiverter {
  /** Ids of the records held privately here (drawn with a lock). */
  readonly $ids: Atom<ReadonlySet<string>> = atom('fabrique private ids', new Set<string>())
  /** Changes the server has not acknowledged yet. */
  readonly $unsent: Atom<number> = atom('fabrique private unsent', 0)
  private roundId: string | null = null
  /** Latest version of each private record. */
  private readonly held = new Map<string, StoredRecord>()
  /** Id → number of its latest change not yet acknowledged by the server. */
  private readonly unsent = new Map<string, number>()
  /** Ids removed here whose removal the server has not acknowledged. */
  private readonly removed = new Set<string>()
  /** Ids the server holds for this person in this round. */
  private readonly known = new Set<string>()
  private seq = 0
  private flushTimer: ReturnType<typeof setTimeout> | null = null
  private attached = false

  constructor(private readonly options: PrivateWriterOptions) {
    addEventListener('pagehide', this.keep)
  }

  /** The canvas is bound: brings back what this device kept, then settles with the board's state. */
  attach(): void {
    this.attached = true
    const kept = this.options.writesPrivately ? loadPrivateRound(this.options.boardId, this.options.identityId) : null
    if (kept) {
      this.roundId = kept.roundId
      for (const record of kept.records) this.held.set(record.id, record)
      for (const id of kept.unsent) this.unsent.set(id, ++this.seq)
      for (const id of kept.removed) this.removed.add(id)
      this.applyToStore(kept.records, [])
      this.changed()
    }
    this.reconcile()
  }

  holds(id: string): boolean {
    return this.held.has(id)
  }

  divert(changes: LocalChanges): LocalChanges {
    if (!this.options.writesPrivately) return changes
    const round = readPrivateRound(this.options.doc)
    const open = round?.status === 'open'
    if (open && this.roundId !== round.id && this.held.size === 0 && this.removed.size === 0) this.roundId = round.id
    const divertNew = open && this.roundId !== null
    const rest: LocalChanges = { added: [], updated: [], removed: [] }
    let took = false
    for (const record of changes.added) {
      if (divertNew && PRIVATE_TYPES.has(record.typeName)) {
        this.hold(record)
        took = true
      } else rest.added.push(record)
    }
    for (const record of changes.updated) {
      if (this.held.has(record.id)) {
        this.hold(record)
        took = true
      } else rest.updated.push(record)
    }
    for (const record of changes.removed) {
      if (this.held.has(record.id)) {
        this.drop(record.id)
        took = true
      } else rest.removed.push(record)
    }
    if (took) {
      this.changed()
      this.schedule()
    }
    return rest
  }

  private hold(record: TLRecord): void {
    const stored = record as unknown as StoredRecord
    this.held.set(stored.id, stored)
    this.removed.delete(stored.id)
    this.unsent.set(stored.id, ++this.seq)
  }

  private drop(id: string): void {
    this.held.delete(id)
    this.removed.add(id)
    this.unsent.set(id, ++this.seq)
  }

  /** `private.records` from the server: this person's private records in the round. */
  received(event: { roundId: string; records: StoredRecord[]; removed: string[]; full: boolean }): void {
    if (!this.options.writesPrivately) return
    if (this.roundId !== event.roundId) {
      const round = readPrivateRound(this.options.doc)
      // Records of another round than the one held: settle the held one first.
      if (this.roundId !== null && (this.held.size > 0 || this.removed.size > 0)) {
        if (round?.id === event.roundId && this.options.isSynced()) this.publish()
        else return
      }
      this.roundId = event.roundId
    }
    const put: StoredRecord[] = []
    const remove: string[] = []
    const incoming = new Set(event.records.map((r) => r.id))
    if (event.full) {
      this.known.clear()
      // Held here, not on the server, and not waiting to be sent: removed elsewhere (another tab).
      for (const id of [...this.held.keys()]) {
        if (!incoming.has(id) && !this.unsent.has(id)) {
          this.held.delete(id)
          remove.push(id)
        }
      }
    }
    for (const record of event.records) {
      this.known.add(record.id)
      // A change made here and not sent yet is newer than the server's copy.
      if (this.unsent.has(record.id)) continue
      this.held.set(record.id, record)
      put.push(record)
    }
    for (const id of event.removed) {
      this.known.delete(id)
      if (this.unsent.has(id) || !this.held.has(id)) continue
      this.held.delete(id)
      remove.push(id)
    }
    this.applyToStore(put, remove)
    this.changed()
    this.schedule()
  }

  /**
   * Settles what is held with the board's round: keeps diverting while it is open, and once it is
   * over (as the server says, not a kept copy), writes publicly whatever the reveal did not bring.
   */
  reconcile(): void {
    if (!this.options.writesPrivately || !this.attached) return
    const round = readPrivateRound(this.options.doc)
    const holding = this.held.size > 0 || this.removed.size > 0
    if (round?.status === 'open' && (this.roundId === round.id || !holding)) {
      this.roundId = round.id
      this.schedule()
      return
    }
    if (!holding) {
      this.roundId = null
      this.known.clear()
      this.keep()
      return
    }
    if (this.options.isSynced()) {
      this.publish()
      if (round?.status === 'open') this.roundId = round.id
    }
  }

  /** The round is over: writes into the board what is still private here. */
  private publish(): void {
    const records = getRecordsMap(this.options.doc)
    const write: StoredRecord[] = []
    for (const [id, record] of this.held) {
      // Revealed by the server as this person last sent it: nothing to do.
      if (records.has(id) && !this.unsent.has(id)) continue
      write.push(record)
    }
    const erase = [...this.removed].filter((id) => records.has(id))
    if (write.length || erase.length) {
      Y.transact(
        this.options.doc,
        () => {
          for (const record of write) records.set(record.id, record)
          for (const id of erase) records.delete(id)
        },
        LOCAL_ORIGIN,
      )
      this.applyToStore(write, erase)
    }
    this.held.clear()
    this.removed.clear()
    this.unsent.clear()
    this.known.clear()
    this.roundId = null
    this.changed()
  }

  /** The channel opened: sends what waits. */
  connected(): void {
    this.schedule(0)
  }

  private schedule(delay = BATCH_MS): void {
    if (this.flushTimer !== null || this.unsent.size === 0) return
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null
      void this.flush()
    }, delay)
  }

  private async flush(): Promise<void> {
    const roundId = this.roundId
    if (!roundId || !this.options.isOnline() || this.unsent.size === 0) return
    const snapshot = new Map(this.unsent)
    const puts: StoredRecord[] = []
    const removals: string[] = []
    for (const id of snapshot.keys()) {
      const record = this.held.get(id)
      if (record) puts.push(record)
      else if (this.known.has(id)) removals.push(id)
      // Removed before the server ever had it: nothing to tell.
      else this.acknowledge(id, snapshot.get(id)!, 'remove')
    }
    const sends: Promise<void>[] = []
    for (let i = 0; i < puts.length; i += PRIVATE_PUT_MAX) {
      const chunk = puts.slice(i, i + PRIVATE_PUT_MAX)
      sends.push(this.sendChunk({ type: 'private.put', roundId, records: chunk }, chunk.map((r) => r.id), snapshot, 'put'))
    }
    for (let i = 0; i < removals.length; i += PRIVATE_PUT_MAX) {
      const chunk = removals.slice(i, i + PRIVATE_PUT_MAX)
      sends.push(this.sendChunk({ type: 'private.remove', roundId, ids: chunk }, chunk, snapshot, 'remove'))
    }
    await Promise.all(sends)
    this.changed()
  }

  private async sendChunk(command: WorkshopCommand, ids: string[], snapshot: Map<string, number>, kind: 'put' | 'remove'): Promise<void> {
    const answer = await this.options.send(command)
    if (answer.type === 'result') {
      for (const id of ids) this.acknowledge(id, snapshot.get(id)!, kind)
      return
    }
    // Disconnected: sent again on reconnection. Otherwise the round may be over: settle.
    if (answer.code === 'failed') return
    for (const id of ids) if (this.unsent.get(id) === snapshot.get(id)) this.unsent.delete(id)
    this.reconcile()
  }

  private acknowledge(id: string, seq: number, kind: 'put' | 'remove'): void {
    if (kind === 'put') this.known.add(id)
    else this.known.delete(id)
    if (this.unsent.get(id) !== seq) return
    this.unsent.delete(id)
    if (kind === 'remove') this.removed.delete(id)
  }

  /** Puts records into the canvas (validated) and takes others off, as remote changes. */
  private applyToStore(put: StoredRecord[], remove: string[]): void {
    const { store } = this.options
    const valid: TLRecord[] = []
    for (const record of put) {
      try {
        const existing = store.get(record.id as TLRecord['id']) ?? null
        valid.push(store.schema.validateRecord(store, record as unknown as TLRecord, existing ? 'updateRecord' : 'createRecord', existing))
      } catch (err) {
        console.warn('Fabrique: skipped an invalid private record', record, err)
      }
    }
    const gone = remove.filter((id) => store.has(id as TLRecord['id'])) as TLRecord['id'][]
    if (!valid.length && !gone.length) return
    store.mergeRemoteChanges(() => {
      if (gone.length) store.remove(gone)
      if (valid.length) store.put(valid)
    })
  }

  private changed(): void {
    const ids = new Set(this.held.keys())
    const before = this.$ids.get()
    if (ids.size !== before.size || [...ids].some((id) => !before.has(id))) this.$ids.set(ids)
    this.$unsent.set(this.unsent.size)
    this.keepSoon()
  }

  private keepTimer: ReturnType<typeof setTimeout> | null = null
  private keepSoon(): void {
    if (this.keepTimer !== null) return
    this.keepTimer = setTimeout(this.keep, BATCH_MS)
  }

  /** Writes what is held to this device (or forgets it when nothing is). */
  private readonly keep = (): void => {
    if (this.keepTimer !== null) clearTimeout(this.keepTimer)
    this.keepTimer = null
    if (!this.options.writesPrivately || !this.attached) return
    savePrivateRound(
      this.options.boardId,
      this.options.identityId,
      this.roundId === null ? null : { roundId: this.roundId, records: [...this.held.values()], unsent: [...this.unsent.keys()], removed: [...this.removed] },
    )
  }

  destroy(): void {
    this.keep()
    removeEventListener('pagehide', this.keep)
    if (this.flushTimer !== null) clearTimeout(this.flushTimer)
  }
}
