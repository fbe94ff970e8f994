import { useState } from 'react'
import type { Board } from '../../shared/lab'
import { api } from '../api/apiClient'
import { Dialog } from '../components/Dialog'
import { ErrorPanel } from '../components/ErrorPanel'
import { formatWhen } from '../history/formatWhen'
import { useI18n } from '../i18n/I18nProvider'
import type { BoardChanged } from './boardActions'
import { useApiAction } from './useApiAction'

export interface LabBinSectionProps {
  labId: string
  token: string
  /** The boards in the lab's bin, the last deleted first (null until known). */
  boards: readonly Board[] | null
  onRestored: BoardChanged
  /** The bin was emptied: these boards are gone for good. */
  onEmptied: (deleted: readonly string[], message: string) => void
}

/**
 * « Corbeille du labo » (facilitators): the deleted boards, each restored in one tap; emptying
 * the bin deletes them for good, after a confirmation that says so.
 */
export function LabBinSection({ labId, token, boards, onRestored, onEmptied }: LabBinSectionProps) {
  const { t, lang, plural } = useI18n()
  const { busy, error, run } = useApiAction()
  const [confirming, setConfirming] = useState(false)
  const count = boards?.length ?? 0
  const restore = async (board: Board) => {
    const restored = await run(() => api.restoreBoard(board.id, token))
    if (restored) onRestored(restored, t('boards.bin.restored', { title: restored.title }))
  }
  const empty = async () => {
    const emptied = await run(() => api.emptyBin(labId, token))
    setConfirming(false)
    if (emptied) onEmptied(emptied.deleted, plural('boards.bin.emptied', emptied.deleted.length))
  }
  return (
    <details className="fab-card fab-boards-section" data-testid="lab-bin">
      <summary className="fab-boards-section__summary">
        <h2>{t('boards.bin.title')}</h2>
        <span className="fab-chip" data-testid="lab-bin-count">
          {count}
        </span>
      </summary>
      <p className="fab-muted fab-small">{t('boards.bin.help')}</p>
      {count === 0 ? (
        <p className="fab-muted">{t('boards.bin.empty')}</p>
      ) : (
        <>
          <ul className="fab-boards-list">
            {boards!.map((board) => (
              <li key={board.id} className="fab-boards-list__item" data-testid="binned-board" data-board-id={board.id}>
                <span className="fab-boards-list__title">{board.title}</span>
                <span className="fab-muted fab-boards-list__meta">{t('boards.bin.deletedOn', { when: formatWhen(board.deletedAt ?? board.updatedAt, lang) })}</span>
                <button type="button" className="fab-button" disabled={busy} onClick={() => void restore(board)} aria-label={t('boards.bin.restore.label', { title: board.title })} data-testid="binned-board-restore">
                  {t('boards.bin.restore')}
                </button>
              </li>
            ))}
          </ul>
          <div className="fab-boards-section__foot">
            <button type="button" className="fab-button fab-button--danger" disabled={busy} onClick={() => setConfirming(true)} data-testid="lab-bin-empty">
              {t('boards.bin.emptyAll')}
            </button>
          </div>
        </>
      )}
      {error && !confirming && <ErrorPanel message={error} />}
      {confirming && (
        <Dialog title={t('boards.bin.emptyAll.title')} onClose={() => setConfirming(false)} testId="lab-bin-empty-dialog">
          <p className="fab-boards-form__text">{plural('boards.bin.emptyAll.confirm', count)}</p>
          {error && <ErrorPanel message={error} />}
          <div className="fab-boards-form__actions">
            <button type="button" className="fab-button" onClick={() => setConfirming(false)} autoFocus>
              {t('boards.cancel')}
            </button>
            <button type="button" className="fab-button fab-button--danger" disabled={busy} onClick={() => void empty()} data-testid="lab-bin-empty-confirm">
              {busy ? t('boards.working') : t('boards.bin.emptyAll.submit')}
            </button>
          </div>
        </Dialog>
      )}
    </details>
  )
}
