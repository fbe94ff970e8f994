import { isDeepStrictEqual } from 'node:util'
import type { StoredRecord } from '../../shared/boardDoc'

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
 */
export function recordsToRestore(board: ReadonlyMap<string, unknown> | { entries(): IterableIterator<[string, unknown]>; get(id: string): unknown }, target: readonly StoredRecord[]): RestorePlan {
  const wanted = new Map(target.map((r) => [r.id, r]))
  const remove: string[] = []
  for (const [id] of board.entries()) if (!wanted.has(id)) remove.push(id)
  const put = target.filter((record) => !isDeepStrictEqual(board.get(record.id), record))
  return { put, remove }
}
