import { useCallback, useRef, useState, type ComponentType } from 'react'
import { Icon } from '../components/Icon'
import { Popover } from '../components/Popover'
import { BoardsMenuSection } from '../boards/BoardsMenuSection'
import { ExportMenuSection } from '../export/ExportMenuSection'
import { HistoryMenuSection } from '../history/HistoryMenuSection'
import { useI18n } from '../i18n/I18nProvider'

/** What a section of the board menu receives: close the menu (before opening a dialog). */
export interface BoardMenuSectionProps {
  close: () => void
}

/**
 * The board's own menu (« Tableau »), for everyone who can read it: history, the bin,
 * exports, board management. Each feature brings its section (a component rendering
 * `fab-menu__item` buttons, or nothing for roles it does not serve); they are listed here, in
 * the order shown.
 */
const SECTIONS: ComponentType<BoardMenuSectionProps>[] = [HistoryMenuSection, ExportMenuSection, BoardsMenuSection]

export function BoardMenuButton() {
  const { t } = useI18n()
  const [open, setOpen] = useState(false)
  const anchor = useRef<HTMLButtonElement>(null)
  const close = useCallback(() => setOpen(false), [])
  if (SECTIONS.length === 0) return null
  return (
    <>
      <button
        ref={anchor}
        type="button"
        className="fab-board-bar__action"
        aria-haspopup="menu"
        aria-expanded={open}
        title={t('board.menu')}
        aria-label={t('board.menu')}
        data-testid="open-board-menu"
        onClick={() => setOpen(!open)}
      >
        <Icon name="more" />
      </button>
      {open && (
        <Popover anchor={anchor} onClose={close} label={t('board.menu')} testId="board-menu" className="fab-menu">
          {SECTIONS.map((Section, i) => (
            <Section key={i} close={close} />
          ))}
        </Popover>
      )}
    </>
  )
}
