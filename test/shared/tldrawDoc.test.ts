import fs from 'node:fs'
import path from 'node:path'
import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { BoardMetaKey, getMetaMap, getRecordsMap, type StoredRecord } from '../../shared/boardDoc'
import { createBoardSchema, initialBoardRecords, putRecords, readBoardRecords, readStoredSchema, writeMigration, writeSchema } from '../../shared/tldrawDoc'

const fixture = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../fixtures/board-before-rich-text.json'), 'utf8'))

function docFromFixture(): Y.Doc {
  const doc = new Y.Doc()
  Y.transact(doc, () => {
    for (const record of fixture.records) getRecordsMap(doc).set(record.id, record)
    getMetaMap(doc).set(BoardMetaKey.schema, fixture.schema)
  })
  return doc
}

describe('board documents and the tldraw schema', () => {
  const schema = createBoardSchema()

  it('a new board is at the current schema and needs no migration', () => {
    const doc = new Y.Doc()
    writeSchema(doc, schema)
    putRecords(doc, initialBoardRecords('Page 1'))
    const read = readBoardRecords(doc, schema)
    expect(read.kind).toBe('ok')
    if (read.kind === 'ok') {
      expect(read.migrated).toBeNull()
      expect(read.records.map((r) => r.typeName).sort()).toEqual(['document', 'page'])
    }
  })

  it('migrates a document written by an older tldraw (plain text → rich text) and every record validates', () => {
    const doc = docFromFixture()
    const read = readBoardRecords(doc, schema)
    expect(read.kind).toBe('ok')
    if (read.kind !== 'ok') return
    expect(read.migrated).not.toBeNull()
    const text = read.records.find((r) => r.id === 'shape:oldtext') as any
    expect(text.props.text).toBeUndefined()
    expect(JSON.stringify(text.props.richText)).toContain('les habitants d’abord')
    const geo = read.records.find((r) => r.id === 'shape:oldgeo') as any
    expect(JSON.stringify(geo.props.richText)).toContain('Mobilité')
    for (const record of read.records) expect(() => schema.validateRecord(null as never, record as never, 'initialize', null)).not.toThrow()

    writeMigration(doc, schema, read.migrated!)
    expect(readStoredSchema(doc)).toEqual(schema.serialize())
    expect(readBoardRecords(doc, schema)).toMatchObject({ kind: 'ok', migrated: null })
    expect(JSON.stringify(getRecordsMap(doc).get('shape:oldgeo'))).toContain('richText')
  })

  it('a document written by a newer tldraw is reported, not touched', () => {
    const doc = new Y.Doc()
    const newer = structuredClone(schema.serialize()) as any
    newer.sequences['com.tldraw.shape.geo'] += 5
    newer.sequences['com.tldraw.shape.hologram'] = 1
    Y.transact(doc, () => {
      getMetaMap(doc).set(BoardMetaKey.schema, newer)
      for (const r of initialBoardRecords('Page 1')) getRecordsMap(doc).set(r.id, r as unknown as StoredRecord)
    })
    const before = Y.encodeStateAsUpdate(doc)
    const read = readBoardRecords(doc, schema)
    expect(read.kind).toBe('newer')
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before)
  })
})
