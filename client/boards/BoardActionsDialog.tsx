import { useState } from 'react'
import type { Board } from '../../shared/lab'
import { api } from '../api/apiClient'
import { Dialog } from '../components/Dialog'
import { ErrorPanel } from '../components/ErrorPanel'
import { useI18n } from '../i18n/I18nProvider'
import type { BoardAction, BoardChanged } from './boardActions'
import { BoardsIcon } from './BoardsIcon'
import { DeleteBoardDialog } from './DeleteBoardDialog'
import { DuplicateBoardDialog } from './DuplicateBoardDialog'
import { MoveBoardDialog } from './MoveBoardDialog'
import { RenameBoardDialog } from './RenameBoardDialog'
import { useApiAction } from './useApiAction'

export interface BoardActionsDialogProps {
  board: Board
  token: string
  /** Opens straight on one action (the board menu's items); the list of actions otherwise. */
  action?: Exclude<BoardAction, 'archive'>
  /** For a copy made from a version of the board. */
  checkpointId?: string | null
  boardHref: (board: Board) => string
  onDone: BoardChanged
  onClose: () => void
}

/**
 * What a facilitator can do with a board, as large buttons: rename, duplicate, change phase,
 * archive or unarchive, delete (to the lab's bin, after a confirmation).
 */
export function BoardActionsDialog({ board, token, action, checkpointId = null, boardHref, onDone, onClose }: BoardActionsDialogProps) {
  const { t } = useI18n()
  const [step, setStep] = useState<BoardAction | null>(action ?? null)
  const { busy, error, run } = useApiAction()
  // Closed first: what is told of the change may open a dialog of its own.
  const done: BoardChanged = (changed, message) => {
    onClose()
    onDone(changed, message)
  }
  switch (step) {
    case 'rename':
      return <RenameBoardDialog board={board} token={token} onDone={done} onClose={onClose} />
    case 'move':
      return <MoveBoardDialog board={board} token={token} onDone={done} onClose={onClose} />
    case 'delete':
      return <DeleteBoardDialog board={board} token={token} onDone={done} onClose={onClose} />
    // The dialog says the copy is made and offers to open it: it stays open.
    case 'duplicate':
      return <DuplicateBoardDialog board={board} token={token} checkpointId={checkpointId} copyHref={boardHref} onDone={onDone} onClose={onClose} />
    case 'archive':
    case null:
      break
  }
  const toggleArchive = async () => {
    const changed = await run(() => api.updateBoard(board.id, token, { archived: !board.archived }))
    if (changed) done(changed, t(changed.archived ? 'boards.archived' : 'boards.unarchived', { title: changed.title }))
  }
  return (
    <Dialog title={board.title} onClose={onClose} testId="board-actions-dialog">
      <div className="fab-board-actions" role="group" aria-label={t('boards.manage.label', { title: board.title })}>
        <button type="button" className="fab-button fab-board-actions__item" onClick={() => setStep('rename')} data-testid="board-action-rename">
          <BoardsIcon name="rename" size={18} />
          {t('boards.rename')}
        </button>
        <button type="button" className="fab-button fab-board-actions__item" onClick={() => setStep('duplicate')} data-testid="board-action-duplicate">
          <BoardsIcon name="duplicate" size={18} />
          {t('boards.duplicate')}
        </button>
        <button type="button" className="fab-button fab-board-actions__item" onClick={() => setStep('move')} data-testid="board-action-move">
          <BoardsIcon name="move" size={18} />
          {t('boards.move')}
        </button>
        <button type="button" className="fab-button fab-board-actions__item" disabled={busy} onClick={() => void toggleArchive()} data-testid="board-action-archive">
          <BoardsIcon name={board.archived ? 'unarchive' : 'archive'} size={18} />
          {busy ? t('boards.working') : t(board.archived ? 'boards.unarchive' : 'boards.archive')}
        </button>
        <button type="button" className="fab-button fab-board-actions__item fab-board-actions__item--danger" onClick={() => setStep('delete')} data-testid="board-action-delete">
          <BoardsIcon name="delete" size={18} />
          {t('boards.delete')}
        </button>
      </div>
      {error && <ErrorPanel message={error} />}
    </Dialog>
  )
}
