import { isDeepStrictEqual } from 'node:util'
import type { BoardContent, IdentityContent, LabRowContent } from './boardContent'

const same = (a: unknown, b: unknown) => isDeepStrictEqual(normalise(a), normalise(b))

/** Buffers and Uint8Arrays of the same bytes compare equal (node-postgres and better-sqlite3 both answer Buffers, but not always). */
function normalise(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')
  if (Array.isArray(value)) return value.map(normalise)
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v)]))
  return value
}

/** The names of the fields whose values differ between two rows. */
export function differentFields<T extends object>(a: T, b: T): string[] {
  return (Object.keys(a) as (keyof T & string)[]).filter((k) => !same(a[k], b[k]))
}

/** How two sets of keyed rows differ, e.g. `images: 1 only in SQLite, 2 different`; null when equal. */
function keyedDifference<T>(what: string, sqlite: readonly T[], postgres: readonly T[], key: (row: T) => string): string | null {
  const theirs = new Map(postgres.map((r) => [key(r), r]))
  const ours = new Set(sqlite.map(key))
  const onlySqlite = sqlite.filter((r) => !theirs.has(key(r))).length
  const onlyPostgres = postgres.filter((r) => !ours.has(key(r))).length
  const different = sqlite.filter((r) => theirs.has(key(r)) && !same(r, theirs.get(key(r)))).length
  const parts = [onlySqlite && `${onlySqlite} only in SQLite`, onlyPostgres && `${onlyPostgres} only in PostgreSQL`, different && `${different} different`].filter(Boolean)
  return parts.length ? `${what}: ${parts.join(', ')}` : null
}

/** Rows the two logs share from their start. */
function commonPrefix(a: readonly Uint8Array[], b: readonly Uint8Array[]): number {
  let n = 0
  while (n < a.length && n < b.length && Buffer.compare(a[n]!, b[n]!) === 0) n++
  return n
}

/** How a board's log differs between the two databases (which side has rows the other lacks), or null. */
function logDifference(sqlite: readonly Uint8Array[], postgres: readonly Uint8Array[]): string | null {
  const common = commonPrefix(sqlite, postgres)
  if (common === sqlite.length && common === postgres.length) return null
  const rows = (n: number) => `${n} update row${n === 1 ? '' : 's'}`
  if (common === sqlite.length) return `PostgreSQL has ${rows(postgres.length - common)} more than SQLite (edited there after the copy)`
  if (common === postgres.length) return `SQLite has ${rows(sqlite.length - common)} more than PostgreSQL (edited there after the copy)`
  return `update rows differ from row ${common + 1} on (SQLite ${sqlite.length} rows, PostgreSQL ${postgres.length})`
}

/** What differs between a board as SQLite holds it and as PostgreSQL does, part by part; empty when equal. */
export function boardDifferences(sqlite: BoardContent, postgres: BoardContent): string[] {
  const out: (string | null)[] = []
  if (!postgres.board) out.push('no board row in PostgreSQL')
  else if (sqlite.board) {
    const fields = differentFields(sqlite.board, postgres.board)
    if (fields.length) out.push(`board fields differ: ${fields.join(', ')}`)
  }
  out.push(logDifference(sqlite.updates, postgres.updates))
  out.push(keyedDifference('images', sqlite.assets, postgres.assets, (a) => a.id))
  out.push(keyedDifference('checkpoints', sqlite.checkpoints, postgres.checkpoints, (c) => c.id))
  out.push(keyedDifference('bin entries', sqlite.bin, postgres.bin, (e) => e.record_id))
  out.push(keyedDifference('kept secrets', sqlite.secrets, postgres.secrets, (s) => s.key))
  return out.filter((d): d is string => d !== null)
}

/** What differs between a lab's row in SQLite and in PostgreSQL (field names); empty when equal. */
export function labDifferences(sqlite: LabRowContent, postgres: LabRowContent): string[] {
  const fields = differentFields(sqlite, postgres)
  return fields.length ? [`lab fields differ: ${fields.join(', ')}`] : []
}

/** Whether an identity is held the same on both sides. */
export function sameIdentity(a: IdentityContent, b: IdentityContent): boolean {
  return differentFields(a, b).length === 0
}

/** Whether two byte strings are equal. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0
}
