import type { Board, Lab, LabPresence } from '../../shared/lab'
import { PHASE_INFO } from '../../shared/phases'
import { useI18n } from '../i18n/I18nProvider'
import { BoardCard } from './BoardCard'

export interface CurrentPhaseBoardsProps {
  lab: Lab
  boards: Board[]
  presence: LabPresence
  boardHref: (board: Board) => string
  onInvite?: (board: Board) => void
  /** Facilitators: a new board in the current phase. */
  onCreate?: () => void
  /** Facilitators: a new board from a `.tldr` file. */
  onImport?: () => void
  /** Facilitators: what can be done with a board. */
  onManage?: (board: Board) => void
}

/**
 * The boards of the lab's current phase, as cards with who is on them now: what a participant
 * opening the lab's link on a phone comes for, so it is shown before the journey.
 */
export function CurrentPhaseBoards({ lab, boards, presence, boardHref, onInvite, onCreate, onImport, onManage }: CurrentPhaseBoardsProps) {
  const { t, pick } = useI18n()
  // The newest first: the one the workshop is on is usually the last made.
  // Archived boards are kept out of the journey (they are under « Archives »).
  const inJourney = boards.filter((b) => !b.archived)
  const current = inJourney.filter((b) => b.phase === lab.phase).sort((a, b) => b.createdAt.localeCompare(a.createdAt))
  const others = inJourney.length - current.length
  return (
    <section className="fab-now" data-testid="now-boards" aria-labelledby="now-title">
      <div className="fab-section-head">
        <div>
          <h2 id="now-title">{t('labLive.now.title')}</h2>
          <p className="fab-muted fab-now__phase" data-testid="now-phase">
            {t('labLive.now.phase', { phase: pick(PHASE_INFO[lab.phase].label) })}
          </p>
        </div>
        {(onCreate || onImport) && (
          <div className="fab-now__actions">
            {onCreate && (
              <button type="button" className="fab-button fab-button--primary" onClick={onCreate} data-testid="new-board">
                {t('board.create.title')}
              </button>
            )}
            {onImport && (
              <button type="button" className="fab-button" onClick={onImport} data-testid="import-tldr">
                {t('boards.import')}
              </button>
            )}
          </div>
        )}
      </div>
      {current.length === 0 ? (
        <p className="fab-muted" data-testid="now-empty">
          {t('labLive.now.empty')}
        </p>
      ) : (
        <ul className="fab-board-cards">
          {current.map((board) => (
            <BoardCard key={board.id} board={board} href={boardHref(board)} people={presence[board.id] ?? []} onInvite={onInvite && (() => onInvite(board))} onManage={onManage && (() => onManage(board))} />
          ))}
        </ul>
      )}
      {others > 0 && <p className="fab-muted fab-small">{t('labLive.now.otherPhases')}</p>}
    </section>
  )
}
