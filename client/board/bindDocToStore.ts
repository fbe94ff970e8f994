import type { TLRecord, TLStore } from 'tldraw'
import * as Y from 'yjs'
import { getMetaMap, getRecordsMap, type StoredRecord } from '../../shared/boardDoc'
import { readBoardRecords, readStoredSchema } from '../../shared/tldrawDoc'

/** Origin of the transactions this client writes into the board document. */
export const LOCAL_ORIGIN = Symbol('fabrique-local')

export type SchemaState = 'ok' | 'newer' | 'failed'

/** This person's changes to the document, as one store batch made them. */
export interface LocalChanges {
  added: TLRecord[]
  updated: TLRecord[]
  removed: TLRecord[]
}

/**
 * Keeps some of this person's records out of the document (a private writing round): they
 * stay in the store and travel another way.
 */
export interface RecordDiverter {
  /** Takes the changes that must not be written to the document; returns the rest. */
  divert(changes: LocalChanges): LocalChanges
  /** Whether this record is held outside the document: a remote delete must not take it off the canvas. */
  holds(id: string): boolean
}

export interface BindOptions {
  store: TLStore
  doc: Y.Doc
  /** Whether this client may write to the board (false for viewers). */
  canWrite: () => boolean
  /** Called when the document turns out to need a newer client, or cannot be migrated. */
  onSchemaProblem: (state: Exclude<SchemaState, 'ok'>, reason: string) => void
  /** A remote record failed validation: it was skipped, the rest of the board works. */
  onInvalidRecord?: (record: unknown, err: unknown) => void
  /** Takes this person's private records out of what is written (see RecordDiverter). */
  diverter?: RecordDiverter
}

/**
 * Binds a tldraw store to a board's Yjs document, both ways:
 * - document records (shapes, bindings, pages, assets) live in the `records` Y.Map;
 * - local user changes are written to the map in one transaction per store batch;
 * - remote changes are validated record by record before they reach the store, so one bad
 *   record never takes the board down;
 * - the schema is the server's: this client never writes `meta.schema`.
 *
 * Returns `{ state, unbind }`; `state` is 'newer' or 'failed' when the board must not be
 * edited by this client (nothing is loaded then).
 */
export function bindDocToStore({ store, doc, canWrite, onSchemaProblem, onInvalidRecord, diverter }: BindOptions): { state: SchemaState; unbind: () => void } {
  const records = getRecordsMap(doc)
  const schema = store.schema
  let state: SchemaState = 'ok'

  const read = readBoardRecords(doc, schema)
  if (read.kind !== 'ok') {
    onSchemaProblem(read.kind, read.reason)
    return { state: read.kind, unbind: () => {} }
  }
  // The server migrates a board when it loads it, and owns its schema: a board still older
  // than this client means a server older than it, which this client must not write for.
  if (read.migrated) {
    onSchemaProblem('failed', 'the board is older than this client: the server has not migrated it')
    return { state: 'failed', unbind: () => {} }
  }

  const valid = (record: StoredRecord): TLRecord | null => {
    try {
      const existing = store.get(record.id as TLRecord['id']) ?? null
      return schema.validateRecord(store, record as unknown as TLRecord, existing ? 'updateRecord' : 'createRecord', existing)
    } catch (err) {
      onInvalidRecord?.(record, err)
      return null
    }
  }

  const applyRemote = (put: StoredRecord[], removed: string[]) => {
    const toPut = put.map(valid).filter((r): r is TLRecord => r !== null)
    const toRemove = removed.filter((id) => store.has(id as TLRecord['id']) && !diverter?.holds(id)) as TLRecord['id'][]
    if (toPut.length === 0 && toRemove.length === 0) return
    store.mergeRemoteChanges(() => {
      if (toRemove.length) store.remove(toRemove)
      if (toPut.length) {
        try {
          store.put(toPut)
        } catch {
          // One record broke the batch (e.g. a side effect of tldraw's): retry one by one.
          for (const record of toPut) {
            try {
              store.put([record])
            } catch (err) {
              onInvalidRecord?.(record, err)
            }
          }
        }
      }
    })
  }

  // Initial load: everything the document holds, validated.
  applyRemote(read.records, [])

  const onRecordsChange = (event: Y.YMapEvent<StoredRecord>, tx: Y.Transaction) => {
    if (tx.origin === LOCAL_ORIGIN || state !== 'ok') return
    const put: StoredRecord[] = []
    const removed: string[] = []
    event.changes.keys.forEach((change, key) => {
      if (change.action === 'delete') removed.push(key)
      else {
        const record = records.get(key)
        if (record) put.push(record)
      }
    })
    applyRemote(put, removed)
  }
  records.observe(onRecordsChange)

  // Another client may migrate the document to a newer tldraw while we are connected.
  const meta = getMetaMap(doc)
  const onMetaChange = () => {
    const stored = readStoredSchema(doc)
    if (!stored || state !== 'ok') return
    const since = schema.getMigrationsSince(stored)
    if (!since.ok) {
      state = 'newer'
      onSchemaProblem('newer', String(since.error))
    }
  }
  meta.observe(onMetaChange)

  const stopListening = store.listen(
    ({ changes }) => {
      if (state !== 'ok' || !canWrite()) return
      const local: LocalChanges = { added: Object.values(changes.added), updated: Object.values(changes.updated).map(([, to]) => to), removed: Object.values(changes.removed) }
      const { added, updated, removed } = diverter ? diverter.divert(local) : local
      if (added.length + updated.length + removed.length === 0) return
      Y.transact(
        doc,
        () => {
          for (const record of added) records.set(record.id, record as unknown as StoredRecord)
          for (const record of updated) records.set(record.id, record as unknown as StoredRecord)
          for (const record of removed) records.delete(record.id)
        },
        LOCAL_ORIGIN,
      )
    },
    { source: 'user', scope: 'document' },
  )

  return {
    get state() {
      return state
    },
    unbind: () => {
      stopListening()
      records.unobserve(onRecordsChange)
      meta.unobserve(onMetaChange)
    },
  }
}
