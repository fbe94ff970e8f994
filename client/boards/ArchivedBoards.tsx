import type { Board } from '../../shared/lab'
import { PHASE_INFO } from '../../shared/phases'
import { useI18n } from '../i18n/I18nProvider'
import { ManageBoardButton } from './ManageBoardButton'

export interface ArchivedBoardsProps {
  /** The lab's archived boards. */
  boards: readonly Board[]
  boardHref: (board: Board) => string
  /** Facilitators: what can be done with a board (unarchive…). */
  onManage?: (board: Board) => void
}

/** « Archives »: the boards kept out of the journey, still open to the lab's members. */
export function ArchivedBoards({ boards, boardHref, onManage }: ArchivedBoardsProps) {
  const { t, pick } = useI18n()
  const sorted = [...boards].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
  return (
    // Hidden rather than gone when empty: opened, it stays open when a board comes back to it.
    <details className="fab-card fab-boards-section" data-testid="archived-boards" hidden={boards.length === 0}>
      <summary className="fab-boards-section__summary">
        <h2>{t('boards.archives.title')}</h2>
        <span className="fab-chip">{boards.length}</span>
      </summary>
      <p className="fab-muted fab-small">{t('boards.archives.help')}</p>
      <ul className="fab-boards-list">
        {sorted.map((board) => (
          <li key={board.id} className="fab-boards-list__item" data-testid="archived-board" data-board-id={board.id}>
            <a className="fab-boards-list__title" href={boardHref(board)}>
              {board.title}
            </a>
            <span className="fab-muted fab-boards-list__meta">{t('boards.archives.phase', { phase: pick(PHASE_INFO[board.phase].label) })}</span>
            {onManage && <ManageBoardButton title={board.title} onClick={() => onManage(board)} compact />}
          </li>
        ))}
      </ul>
    </details>
  )
}
