import { useSyncExternalStore } from 'react'
import type { Board } from '../../shared/lab'

/**
 * Boards as this page last changed them (renamed, archived…), newest `updatedAt` wins: the
 * board page keeps the board it was opened with, and its menu must not offer to archive a
 * board it just archived, nor its bar show the title it had before a rename.
 */
const latest = new Map<string, Board>()
const listeners = new Set<() => void>()

export function rememberBoard(board: Board): void {
  const known = latest.get(board.id)
  if (known && known.updatedAt > board.updatedAt) return
  latest.set(board.id, board)
  for (const listener of listeners) listener()
}

/** `board`, or what this page made of it since, whichever is newer. */
export function latestBoard(board: Board): Board {
  const known = latest.get(board.id)
  return known && known.updatedAt > board.updatedAt ? known : board
}

/** {@link latestBoard}, re-rendering when this page changes the board. */
export function useLatestBoard(board: Board): Board {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    () => latestBoard(board),
  )
}
