import { createContext, useContext, type ReactNode } from 'react'
import type * as Y from 'yjs'
import type { IssuedIdentity } from '../../shared/identity'
import type { Board } from '../../shared/lab'
import type { Role } from '../../shared/roles'

/**
 * The board open in the canvas, for the features around it (history, exports, board
 * management): what it is, in which lab, and who is looking with which secret.
 */
export interface BoardInfo {
  board: Board
  lab: { id: string; title: string }
  role: Role
  /** The lab secret this page opened the board with (for API calls). */
  token: string
  identity: IssuedIdentity
  /** The board's Yjs document, once created. */
  doc: Y.Doc | null
  /**
   * Shows a dialog or panel over the canvas (one at a time), e.g. from the board menu, which
   * closes itself first; `null` closes it.
   */
  showDialog: (render: ((close: () => void) => ReactNode) | null) => void
}

export const BoardContext = createContext<BoardInfo | null>(null)

/** The open board; throws outside a board page (a programming error). */
export function useBoardInfo(): BoardInfo {
  const info = useContext(BoardContext)
  if (!info) throw new Error('useBoardInfo: no board is open here')
  return info
}
