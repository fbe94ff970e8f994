import type { StoredRecord } from '../boardDoc'

/**
 * What a board's `records` map may hold: tldraw's document records, checked structurally.
 * The server does not load tldraw's validators (about 25 MiB); each client still validates
 * every record fully before it reaches its canvas. These checks are what the server must know
 * to enforce the rules: ids, types, parents, locks and authors.
 */

/** tldraw's document-scoped record types (session and presence records never enter the document). */
export const RECORD_TYPES = ['document', 'page', 'shape', 'binding', 'asset', 'user'] as const
export type RecordType = (typeof RECORD_TYPES)[number]

/** tldraw's default shapes: the ones Fabrique's canvas registers. */
export const SHAPE_TYPES = ['arrow', 'bookmark', 'draw', 'embed', 'frame', 'geo', 'group', 'highlight', 'image', 'line', 'note', 'text', 'video'] as const
export const BINDING_TYPES = ['arrow'] as const
export const ASSET_TYPES = ['image', 'video', 'bookmark'] as const

/** The single document record of a board. */
export const DOCUMENT_RECORD_ID = 'document:document'

/** A record another one points to, and the types it may have. */
export interface RecordReference {
  id: string
  types: readonly RecordType[]
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** Whether `value` is JSON all the way down (no binary, no undefined, no Yjs types, finite numbers). */
export function isJsonValue(value: unknown, depth = 0): boolean {
  if (depth > 32) return false
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true
    case 'number':
      return Number.isFinite(value)
    case 'object':
      if (value === null) return true
      if (Array.isArray(value)) return value.every((v) => isJsonValue(v, depth + 1))
      if (!isPlainObject(value)) return false
      for (const key in value) if (!isJsonValue(value[key], depth + 1)) return false
      return true
    default:
      return false
  }
}

const oneOf = (list: readonly string[], value: unknown): boolean => typeof value === 'string' && list.includes(value)
const isFiniteNumber = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value)
const isObject = (value: unknown): boolean => isPlainObject(value)
const isIndex = (value: unknown): boolean => typeof value === 'string' && value.length > 0 && value.length <= 64

/**
 * Why `value` cannot be stored under `key` in `records`, or null when it can: a JSON object
 * whose id is its key, of a known type, with the fields the rules rely on well-formed.
 */
export function recordProblem(key: string, value: unknown): string | null {
  if (!isPlainObject(value)) return 'not a JSON object'
  if (value.id !== key) return 'id differs from its key'
  const typeName = value.typeName
  if (!oneOf(RECORD_TYPES, typeName)) return 'unknown record type'
  if (!key.startsWith(`${typeName as string}:`) || key.length > 200) return 'id does not match its type'
  if (!isJsonValue(value)) return 'not plain JSON'
  if (value.meta !== undefined && !isObject(value.meta)) return 'meta is not an object'
  switch (typeName as RecordType) {
    case 'document':
      return key === DOCUMENT_RECORD_ID ? null : 'a board has one document record'
    case 'page':
      return typeof value.name === 'string' && isIndex(value.index) ? null : 'page without name or index'
    case 'shape':
      if (!oneOf(SHAPE_TYPES, value.type)) return 'unknown shape type'
      if (typeof value.parentId !== 'string') return 'shape without parent'
      if (!isIndex(value.index)) return 'shape without index'
      if (!isFiniteNumber(value.x) || !isFiniteNumber(value.y) || !isFiniteNumber(value.rotation)) return 'shape without position'
      if (typeof value.isLocked !== 'boolean') return 'shape without isLocked'
      return isObject(value.props) ? null : 'shape without props'
    case 'binding':
      if (!oneOf(BINDING_TYPES, value.type)) return 'unknown binding type'
      if (typeof value.fromId !== 'string' || typeof value.toId !== 'string') return 'binding without ends'
      return isObject(value.props) ? null : 'binding without props'
    case 'asset':
      if (!oneOf(ASSET_TYPES, value.type)) return 'unknown asset type'
      return isObject(value.props) ? null : 'asset without props'
    case 'user':
      return typeof value.name === 'string' ? null : 'user without name'
  }
}

/** The records `record` points to, which must exist for it to make sense. */
export function referencesOf(record: StoredRecord): RecordReference[] {
  switch (record.typeName) {
    case 'shape': {
      const refs: RecordReference[] = [{ id: record.parentId as string, types: ['page', 'shape'] }]
      const assetId = (record.props as Record<string, unknown> | undefined)?.assetId
      if (typeof assetId === 'string') refs.push({ id: assetId, types: ['asset'] })
      return refs
    }
    case 'binding':
      return [
        { id: record.fromId as string, types: ['shape'] },
        { id: record.toId as string, types: ['shape'] },
      ]
    default:
      return []
  }
}

/** The identity that created a shape or an asset, as stamped by the server. */
export function authorOf(record: StoredRecord | undefined): string | undefined {
  const author = (record?.meta as Record<string, unknown> | undefined)?.author
  return typeof author === 'string' ? author : undefined
}

/** `record` with its author set to `author` (removed when undefined). */
export function withAuthor(record: StoredRecord, author: string | undefined): StoredRecord {
  const meta = { ...((record.meta as Record<string, unknown> | undefined) ?? {}) }
  if (author === undefined) delete meta.author
  else meta.author = author
  return { ...record, meta }
}

/** Id of the `user` record tldraw keeps for a person (its attribution record). */
export function userRecordId(identityId: string): string {
  return `user:${identityId}`
}
