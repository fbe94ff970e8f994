import { useEffect, useState, type FormEvent } from 'react'
import type { CheckpointSummary } from '../../shared/history'
import type { Board } from '../../shared/lab'
import type { Phase } from '../../shared/phases'
import { LIMITS } from '../../shared/validation'
import { api } from '../api/apiClient'
import { Dialog } from '../components/Dialog'
import { ErrorPanel } from '../components/ErrorPanel'
import { PhaseField } from '../components/PhaseField'
import { formatWhen } from '../history/formatWhen'
import { historyApi } from '../history/historyApi'
import { useI18n } from '../i18n/I18nProvider'
import type { BoardChanged } from './boardActions'
import { useApiAction } from './useApiAction'

export interface DuplicateBoardDialogProps {
  board: Board
  token: string
  /** Copy this version of the board rather than its state now (e.g. from the version shown). */
  checkpointId?: string | null
  /** Where the copy opens. */
  copyHref: (copy: Board) => string
  onDone: BoardChanged
  onClose: () => void
}

/**
 * A copy of a board in the same lab — as it is now, or as one of its versions was — with its
 * images; the copy can be opened from here once made.
 */
export function DuplicateBoardDialog({ board, token, checkpointId = null, copyHref, onDone, onClose }: DuplicateBoardDialogProps) {
  const { t, lang } = useI18n()
  const [title, setTitle] = useState(() => t('boards.duplicate.defaultTitle', { title: board.title }).slice(0, LIMITS.title))
  const [phase, setPhase] = useState<Phase>(board.phase)
  const [source, setSource] = useState<string>(checkpointId ?? '')
  const [checkpoints, setCheckpoints] = useState<CheckpointSummary[] | null>(null)
  const [copy, setCopy] = useState<Board | null>(null)
  const { busy, error, run } = useApiAction()

  useEffect(() => {
    let live = true
    // Without the versions (offline, none yet) the board is copied as it is now.
    historyApi.list(board.id, token).then(
      (list) => live && setCheckpoints(list.checkpoints),
      () => live && setCheckpoints([]),
    )
    return () => {
      live = false
    }
  }, [board.id, token])

  const label = (c: CheckpointSummary) => {
    const when = formatWhen(c.createdAt, lang)
    return c.name ? t('boards.duplicate.fromCheckpointNamed', { name: c.name, when }) : t('boards.duplicate.fromCheckpoint', { when })
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!title.trim()) return
    const made = await run(() => api.duplicateBoard(board.id, token, { title: title.trim(), phase, ...(source && { checkpointId: source }) }))
    if (!made) return
    setCopy(made)
    onDone(made, t('boards.duplicated', { title: made.title }))
  }

  return (
    <Dialog title={t('boards.duplicate.title')} onClose={onClose} testId="duplicate-board-dialog">
      {copy ? (
        <div className="fab-boards-form">
          <p className="fab-notice" role="status" data-testid="duplicate-board-done">
            {t('boards.duplicated', { title: copy.title })}
          </p>
          <div className="fab-boards-form__actions">
            <button type="button" className="fab-button" onClick={onClose}>
              {t('dialog.close')}
            </button>
            <a className="fab-button fab-button--primary" href={copyHref(copy)} data-testid="duplicate-board-open">
              {t('boards.duplicate.openCopy')}
            </a>
          </div>
        </div>
      ) : (
        <form className="fab-boards-form" onSubmit={submit}>
          <p className="fab-boards-form__text fab-muted">{t('boards.duplicate.help')}</p>
          <label className="fab-field">
            <span>{t('boards.duplicate.from')}</span>
            <select value={source} onChange={(e) => setSource(e.target.value)} disabled={checkpoints === null && !checkpointId} data-testid="duplicate-board-source">
              <option value="">{t('boards.duplicate.fromNow')}</option>
              {checkpoints === null && checkpointId && <option value={checkpointId}>{t('boards.duplicate.loadingCheckpoints')}</option>}
              {checkpoints?.map((c) => (
                <option key={c.id} value={c.id}>
                  {label(c)}
                </option>
              ))}
            </select>
            {checkpoints === null && <span className="fab-small">{t('boards.duplicate.loadingCheckpoints')}</span>}
          </label>
          <label className="fab-field">
            <span>{t('boards.duplicate.titleLabel')}</span>
            <input value={title} maxLength={LIMITS.title} required onChange={(e) => setTitle(e.target.value)} data-testid="duplicate-board-title" />
          </label>
          <PhaseField label={t('boards.duplicate.phase')} value={phase} onChange={setPhase} testId="duplicate-board-phase" />
          {error && <ErrorPanel message={error} />}
          <div className="fab-boards-form__actions">
            <button type="button" className="fab-button" onClick={onClose}>
              {t('boards.cancel')}
            </button>
            <button type="submit" className="fab-button fab-button--primary" disabled={busy || !title.trim()} data-testid="duplicate-board-submit">
              {busy ? t('boards.working') : t('boards.duplicate.submit')}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  )
}
