import type { BoardView } from '../../shared/lab'
import type { ClientConfig } from '../api/apiClient'

/**
 * What a board page needs from the API before it can show the board (the board's title, its
 * lab, this person's role, the server's configuration), kept on the device after each visit
 * so the page opens with no network.
 */
const VIEW_KEY = (boardId: string) => `fabrique.boardView.${boardId}`
const CONFIG_KEY = 'fabrique.clientConfig'

function read<T>(key: string): T | null {
  try {
    const raw = localStorage.getItem(key)
    return raw ? (JSON.parse(raw) as T) : null
  } catch {
    return null
  }
}

export function keepBoardView(view: BoardView): void {
  localStorage.setItem(VIEW_KEY(view.board.id), JSON.stringify(view))
}

export function keptBoardView(boardId: string): BoardView | null {
  const view = read<BoardView>(VIEW_KEY(boardId))
  return view && view.board?.id === boardId ? view : null
}

export function forgetBoardView(boardId: string): void {
  localStorage.removeItem(VIEW_KEY(boardId))
}

export function keepClientConfig(config: ClientConfig): void {
  localStorage.setItem(CONFIG_KEY, JSON.stringify(config))
}

export function keptClientConfig(): ClientConfig | null {
  return read<ClientConfig>(CONFIG_KEY)
}

/** A failed `fetch` (no network, server unreachable), as opposed to an answer that says no. */
export function isNetworkFailure(err: unknown): boolean {
  return err instanceof TypeError
}
