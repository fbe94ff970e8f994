import { isDeepStrictEqual } from 'node:util'
import type { StoredRecord } from '../../shared/boardDoc'
import { isBoardContent } from './isBoardContent'

/** What restoring a checkpoint writes into the board's records. */
export interface RestorePlan {
  /** Records to set: missing from the board, or different there. */
  put: StoredRecord[]
  /** Ids of records the checkpoint does not have (they go to the bin). */
  remove: string[]
}

/**
 * The changes that make `board` (the records map as it is now) hold exactly `target` (a
 * checkpoint's records): a forward change, so everyone connected sees it and it can itself
 * be undone. Records that are already equal are not written (nobody's view of them moves).
 * tldraw's records of the people who opened the board (`user:`) are not the board's content:
 * left as they are.
 */
export function recordsToRestore(board: ReadonlyMap<string, unknown> | { entries(): IterableIterator<[string, unknown]>; get(id: string): unknown }, target: readonly StoredRecord[]): RestorePlan {
  const content = target.filter((r) => isBoardContent(r.id, r))
  const wanted = new Map(content.map((r) => [r.id, r]))
  const remove: string[] = []
  for (const [id, record] of board.entries()) if (!wanted.has(id) && isBoardContent(id, record)) remove.push(id)
  const put = content.filter((record) => !isDeepStrictEqual(board.get(record.id), record))
  return { put, remove }
}
