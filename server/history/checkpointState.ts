import { isDeepStrictEqual, promisify } from 'node:util'
import { gunzip, gzip } from 'node:zlib'
import type { SerializedSchema } from '@tldraw/store'
import * as Y from 'yjs'
import { boardAssetPrefix } from '../../shared/assets'
import { getRecordsMap, readStoredSchema, type StoredRecord } from '../../shared/boardDoc'

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
