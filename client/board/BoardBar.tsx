import { createContext, useContext } from 'react'
import { ConnectionBadge } from './ConnectionBadge'
import type { ConnectionState } from './useBoardStore'

export interface BoardBarState {
  title: string
  connection: ConnectionState
  readOnly: boolean
  labLink: string
  backLabel: string
  insertLabel: string
  /** Opens the template picker; null when this person cannot insert templates. */
  onInsert: (() => void) | null
}

export const BoardBarContext = createContext<BoardBarState | null>(null)

/** The strip at the top of the canvas: back to the lab, board title, connection state. */
export function BoardBar() {
  const bar = useContext(BoardBarContext)
  if (!bar) return null
  return (
    <div className="fab-board-bar">
      <a className="fab-board-bar__back" href={bar.labLink} title={bar.backLabel} aria-label={bar.backLabel}>
        ←
      </a>
      <span className="fab-board-bar__title" data-testid="board-title">
        {bar.title}
      </span>
      <ConnectionBadge connection={bar.connection} readOnly={bar.readOnly} />
      {bar.onInsert && (
        <button type="button" className="fab-board-bar__action" onClick={bar.onInsert} data-testid="open-insert-template" title={bar.insertLabel}>
          <span aria-hidden="true">＋</span>
          <span className="fab-board-bar__action-label">{bar.insertLabel}</span>
        </button>
      )}
    </div>
  )
}
