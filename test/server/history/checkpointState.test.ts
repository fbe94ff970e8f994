import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { getMetaMap, getRecordsMap, getSessionMap } from '../../../shared/boardDoc'
import { compressState, decompressState, encodeCheckpoint } from '../../../server/history/checkpointState'
import { note } from '../../support/records'

describe('what a checkpoint keeps of a board', () => {
  it('its records and meta (templates applied as a map), not its live session nor its Yjs history', async () => {
    const board = new Y.Doc()
    const records = getRecordsMap(board)
    // A long life: notes written and deleted by many clients.
    for (let i = 0; i < 200; i++) {
      const writer = new Y.Doc()
      Y.applyUpdate(writer, Y.encodeStateAsUpdate(board))
      getRecordsMap(writer).set(`shape:n${i}`, note(`n${i}`, `Note ${i} `.repeat(5)))
      if (i % 2 === 0 && i > 0) getRecordsMap(writer).delete(`shape:n${i - 1}`)
      Y.applyUpdate(board, Y.encodeStateAsUpdate(writer, Y.encodeStateVector(board)))
    }
    Y.transact(board, () => {
      getMetaMap(board).set('schema', { schemaVersion: 2, sequences: {} })
      const templates = new Y.Map<unknown>()
      getMetaMap(board).set('templates', templates)
      templates.set('ins1', 'iceberg')
      getSessionMap(board).set('editing', 'frozen')
    })
    const state = encodeCheckpoint(board)
    const read = new Y.Doc()
    Y.applyUpdate(read, await decompressState(await compressState(state)))
    expect(getRecordsMap(read).toJSON()).toEqual(records.toJSON())
    expect(getMetaMap(read).toJSON()).toEqual({ schema: { schemaVersion: 2, sequences: {} }, templates: { ins1: 'iceberg' } })
    expect(getMetaMap(read).get('templates')).toBeInstanceOf(Y.Map)
    expect(getSessionMap(read).size).toBe(0)
    expect(read.store.clients.size).toBe(1)
    expect(state.byteLength).toBeLessThan(Y.encodeStateAsUpdate(board).byteLength)
  })
})
