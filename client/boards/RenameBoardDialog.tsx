import { useState, type FormEvent } from 'react'
import type { Board } from '../../shared/lab'
import { LIMITS } from '../../shared/validation'
import { api } from '../api/apiClient'
import { Dialog } from '../components/Dialog'
import { ErrorPanel } from '../components/ErrorPanel'
import { useI18n } from '../i18n/I18nProvider'
import type { BoardChanged } from './boardActions'
import { useApiAction } from './useApiAction'

/** A board's new title. */
export function RenameBoardDialog({ board, token, onDone, onClose }: { board: Board; token: string; onDone: BoardChanged; onClose: () => void }) {
  const { t } = useI18n()
  const [title, setTitle] = useState(board.title)
  const { busy, error, run } = useApiAction()
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const next = title.trim()
    if (!next) return
    const renamed = await run(() => api.updateBoard(board.id, token, { title: next }))
    if (renamed) onDone(renamed, t('boards.renamed', { title: renamed.title }))
  }
  return (
    <Dialog title={t('boards.rename.title')} onClose={onClose} testId="rename-board-dialog">
      <form className="fab-boards-form" onSubmit={submit}>
        <label className="fab-field">
          <span>{t('boards.rename.label')}</span>
          <input value={title} maxLength={LIMITS.title} required autoFocus onChange={(e) => setTitle(e.target.value)} data-testid="rename-board-input" />
        </label>
        {error && <ErrorPanel message={error} />}
        <div className="fab-boards-form__actions">
          <button type="button" className="fab-button" onClick={onClose}>
            {t('boards.cancel')}
          </button>
          <button type="submit" className="fab-button fab-button--primary" disabled={busy || !title.trim() || title.trim() === board.title} data-testid="rename-board-submit">
            {busy ? t('boards.working') : t('boards.rename.submit')}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
