import type { Board } from '../../shared/lab'

/**
 * Boards as this page last changed them (renamed, archived…), newest `updatedAt` wins: the
 * board page keeps the board it was opened with, and its menu must not offer to archive a
 * board it just archived.
 */
const latest = new Map<string, Board>()

export function rememberBoard(board: Board): void {
  const known = latest.get(board.id)
  if (!known || known.updatedAt <= board.updatedAt) latest.set(board.id, board)
}

/** `board`, or what this page made of it since, whichever is newer. */
export function latestBoard(board: Board): Board {
  const known = latest.get(board.id)
  return known && known.updatedAt > board.updatedAt ? known : board
}
