import type { Board, PersonOnBoard } from '../../shared/lab'
import { getTemplate } from '../../shared/templates'
import { Icon } from '../components/Icon'
import { ManageBoardButton } from '../boards/ManageBoardButton'
import { useI18n } from '../i18n/I18nProvider'
import { PeopleOnBoard } from './PeopleOnBoard'

export interface BoardCardProps {
  board: Board
  href: string
  people: readonly PersonOnBoard[]
  /** Facilitators: opens this board's invitation links. */
  onInvite?: () => void
  /** Facilitators: what can be done with the board (rename, duplicate, archive…). */
  onManage?: () => void
}

/**
 * A board as a large touch target: its title and method, who is on it now; the whole card
 * opens it. Facilitators also get its invitation links.
 */
export function BoardCard({ board, href, people, onInvite, onManage }: BoardCardProps) {
  const { t, pick } = useI18n()
  const template = board.template ? getTemplate(board.template) : undefined
  return (
    <li className="fab-board-card" data-testid="now-board" data-board-id={board.id}>
      <a className="fab-board-card__open" href={href} data-testid="now-board-link">
        <span className="fab-board-card__title">{board.title}</span>
        {template && pick(template.title) !== board.title && <span className="fab-board-card__method">{pick(template.title)}</span>}
      </a>
      <div className="fab-board-card__foot">
        <PeopleOnBoard people={people} />
        {(onInvite || onManage) && (
          <div className="fab-board-card__actions">
            {onInvite && (
              <button type="button" className="fab-button fab-board-card__invite" onClick={onInvite} aria-label={t('labLive.invite.button', { title: board.title })} data-testid="board-invite">
                <Icon name="qr" size={18} />
                {t('labLive.invite')}
              </button>
            )}
            {onManage && <ManageBoardButton title={board.title} onClick={onManage} compact />}
          </div>
        )}
      </div>
    </li>
  )
}
