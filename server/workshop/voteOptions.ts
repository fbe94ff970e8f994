import type * as Y from 'yjs'
import { getRecordsMap, type StoredRecord } from '../../shared/boardDoc'
import { VOTE_OPTIONS_MAX, type VoteScope } from '../../shared/workshop/votes'

/** Deepest chain of frames and groups walked up (as the board's rules allow). */
const MAX_DEPTH = 64

const isNote = (record: StoredRecord | undefined): record is StoredRecord => record?.typeName === 'shape' && record.type === 'note'

/** Where a shape sits on its page: its offsets and those of the frames and groups around it (rotation aside). */
function pagePosition(record: StoredRecord, get: (id: string) => StoredRecord | undefined): { x: number; y: number } {
  let x = 0
  let y = 0
  let current: StoredRecord | undefined = record
  for (let depth = 0; current?.typeName === 'shape' && depth < MAX_DEPTH; depth++) {
    x += Number(current.x) || 0
    y += Number(current.y) || 0
    current = get(current.parentId as string)
  }
  return { x, y }
}

/** Whether `ancestorId` is a frame or group `record` sits in, at any depth. */
function sitsIn(record: StoredRecord, ancestorId: string, get: (id: string) => StoredRecord | undefined): boolean {
  let parentId = record.parentId as string
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    if (parentId === ancestorId) return true
    const parent = get(parentId)
    if (parent?.typeName !== 'shape') return false
    parentId = parent.parentId as string
  }
  return false
}

/**
 * The notes a vote opened on `scope` is about, fixed at opening: every note of the board, the
 * notes inside a frame (at any depth), or the notes among a selection. In reading order (top
 * to bottom, then left to right), which is also how ties are ranked. Why not, when no note
 * fits or too many do.
 */
export function voteOptions(doc: Y.Doc, scope: VoteScope): { options: string[] } | { problem: string } {
  const records = getRecordsMap(doc)
  const get = (id: string) => records.get(id)
  let notes: StoredRecord[]
  switch (scope.kind) {
    case 'board':
      notes = [...records.values()].filter(isNote)
      break
    case 'frame':
      if (get(scope.frameId)?.typeName !== 'shape') return { problem: 'this frame is not on the board' }
      notes = [...records.values()].filter((r) => isNote(r) && sitsIn(r, scope.frameId, get))
      break
    case 'selection':
      notes = scope.ids.map(get).filter(isNote)
      break
  }
  if (notes.length === 0) return { problem: scope.kind === 'selection' ? 'there is no note in this selection' : 'there is no note to vote on here' }
  if (notes.length > VOTE_OPTIONS_MAX) return { problem: `a vote is on at most ${VOTE_OPTIONS_MAX} notes` }
  const placed = notes.map((note) => ({ id: note.id, ...pagePosition(note, get) }))
  placed.sort((a, b) => a.y - b.y || a.x - b.x || (a.id < b.id ? -1 : 1))
  return { options: placed.map((p) => p.id) }
}
