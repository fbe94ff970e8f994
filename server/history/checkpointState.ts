import { isDeepStrictEqual, promisify } from 'node:util'
import { gunzip, gzip } from 'node:zlib'
import type { SerializedSchema } from '@tldraw/store'
import * as Y from 'yjs'
import { boardAssetPrefix } from '../../shared/assets'
import { getMetaMap, getRecordsMap, readStoredSchema, type StoredRecord } from '../../shared/boardDoc'

const gzipAsync = promisify(gzip)
const gunzipAsync = promisify(gunzip)

/**
 * A checkpoint's state as kept: gzip, in zlib's thread pool (a large board does not block the
 * event loop). gzip rather than brotli: the state endpoint can then send the kept bytes as
 * they are (`Content-Encoding: gzip`, which every browser reads, over HTTP too).
 */
export async function compressState(state: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await gzipAsync(state, { level: 9 }))
}

/** The Yjs update a kept checkpoint holds. */
export async function decompressState(kept: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await gunzipAsync(kept))
}

/** A copy of a nested map (`meta.templates`) for another document. */
function copyMap(map: Y.Map<unknown>): Y.Map<unknown> {
  const copy = new Y.Map<unknown>()
  for (const [key, value] of map) copy.set(key, value instanceof Y.Map ? copyMap(value) : value)
  return copy
}

/**
 * What a checkpoint keeps of a board: a Yjs update of a new document holding the board's
 * `records` and `meta` (its schema, the templates applied) as they are — not the board's own
 * Yjs history (what was deleted, every client that ever wrote, which grows for the board's whole
 * life) nor its live workshop state (`session`). Applied to an empty `Y.Doc`, it reads like the
 * board did. Measured over four years of weekly workshops, it is ~7 times smaller than the
 * board's whole state (RELIABILITY.md).
 */
export function encodeCheckpoint(board: Y.Doc): Uint8Array {
  const doc = new Y.Doc()
  try {
    Y.transact(doc, () => {
      const records = getRecordsMap(doc)
      for (const [id, record] of getRecordsMap(board)) records.set(id, record)
      const meta = getMetaMap(doc)
      for (const [key, value] of getMetaMap(board)) meta.set(key, value instanceof Y.Map ? copyMap(value) : value)
    })
    return Y.encodeStateAsUpdate(doc)
  } finally {
    doc.destroy()
  }
}

/** Ids of this board's images that `records` point to (asset records served from the board). */
export function assetIdsOf(records: Iterable<StoredRecord>, boardId: string): string[] {
  const prefix = boardAssetPrefix(boardId)
  const ids = new Set<string>()
  for (const record of records) {
    const src = (record.props as { src?: unknown } | undefined)?.src
    if (record.typeName === 'asset' && typeof src === 'string' && src.startsWith(prefix)) ids.add(src.slice(prefix.length))
  }
  return [...ids]
}

/** What a checkpoint's records are, read with this server's tldraw schema. */
export type CheckpointRecords =
  | { kind: 'ok'; records: StoredRecord[]; migrated: boolean }
  /** Written by a newer tldraw than this server's: it cannot be restored here. */
  | { kind: 'newer'; reason: string }
  /** Not a board state, or its records could not be migrated. */
  | { kind: 'unreadable'; reason: string }

/**
 * The records a checkpoint holds, at this server's schema: a checkpoint written under an older
 * tldraw is migrated (tldraw's migration code is loaded only then, as for boards on load).
 */
export async function readCheckpointRecords(state: Uint8Array, currentSchema: () => Promise<SerializedSchema>): Promise<CheckpointRecords> {
  const doc = new Y.Doc()
  try {
    try {
      Y.applyUpdate(doc, state)
    } catch (err) {
      return { kind: 'unreadable', reason: `not a Yjs update: ${(err as Error).message}` }
    }
    const records = [...getRecordsMap(doc).values()].filter(isRecord)
    const stored = readStoredSchema(doc)
    if (stored && isDeepStrictEqual(stored, await currentSchema())) return { kind: 'ok', records, migrated: false }
    const { createBoardSchema, readBoardRecords } = await import('../../shared/tldrawDoc')
    let read: ReturnType<typeof readBoardRecords>
    try {
      read = readBoardRecords(doc, createBoardSchema())
    } catch (err) {
      return { kind: 'unreadable', reason: `its schema cannot be read: ${(err as Error).message}` }
    }
    switch (read.kind) {
      case 'ok':
        return { kind: 'ok', records: read.records.filter(isRecord), migrated: read.migrated !== null }
      case 'newer':
        return { kind: 'newer', reason: read.reason }
      case 'failed':
        return { kind: 'unreadable', reason: read.reason }
    }
  } finally {
    doc.destroy()
  }
}

function isRecord(value: unknown): value is StoredRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Y.AbstractType) && typeof (value as StoredRecord).id === 'string' && typeof (value as StoredRecord).typeName === 'string'
}
