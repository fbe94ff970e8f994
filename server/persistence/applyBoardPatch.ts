import type { Board } from '../../shared/lab'
import type { BoardPatch } from './Storage'

/** `board` with `patch` applied (absent fields kept) and `updatedAt` set: what every backend stores. */
export function applyBoardPatch(board: Board, patch: BoardPatch, updatedAt: string): Board {
  return {
    ...board,
    ...(patch.title !== undefined && { title: patch.title }),
    ...(patch.phase !== undefined && { phase: patch.phase }),
    ...(patch.archived !== undefined && { archived: patch.archived }),
    ...(patch.deletedAt !== undefined && { deletedAt: patch.deletedAt }),
    updatedAt,
  }
}
