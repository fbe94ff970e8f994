import {
  createTLSchema,
  DocumentRecordType,
  PageRecordType,
  TLDOCUMENT_ID,
  type TLRecord,
  type TLSchema,
} from '@tldraw/tlschema'
import * as Y from 'yjs'
import { BoardMetaKey, DEFAULT_PAGE_ID as BOARD_PAGE_ID, getMetaMap, getRecordsMap, readStoredSchema, type StoredRecord } from './boardDoc'

export { readStoredSchema }

/** The tldraw schema of boards: tldraw's default shapes, bindings and assets. */
export function createBoardSchema(): TLSchema {
  return createTLSchema()
}

/** Id of the single page a new board starts with. */
export const DEFAULT_PAGE_ID = PageRecordType.createId(BOARD_PAGE_ID.slice('page:'.length))

/** The records every board starts with: the document and one page. */
export function initialBoardRecords(pageName: string): TLRecord[] {
  return [DocumentRecordType.create({ id: TLDOCUMENT_ID }), PageRecordType.create({ id: DEFAULT_PAGE_ID, name: pageName, index: 'a1' as never })]
}

/** Writes records into a board document (one transaction). */
export function putRecords(doc: Y.Doc, records: readonly TLRecord[], origin: unknown = null): void {
  const map = getRecordsMap(doc)
  Y.transact(
    doc,
    () => {
      for (const record of records) map.set(record.id, record as unknown as StoredRecord)
    },
    origin,
  )
}

/** Records `schema` as the one the document's records are written with. */
export function writeSchema(doc: Y.Doc, schema: TLSchema, origin: unknown = null): void {
  Y.transact(doc, () => getMetaMap(doc).set(BoardMetaKey.schema, schema.serialize()), origin)
}


/** Outcome of reading a board document with this build's schema. */
export type BoardReadResult =
  /** Records are at this build's schema (or were migrated to it: `migrated` lists changes). */
  | { kind: 'ok'; records: StoredRecord[]; migrated: { put: StoredRecord[]; removed: string[] } | null }
  /** The document was written by a newer tldraw: this client must not write, only reload. */
  | { kind: 'newer'; reason: string }
  /** Migration failed: the board is shown read-only rather than risk damaging it. */
  | { kind: 'failed'; reason: string }

/**
 * Reads a board's records and brings them to `schema`. A document written by an older
 * tldraw is migrated in memory; the caller writes `migrated` back (see {@link writeMigration}).
 */
export function readBoardRecords(doc: Y.Doc, schema: TLSchema): BoardReadResult {
  const records = [...getRecordsMap(doc).values()]
  const stored = readStoredSchema(doc)
  if (!stored) return { kind: 'ok', records, migrated: null }
  const since = schema.getMigrationsSince(stored)
  if (!since.ok) return { kind: 'newer', reason: String(since.error) }
  if (since.value.length === 0) return { kind: 'ok', records, migrated: null }
  const store: Record<string, TLRecord> = {}
  for (const r of records) store[r.id] = structuredClone(r) as unknown as TLRecord
  const result = schema.migrateStoreSnapshot({ store: store as never, schema: stored })
  if (result.type === 'error') return { kind: 'failed', reason: String(result.reason) }
  const migrated = result.value as unknown as Record<string, StoredRecord>
  const before = new Map(records.map((r) => [r.id, r]))
  const put = Object.values(migrated).filter((r) => JSON.stringify(before.get(r.id)) !== JSON.stringify(r))
  const removed = records.filter((r) => !(r.id in migrated)).map((r) => r.id)
  return { kind: 'ok', records: Object.values(migrated), migrated: { put, removed } }
}

/** Writes a migration computed by {@link readBoardRecords} and the new schema, atomically. */
export function writeMigration(doc: Y.Doc, schema: TLSchema, migrated: { put: StoredRecord[]; removed: string[] }, origin: unknown = null): void {
  const map = getRecordsMap(doc)
  Y.transact(
    doc,
    () => {
      for (const id of migrated.removed) map.delete(id)
      for (const r of migrated.put) map.set(r.id, r)
      getMetaMap(doc).set(BoardMetaKey.schema, schema.serialize())
    },
    origin,
  )
}
