import { createHash, type Hash } from 'node:crypto'
import * as Y from 'yjs'
import type { BoardContent } from './boardContent'

type Field = string | number | boolean | null | Uint8Array

const TAG = { null: 0, text: 1, number: 2, boolean: 3, bytes: 4 } as const

/** Feeds one field to the hash, tagged with its type and length, so no two contents run together. */
function put(hash: Hash, value: Field): void {
  if (value === null) {
    hash.update(Uint8Array.of(TAG.null))
  } else if (typeof value === 'string' || value instanceof Uint8Array) {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value
    const head = Buffer.alloc(5)
    head.writeUInt8(typeof value === 'string' ? TAG.text : TAG.bytes, 0)
    head.writeUInt32BE(bytes.byteLength, 1)
    hash.update(head)
    hash.update(bytes)
  } else if (typeof value === 'number') {
    const head = Buffer.alloc(9)
    head.writeUInt8(TAG.number, 0)
    head.writeDoubleBE(value, 1)
    hash.update(head)
  } else {
    hash.update(Uint8Array.of(TAG.boolean, value ? 1 : 0))
  }
}

/** A section: its name, how many rows, then each row's fields. */
function section<T>(hash: Hash, name: string, rows: readonly T[], fields: (row: T) => Field[]): void {
  put(hash, name)
  put(hash, rows.length)
  for (const row of rows) for (const field of fields(row)) put(hash, field)
}

/**
 * SHA-256 (hex) of everything kept of a board, computed the same way from either database: its
 * row, its update log's bytes in order, its images (id, type, size, time, bytes), checkpoints
 * (summary and state), bin entries and kept secrets — each part in its key's byte order. The
 * log's sequence numbers are left out: SQLite numbers rows across all boards, PostgreSQL 1..n
 * per board.
 */
export function boardChecksum(content: BoardContent): string {
  const hash = createHash('sha256')
  put(hash, 'fabrique-board/1')
  const b = content.board
  section(hash, 'board', b ? [b] : [], (r) => [r.id, r.lab_id, r.title, r.phase, r.template, r.created_at, r.updated_at, r.archived, r.deleted_at])
  section(hash, 'updates', content.updates, (u) => [u])
  section(hash, 'assets', content.assets, (a) => [a.id, a.content_type, a.size, a.created_at, a.data])
  section(hash, 'checkpoints', content.checkpoints, (c) => [c.id, c.kind, c.name, c.created_at, c.created_by, c.contributors, c.asset_ids, c.state_bytes, c.state])
  section(hash, 'bin', content.bin, (e) => [e.record_id, e.batch, e.record, e.deleted_at, e.deleted_by])
  section(hash, 'secrets', content.secrets, (s) => [s.key, s.value])
  return hash.digest('hex')
}

/**
 * The board's document replayed from its log, encoded whole (`Y.encodeStateAsUpdate`): the
 * same rows applied in the same order give the same bytes, so two databases holding the same
 * log give equal states.
 */
export function replayedState(updates: readonly Uint8Array[]): Uint8Array {
  const doc = new Y.Doc()
  try {
    for (const update of updates) Y.applyUpdate(doc, update)
    return Y.encodeStateAsUpdate(doc)
  } finally {
    doc.destroy()
  }
}
