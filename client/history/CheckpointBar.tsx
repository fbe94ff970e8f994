import { createContext, useContext } from 'react'
import { canManageLab } from '../../shared/roles'
import { useBoardInfo } from '../board/BoardContext'
import { BoardMenuButton } from '../board/BoardMenu'
import { useI18n } from '../i18n/I18nProvider'
import { useCheckpointView } from './CheckpointViewContext'
import { formatWhen } from './formatWhen'
import { HistoryIcon } from './HistoryIcon'

/** What the bar of a checkpoint's view does: back to the live board, restore (facilitators). */
export const CheckpointBarActions = createContext<{ back: () => void; restore: () => void } | null>(null)

/**
 * The strip at the top of a checkpoint's read-only view, in place of the board's bar: which
 * version this is (« Version du 12 mars 2027, 16 h 05 — lecture seule »), back to the live
 * board, restore for facilitators, and the board menu (history, exports).
 */
export function CheckpointBar() {
  const { t, lang } = useI18n()
  const { board, role } = useBoardInfo()
  const checkpoint = useCheckpointView()
  const actions = useContext(CheckpointBarActions)
  if (!checkpoint || !actions) return null
  const when = formatWhen(checkpoint.createdAt, lang)
  const title = t('history.checkpoint.banner', { when })
  return (
    <div className="fab-board-bar fab-checkpoint-bar" role="region" aria-label={title} data-testid="checkpoint-bar">
      <div className="fab-checkpoint-bar__text">
        <span className="fab-checkpoint-bar__board">
          {board.title}
          {checkpoint.name && <span className="fab-checkpoint-bar__name"> · {t('history.quoted', { name: checkpoint.name })}</span>}
        </span>
        <span className="fab-checkpoint-bar__title" data-testid="checkpoint-title">
          {title}
        </span>
      </div>
      <div className="fab-board-bar__tools">
        <button type="button" className="fab-board-bar__action fab-checkpoint-bar__live" onClick={actions.back} title={t('history.checkpoint.back')} aria-label={t('history.checkpoint.back')} data-testid="checkpoint-back">
          <HistoryIcon name="back" />
          <span className="fab-checkpoint-bar__label">{t('history.checkpoint.back.short')}</span>
        </button>
        {canManageLab(role) && (
          <button type="button" className="fab-board-bar__action" onClick={actions.restore} title={t('history.checkpoint.restore.label')} aria-label={t('history.checkpoint.restore.label')} data-testid="checkpoint-bar-restore">
            <HistoryIcon name="restore" />
            <span className="fab-checkpoint-bar__label">{t('history.checkpoint.restore')}</span>
          </button>
        )}
        <BoardMenuButton />
      </div>
    </div>
  )
}
