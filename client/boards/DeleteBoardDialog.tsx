import type { Board } from '../../shared/lab'
import { api } from '../api/apiClient'
import { Dialog } from '../components/Dialog'
import { ErrorPanel } from '../components/ErrorPanel'
import { useI18n } from '../i18n/I18nProvider'
import type { BoardChanged } from './boardActions'
import { useApiAction } from './useApiAction'

/** Asks before a board goes to the lab's bin (everyone on it is disconnected). */
export function DeleteBoardDialog({ board, token, onDone, onClose }: { board: Board; token: string; onDone: BoardChanged; onClose: () => void }) {
  const { t } = useI18n()
  const { busy, error, run } = useApiAction()
  const confirm = async () => {
    const deleted = await run(() => api.deleteBoard(board.id, token))
    if (deleted) onDone(deleted, t('boards.deleted', { title: deleted.title }))
  }
  return (
    <Dialog title={t('boards.delete.title')} onClose={onClose} testId="delete-board-dialog">
      <p className="fab-boards-form__text">{t('boards.delete.confirm', { title: board.title })}</p>
      {error && <ErrorPanel message={error} />}
      <div className="fab-boards-form__actions">
        <button type="button" className="fab-button" onClick={onClose} autoFocus>
          {t('boards.cancel')}
        </button>
        <button type="button" className="fab-button fab-button--danger" disabled={busy} onClick={() => void confirm()} data-testid="delete-board-confirm">
          {busy ? t('boards.working') : t('boards.delete.submit')}
        </button>
      </div>
    </Dialog>
  )
}
