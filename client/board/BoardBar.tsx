import { createContext, useContext } from 'react'
import type { EditingMode } from '../../shared/boardSession'
import { Icon } from '../components/Icon'
import { EditingModeBadge, EditingModeSwitch } from '../facilitation/EditingModeSwitch'
import { useI18n } from '../i18n/I18nProvider'
import { BoardInviteContext } from '../lab/BoardInviteContext'
import { BoardMenuButton } from './BoardMenu'
import { ConnectionBadge } from './ConnectionBadge'
import { WorkshopParticipantButtons, WorkshopToolsButton } from '../workshop/WorkshopMenu'
import type { ConnectionState } from './useBoardStore'

export interface BoardBarState {
  title: string
  connection: ConnectionState
  readOnly: boolean
  labLink: string
  editingMode: EditingMode
  /** The board reached its maximum size (read-only for everyone). */
  full: boolean
  /** Opens the template picker; null when this person cannot insert templates. */
  onInsert: (() => void) | null
  /** Facilitators only: sets who may edit the board. */
  onSetMode: ((mode: EditingMode) => void) | null
  /** Facilitators only: opens the list of people on the board. */
  onOpenPeople: (() => void) | null
  /** How many other people are on the board (for facilitators). */
  othersCount: number
  /** Changes made here that the server does not have yet. */
  pending: number
}

export const BoardBarContext = createContext<BoardBarState | null>(null)

/** The strip at the top of the canvas: back to the lab, title, connection, and the facilitator's controls. */
export function BoardBar() {
  const bar = useContext(BoardBarContext)
  const onInvite = useContext(BoardInviteContext)
  const { t } = useI18n()
  if (!bar) return null
  return (
    <div className="fab-board-bar">
      <a className="fab-board-bar__back" href={bar.labLink} title={t('board.back')} aria-label={t('board.back')}>
        ←
      </a>
      <span className="fab-board-bar__title" data-testid="board-title">
        {bar.title}
      </span>
      <ConnectionBadge connection={bar.connection} pending={bar.pending} readOnly={bar.readOnly && bar.editingMode !== 'frozen' && !bar.full} />
      {bar.full ? (
        <span className="fab-mode-badge fab-mode-badge--frozen" data-testid="board-full" title={t('full.help')}>
          {t('full.title')}
        </span>
      ) : (
        !bar.onSetMode && <EditingModeBadge mode={bar.editingMode} />
      )}
      {(bar.onSetMode || bar.onOpenPeople || bar.onInsert || onInvite) && (
        <div className="fab-board-bar__tools">
      {bar.onSetMode && <EditingModeSwitch mode={bar.editingMode} onChange={bar.onSetMode} />}
      {bar.onOpenPeople && (
        <button type="button" className="fab-board-bar__action" onClick={bar.onOpenPeople} data-testid="open-people" title={t('people.button')}>
          <Icon name="people" />
          <span className="fab-board-bar__action-label">{t('people.button')}</span>
          <span className="fab-board-bar__count">{bar.othersCount}</span>
        </button>
      )}
      {bar.onInsert && (
        <button type="button" className="fab-board-bar__action" onClick={bar.onInsert} data-testid="open-insert-template" title={t('board.insert')}>
          <Icon name="plus" />
          <span className="fab-board-bar__action-label">{t('board.insert')}</span>
        </button>
      )}
      {onInvite && (
        <button type="button" className="fab-board-bar__action" onClick={onInvite} data-testid="open-board-invite" title={t('labLive.invite')} aria-label={t('labLive.invite')}>
          <Icon name="qr" />
        </button>
      )}
      <WorkshopToolsButton />
        </div>
      )}
      <WorkshopParticipantButtons />
      <BoardMenuButton />
    </div>
  )
}
