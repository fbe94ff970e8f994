import type { BoardMenuSectionProps } from '../board/BoardMenu'
import { useBoardInfo } from '../board/BoardContext'
import { canManageLab } from '../../shared/roles'
import { useI18n } from '../i18n/I18nProvider'
import { BinPanel } from './BinPanel'
import { useCheckpointView } from './CheckpointViewContext'
import { HistoryIcon } from './HistoryIcon'
import { TimelinePanel } from './TimelinePanel'

/**
 * « Historique… » in the board menu, for everyone who can read the board (on the live board
 * and in a checkpoint's read-only view); « Corbeille… » for facilitators on the live board.
 */
export function HistoryMenuSection({ close }: BoardMenuSectionProps) {
  const { t } = useI18n()
  const { role, showDialog } = useBoardInfo()
  const viewing = useCheckpointView()
  return (
    <>
      <button
        type="button"
        role="menuitem"
        className="fab-menu__item"
        data-testid="board-menu-history"
        onClick={() => {
          close()
          showDialog((closePanel) => <TimelinePanel onClose={closePanel} />)
        }}
      >
        <HistoryIcon name="history" />
        {t('history.menu')}
      </button>
      {canManageLab(role) && !viewing && (
        <button
          type="button"
          role="menuitem"
          className="fab-menu__item"
          data-testid="board-menu-bin"
          onClick={() => {
            close()
            showDialog((closePanel) => <BinPanel onClose={closePanel} />)
          }}
        >
          <HistoryIcon name="bin" />
          {t('history.bin.menu')}
        </button>
      )}
    </>
  )
}
