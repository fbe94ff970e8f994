import { useEditor } from 'tldraw'
import { canManageLab } from '../../shared/roles'
import { linkWithToken } from '../access/fragmentToken'
import type { BoardMenuSectionProps } from '../board/BoardMenu'
import { useBoardInfo } from '../board/BoardContext'
import { useCheckpointView } from '../history/CheckpointViewContext'
import { useI18n } from '../i18n/I18nProvider'
import { BoardActionsDialog } from './BoardActionsDialog'
import type { BoardAction } from './boardActions'
import { ExportTldrDialog } from './ExportTldrDialog'
import { Dialog } from '../components/Dialog'
import { ArchiveBoardDialog } from './ArchiveBoardDialog'
import { BoardsIcon } from './BoardsIcon'
import { latestBoard, rememberBoard } from './latestBoards'

/**
 * The board menu's part for the board itself: « Exporter en .tldr » for everyone who can read
 * it (the version shown, on a checkpoint); for facilitators, rename, duplicate (the version
 * shown, if one is), change phase, archive and delete — deleting sends everyone, this page
 * included, back to the lab.
 */
export function BoardsMenuSection({ close }: BoardMenuSectionProps) {
  const { t } = useI18n()
  const editor = useEditor()
  const info = useBoardInfo()
  const { lab, role, token, showDialog } = info
  const board = latestBoard(info.board)
  const checkpoint = useCheckpointView()
  const open = (action: Exclude<BoardAction, 'archive'>) => {
    close()
    showDialog((closeDialog) => (
      <BoardActionsDialog
        board={board}
        token={token}
        action={action}
        checkpointId={checkpoint?.id ?? null}
        boardHref={(b) => linkWithToken(`/board/${b.id}`, token)}
        onDone={(changed, message) => {
          // A copy is another board (its dialog says so and offers to open it).
          if (changed.id !== board.id) return
          rememberBoard(changed)
          // In the bin, this board is closed to everyone, this page included: back to the lab.
          if (changed.deletedAt !== null) return location.assign(`/lab/${encodeURIComponent(lab.id)}`)
          showDialog((closeNotice) => <DoneNotice title={changed.title} message={message} onClose={closeNotice} />)
        }}
        onClose={closeDialog}
      />
    ))
  }
  const item = (action: Exclude<BoardAction, 'archive'>, label: string) => (
    <button type="button" role="menuitem" className="fab-menu__item" data-testid={`board-menu-${action}`} onClick={() => open(action)}>
      <BoardsIcon name={action} />
      {label}
    </button>
  )
  return (
    <>
      <button
        type="button"
        role="menuitem"
        className="fab-menu__item"
        data-testid="board-menu-export-tldr"
        onClick={() => {
          close()
          showDialog((closeDialog) => (
            <ExportTldrDialog
              editor={editor}
              nameParts={[lab.title, board.title, ...(checkpoint?.name ? [checkpoint.name] : [])]}
              date={checkpoint ? new Date(checkpoint.createdAt) : undefined}
              onClose={closeDialog}
            />
          ))
        }}
      >
        <BoardsIcon name="file" />
        {t('boards.exportTldr')}
      </button>
      {canManageLab(role) && (
        <div className="fab-menu__group" role="group" aria-label={t('boards.manage.label', { title: board.title })}>
          {item('rename', t('boards.rename'))}
          {item('duplicate', t('boards.duplicate'))}
          {item('move', t('boards.move'))}
          <button
            type="button"
            role="menuitem"
            className="fab-menu__item"
            data-testid="board-menu-archive"
            onClick={() => {
              close()
              showDialog((closeDialog) => <ArchiveBoardDialog board={board} token={token} onClose={closeDialog} />)
            }}
          >
            <BoardsIcon name={board.archived ? 'unarchive' : 'archive'} />
            {t(board.archived ? 'boards.unarchive' : 'boards.archive')}
          </button>
          {item('delete', t('boards.delete'))}
        </div>
      )}
    </>
  )
}

/** What an action did, said once it is done (the board bar shows the new title at once). */
function DoneNotice({ title, message, onClose }: { title: string; message: string; onClose: () => void }) {
  const { t } = useI18n()
  return (
    <Dialog title={title} onClose={onClose} testId="board-action-done">
      <p className="fab-notice" role="status">
        {message}
      </p>
      <div className="fab-boards-form__actions">
        <button type="button" className="fab-button" onClick={onClose} autoFocus>
          {t('dialog.close')}
        </button>
      </div>
    </Dialog>
  )
}
