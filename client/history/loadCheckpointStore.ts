import type { TLRecord, TLStore } from 'tldraw'
import type * as Y from 'yjs'
import { readBoardRecords } from '../../shared/tldrawDoc'

/**
 * Puts a checkpoint's records into a tldraw store of their own, to be shown read-only. A
 * checkpoint written under an older tldraw is migrated in memory (nothing is written back);
 * a record that fails validation is skipped, the rest shows. Returns how it went.
 */
export function loadCheckpointStore(doc: Y.Doc, store: TLStore, onInvalidRecord: (record: unknown, err: unknown) => void): { kind: 'ok'; skipped: number } | { kind: 'newer' | 'failed'; reason: string } {
  const read = readBoardRecords(doc, store.schema)
  if (read.kind !== 'ok') return read
  const valid: TLRecord[] = []
  for (const record of read.records) {
    try {
      valid.push(store.schema.validateRecord(store, record as unknown as TLRecord, 'createRecord', null))
    } catch (err) {
      onInvalidRecord(record, err)
    }
  }
  store.mergeRemoteChanges(() => store.put(valid))
  return { kind: 'ok', skipped: read.records.length - valid.length }
}
