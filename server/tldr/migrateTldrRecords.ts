import type { TLSchema } from '@tldraw/tlschema'
import type { StoredRecord } from '../../shared/boardDoc'
import { recordProblem, referencesOf } from '../../shared/authority/records'
import type { RawRecord, TldrFile } from './readTldrFile'
import { TldrFileError } from './TldrFileError'

/** What a board keeps of a file: its content. Session records (camera, pointer…), people (`user`) and others are left out. */
const KEPT_TYPES = new Set(['document', 'page', 'shape', 'binding', 'asset'])

/** Deepest chain of frames and groups accepted (the rules' own bound). */
const MAX_DEPTH = 64

function brief(message: string): string {
  const line = message.split('\n')[0] ?? ''
  return line.length > 200 ? `${line.slice(0, 200)}…` : line
}

/**
 * Brings a file's records to `schema` with tldraw's own migrations (a file saved by an older
 * tldraw: plain `text` becomes rich text…), keeps the document's content (document, pages,
 * shapes, bindings, assets), and validates each record with tldraw's validators and
 * Fabrique's record checks. Throws a {@link TldrFileError} naming the first record that is
 * not right. What records point to is checked apart ({@link checkTldrReferences}), once the
 * images are settled.
 */
export function migrateTldrRecords(file: TldrFile, schema: TLSchema): StoredRecord[] {
  const migrations = schema.getMigrationsSince(file.schema)
  if (!migrations.ok) throw new TldrFileError('tldr.invalidRecord', `the file's schema cannot be brought to this server's (${brief(String(migrations.error))})`)
  // As tldraw does: a later record with the same id replaces an earlier one.
  const store = new Map<string, RawRecord>(file.records.map((r) => [r.id, structuredClone(r)]))
  if (migrations.value.length > 0) {
    let stored = file.schema
    const storage = Object.assign(store, { getSchema: () => stored, setSchema: (next: typeof stored) => void (stored = next) })
    try {
      schema.migrateStorage(storage as never)
    } catch (err) {
      // Most often a record of a type this tldraw does not know: say which.
      const unknown = [...store.values()].find((r) => !Object.hasOwn(schema.types, r.typeName))
      if (unknown) throw new TldrFileError('tldr.invalidRecord', `${brief(unknown.id)}: unknown record type "${brief(unknown.typeName)}"`)
      throw new TldrFileError('tldr.invalidRecord', `a record could not be brought up to date: ${brief(err instanceof Error ? err.message : String(err))}`)
    }
  }
  const records: StoredRecord[] = []
  for (const record of store.values()) {
    const type = Object.hasOwn(schema.types, record.typeName) ? (schema.types as Record<string, TLSchema['types'][keyof TLSchema['types']]>)[record.typeName] : undefined
    if (!type) throw new TldrFileError('tldr.invalidRecord', `${brief(record.id)}: unknown record type "${brief(record.typeName)}"`)
    if (type.scope !== 'document' || !KEPT_TYPES.has(record.typeName)) continue
    try {
      type.validate(record)
    } catch (err) {
      throw new TldrFileError('tldr.invalidRecord', `${brief(record.id)}: ${brief(err instanceof Error ? err.message : String(err))}`)
    }
    const problem = recordProblem(record.id, record)
    if (problem) throw new TldrFileError('tldr.invalidRecord', `${brief(record.id)}: ${problem}`)
    records.push(record as StoredRecord)
  }
  return records
}

/** Every record's parent, bound shapes and image exist, and every shape sits on a page; else a {@link TldrFileError}. */
export function checkTldrReferences(records: readonly StoredRecord[]): void {
  const byId = new Map(records.map((r) => [r.id, r]))
  for (const record of records) {
    for (const ref of referencesOf(record)) {
      const target = byId.get(ref.id)
      if (!target || !(ref.types as readonly string[]).includes(target.typeName)) throw new TldrFileError('tldr.invalidRecord', `${brief(record.id)} points to ${brief(ref.id)}, which is not in the file`)
    }
    if (record.typeName !== 'shape') continue
    let current: StoredRecord | undefined = record
    for (let depth = 0; current?.typeName === 'shape'; depth++) {
      if (depth > MAX_DEPTH) throw new TldrFileError('tldr.invalidRecord', `${brief(record.id)} sits in shapes nested too deep, or in itself`)
      current = byId.get(current.parentId as string)
    }
  }
}
