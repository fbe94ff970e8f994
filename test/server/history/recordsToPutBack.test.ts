import { describe, expect, it } from 'vitest'
import type { StoredRecord } from '../../../shared/boardDoc'
import { recordsToPutBack } from '../../../server/history/recordsToPutBack'
import type { BinEntry } from '../../../server/persistence/Storage'

const rec = (id: string, fields: Partial<StoredRecord> = {}): StoredRecord => ({ id, typeName: id.split(':')[0]!, ...fields })
const board = (...records: StoredRecord[]) => new Map(records.map((r) => [r.id, r]))
const entry = (record: StoredRecord, batch = 'b1'): BinEntry => ({ recordId: record.id, batch, record, deletedAt: '2027-03-17T12:00:00.000Z', deletedBy: null })

describe('what putting records back writes', () => {
  it('puts a shape whose frames are gone on the page, where it was on the page (rotations composed)', () => {
    const outer = rec('shape:outer', { type: 'frame', parentId: 'page:page', x: 100, y: 200, rotation: Math.PI / 2 })
    const inner = rec('shape:inner', { type: 'frame', parentId: 'shape:outer', x: 10, y: 0, rotation: 0 })
    const note = rec('shape:note', { type: 'note', parentId: 'shape:inner', x: 5, y: 0, rotation: 0 })
    const plan = recordsToPutBack(board(rec('page:page')), [entry(note)], [entry(outer), entry(inner), entry(note)])
    expect(plan.reparented).toBe(1)
    const placed = plan.records[0]!
    expect(placed.parentId).toBe('page:page')
    // (15, 0) in the outer frame, turned a quarter: (0, 15) from (100, 200).
    expect(placed.x).toBeCloseTo(100)
    expect(placed.y).toBeCloseTo(215)
    expect(placed.rotation).toBeCloseTo(Math.PI / 2)
  })

  it('keeps a shape in its frame when the frame comes back with it, or is still on the board', () => {
    const frame = rec('shape:frame', { parentId: 'page:page', x: 100, y: 100 })
    const note = rec('shape:note', { parentId: 'shape:frame', x: 5, y: 5 })
    expect(recordsToPutBack(board(rec('page:page')), [entry(frame), entry(note)], [entry(frame), entry(note)])).toMatchObject({ reparented: 0, records: [frame, note] })
    expect(recordsToPutBack(board(rec('page:page'), frame), [entry(note)], [entry(note)])).toMatchObject({ reparented: 0, records: [note] })
  })

  it('writes nothing for a record on the board again, leaves bindings without both ends, and shapes with no page to go on, in the bin', () => {
    const note = rec('shape:note', { parentId: 'page:gone', x: 1, y: 2 })
    const binding = rec('binding:b', { fromId: 'shape:arrow', toId: 'shape:note' })
    const again = rec('shape:again', { parentId: 'page:page' })
    const plan = recordsToPutBack(board(again), [entry(note), entry(binding), entry(again)], [])
    expect(plan).toEqual({ records: [], alreadyThere: ['shape:again'], reparented: 0, skipped: ['shape:note', 'binding:b'] })
  })

  it('writes assets and pages before shapes, and shapes before bindings', () => {
    const page = rec('page:p2', { index: 'a2' })
    const shape = rec('shape:s', { parentId: 'page:p2' })
    const asset = rec('asset:a')
    const arrow = rec('shape:arrow', { parentId: 'page:p2' })
    const binding = rec('binding:b', { fromId: 'shape:arrow', toId: 'shape:s' })
    const plan = recordsToPutBack(board(), [entry(binding), entry(shape), entry(page), entry(arrow), entry(asset)], [])
    expect(plan.records.map((r) => r.typeName)).toEqual(['page', 'asset', 'shape', 'shape', 'binding'])
    expect(plan.skipped).toEqual([])
  })
})
