import type { SerializedSchema } from '@tldraw/store'
import * as Y from 'yjs'

/**
 * Layout of a board's Yjs document. Both sides agree on it: the server seeds boards from
 * templates, the client binds the maps to the tldraw store.
 *
 * - `records`: tldraw document records (shapes, bindings, pages, assets, document), keyed by
 *   record id; values are plain JSON records.
 * - `meta`: facts about the document itself: the tldraw schema it was written with, and the
 *   templates applied to it (so a template is applied exactly once).
 * - `session`: live workshop state (timer, votes, agenda, follow me…) for the facilitator's
 *   toolkit; kept apart from records so it never mixes with the drawing.
 */
export const BoardDocKey = {
  records: 'records',
  meta: 'meta',
  session: 'session',
} as const

/** Keys inside the `meta` map. */
export const BoardMetaKey = {
  /** The serialized tldraw schema (`schema.serialize()`) the records were written with. */
  schema: 'schema',
  /** Map of insertion id → template id of templates applied to this board. */
  templates: 'templates',
} as const

/** Id of the single page a new board starts with (tldraw's `PageRecordType.createId('page')`). */
export const DEFAULT_PAGE_ID = 'page:page'

/** A tldraw record as stored in the document: plain JSON with an `id` and a `typeName`. */
export interface StoredRecord {
  id: string
  typeName: string
  [key: string]: unknown
}

/** The Y.Map holding tldraw document records. */
export function getRecordsMap(doc: Y.Doc): Y.Map<StoredRecord> {
  return doc.getMap<StoredRecord>(BoardDocKey.records)
}

/** The Y.Map holding facts about the document (schema, applied templates). */
export function getMetaMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(BoardDocKey.meta)
}

/** The Y.Map holding live session state for facilitation. */
export function getSessionMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(BoardDocKey.session)
}

/**
 * The tldraw schema stored in a document, or null if none was ever written (read without
 * loading tldraw: the server checks it on every load).
 */
export function readStoredSchema(doc: Y.Doc): SerializedSchema | null {
  const value = getMetaMap(doc).get(BoardMetaKey.schema)
  return value && typeof value === 'object' && !(value instanceof Y.AbstractType) ? (value as SerializedSchema) : null
}
