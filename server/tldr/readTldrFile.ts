import type { SerializedSchema, SerializedSchemaV2 } from '@tldraw/store'
import { TldrFileError } from './TldrFileError'

/** The `.tldr` format versions this server reads (tldraw's `LATEST_TLDRAW_FILE_FORMAT_VERSION`). */
export const TLDR_FILE_FORMAT_VERSION = 1

/**
 * Most records a file may hold: far above a workshop board (a few thousand), low enough that
 * checking them all holds the server well under a second (≈ 0.5 s for 20,000 notes).
 */
export const MAX_TLDR_RECORDS = 20_000

/** A record of a file as read: an object with a string id and type name, nothing else checked yet. */
export interface RawRecord {
  id: string
  typeName: string
  [key: string]: unknown
}

/** A `.tldr` file whose outer shape is right: its schema and records, not yet migrated nor validated. */
export interface TldrFile {
  schema: SerializedSchema
  records: RawRecord[]
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const isPositiveInteger = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0

/** The JSON text of a file, or why it is not JSON (truncated files told apart: a download or copy cut short). */
function parseJson(bytes: Uint8Array): unknown {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    throw new TldrFileError('tldr.notJson', 'the file is not text (UTF-8): not a .tldr file')
  }
  if (text.trim() === '') throw new TldrFileError('tldr.notJson', 'the file is empty')
  try {
    return JSON.parse(text)
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    // V8 says where parsing stopped: at the very end of a file that starts like JSON, the file
    // was cut, not garbled.
    const position = /at position (\d+)/.exec(message)
    const atEnd = /Unexpected end of JSON input/.test(message) || (position !== null && Number(position[1]) >= text.trimEnd().length)
    if (atEnd && /^\s*[[{]/.test(text)) throw new TldrFileError('tldr.truncated', `the file ends too early (after ${bytes.byteLength} bytes): it was cut while being saved, downloaded or copied`)
    throw new TldrFileError('tldr.notJson', `the file is not JSON (${message.slice(0, 120)})`)
  }
}

/** A serialized tldraw schema (version 1 or 2), or why not. */
function readSchema(value: unknown): SerializedSchema {
  if (!isObject(value)) throw new TldrFileError('tldr.notTldraw', '"schema" is missing')
  if (value.schemaVersion === 2) {
    if (!isObject(value.sequences) || !Object.values(value.sequences).every(isPositiveInteger)) throw new TldrFileError('tldr.notTldraw', '"schema.sequences" must map names to versions')
    return value as unknown as SerializedSchema
  }
  if (value.schemaVersion === 1) {
    const versions = value.recordVersions
    if (!isPositiveInteger(value.storeVersion) || !isObject(versions)) throw new TldrFileError('tldr.notTldraw', '"schema" (version 1) needs storeVersion and recordVersions')
    for (const entry of Object.values(versions)) {
      if (!isObject(entry) || !isPositiveInteger(entry.version)) throw new TldrFileError('tldr.notTldraw', '"schema.recordVersions" entries need a version')
      if (entry.subTypeVersions !== undefined && (!isObject(entry.subTypeVersions) || !Object.values(entry.subTypeVersions).every(isPositiveInteger))) {
        throw new TldrFileError('tldr.notTldraw', '"schema.recordVersions" sub-type versions must be numbers')
      }
    }
    return value as unknown as SerializedSchema
  }
  if (typeof value.schemaVersion === 'number' && value.schemaVersion > 2) throw new TldrFileError('tldr.newer', `schema version ${value.schemaVersion} is newer than this server knows`)
  throw new TldrFileError('tldr.notTldraw', '"schema.schemaVersion" must be 1 or 2')
}

/** A version 1 schema as version 2 (what `@tldraw/store` does before migrating). */
export function schemaSequences(schema: SerializedSchema): Record<string, number> {
  if (schema.schemaVersion === 2) return { ...(schema as SerializedSchemaV2).sequences }
  const sequences: Record<string, number> = { 'com.tldraw.store': schema.storeVersion }
  for (const [typeName, record] of Object.entries(schema.recordVersions)) {
    sequences[`com.tldraw.${typeName}`] = record.version
    const subTypes = 'subTypeVersions' in record ? record.subTypeVersions : {}
    for (const [subType, version] of Object.entries(subTypes)) sequences[`com.tldraw.${typeName}.${subType}`] = version
  }
  return sequences
}

/**
 * Reads a `.tldr` file's outer shape (what tldraw's `parseTldrawJsonFile` checks before it
 * migrates): JSON, a tldraw file (not a tldraw 1 one, nor another application's), of a format
 * and schema not newer than `current`. Throws a {@link TldrFileError} saying which it is not.
 */
export function readTldrFile(bytes: Uint8Array, current: SerializedSchema): TldrFile {
  const data = parseJson(bytes)
  if (!isObject(data)) throw new TldrFileError('tldr.notTldraw', 'the file is JSON but not a tldraw file (not an object)')
  if (isObject(data.document) && data.document.version !== undefined && data.tldrawFileFormatVersion === undefined) {
    throw new TldrFileError('tldr.tldrawV1', 'a file of the first tldraw (2021–2022): open it on tldraw.com and save it again, then import the new file')
  }
  if (data.tldrawFileFormatVersion === undefined) throw new TldrFileError('tldr.notTldraw', 'the file is JSON but not a tldraw file (no "tldrawFileFormatVersion")')
  const version = data.tldrawFileFormatVersion
  if (typeof version !== 'number' || !Number.isInteger(version) || version === 0) throw new TldrFileError('tldr.notTldraw', '"tldrawFileFormatVersion" must be a whole number')
  if (version > TLDR_FILE_FORMAT_VERSION) throw new TldrFileError('tldr.newer', `file format version ${version}: saved by a newer tldraw than this server knows (${TLDR_FILE_FORMAT_VERSION})`)
  const schema = readSchema(data.schema)
  const ours = schemaSequences(current)
  for (const [sequence, theirs] of Object.entries(schemaSequences(schema))) {
    const known = ours[sequence]
    if (known !== undefined && theirs > known) throw new TldrFileError('tldr.newer', `saved by a newer tldraw: ${sequence} is at version ${theirs}, this server knows up to ${known}`)
  }
  if (!Array.isArray(data.records)) throw new TldrFileError('tldr.notTldraw', '"records" must be a list')
  if (data.records.length > MAX_TLDR_RECORDS) throw new TldrFileError('body.tooLarge', `the file holds ${data.records.length} records; a board imports at most ${MAX_TLDR_RECORDS}`)
  data.records.forEach((record: unknown, i: number) => {
    if (!isObject(record) || typeof record.id !== 'string' || typeof record.typeName !== 'string') throw new TldrFileError('tldr.invalidRecord', `records[${i}] has no id or typeName`)
  })
  return { schema, records: data.records as RawRecord[] }
}
