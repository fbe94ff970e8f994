import { useEditor } from 'tldraw'
import type { BoardMenuSectionProps } from '../board/BoardMenu'
import { useBoardInfo } from '../board/BoardContext'
import { useCheckpointView } from '../history/CheckpointViewContext'
import { useI18n } from '../i18n/I18nProvider'
import { ExportDialog } from './ExportDialog'

/** A download arrow (the shared icon set has none). */
function ExportIcon() {
  return (
    <svg className="fab-icon" width={16} height={16} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      <path d="M12 4v11M7 10l5 5 5-5M5 20h14" />
    </svg>
  )
}

/**
 * « Exporter… » in the board menu, for everyone who can read the board. On a checkpoint shown
 * read-only, what is exported is that state: its files carry its name and its date.
 */
export function ExportMenuSection({ close }: BoardMenuSectionProps) {
  const { t } = useI18n()
  const editor = useEditor()
  const { board, lab, doc, showDialog } = useBoardInfo()
  const checkpoint = useCheckpointView()
  return (
    <button
      type="button"
      role="menuitem"
      className="fab-menu__item"
      data-testid="board-menu-export"
      onClick={() => {
        close()
        showDialog((closeDialog) => (
          <ExportDialog
            editor={editor}
            doc={doc}
            lab={lab.title}
            board={board.title}
            version={checkpoint?.name ?? undefined}
            date={checkpoint ? new Date(checkpoint.createdAt) : undefined}
            onClose={closeDialog}
          />
        ))
      }}
    >
      <ExportIcon />
      {t('export.menu')}
    </button>
  )
}
