import { useState } from 'react'
import type { CheckpointSummary, RestoreResult } from '../../shared/history'
import { useBoardInfo } from '../board/BoardContext'
import { useI18n } from '../i18n/I18nProvider'
import { formatWhen } from './formatWhen'
import { historyApi } from './historyApi'

/**
 * Asks before restoring a checkpoint — saying that the board changes for everyone, live, and
 * that the state before is saved first, so the restore can be undone — then restores it.
 */
export function RestoreConfirm({ checkpoint, onCancel, onDone, heading = true }: { checkpoint: CheckpointSummary; onCancel: () => void; onDone: (result: RestoreResult) => void; heading?: boolean }) {
  const { t, lang, explain } = useI18n()
  const { board, token, identity } = useBoardInfo()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const when = formatWhen(checkpoint.createdAt, lang)
  const restore = async () => {
    setBusy(true)
    setError(null)
    try {
      onDone(await historyApi.restore(board.id, checkpoint.id, token, identity))
    } catch (err) {
      setError(explain(err))
      setBusy(false)
    }
  }
  return (
    <div className="fab-restore-confirm" role={heading ? 'alertdialog' : undefined} aria-label={heading ? t('history.restore.title') : undefined} data-testid="restore-confirm">
      {heading && <h3>{t('history.restore.title')}</h3>}
      {checkpoint.name && <p className="fab-restore-confirm__name">{t('history.quoted', { name: checkpoint.name })}</p>}
      <p>{t('history.restore.confirm', { when })}</p>
      {error && (
        <p className="fab-error" role="alert" data-testid="restore-error">
          {error}
        </p>
      )}
      <div className="fab-restore-confirm__actions">
        <button type="button" className="fab-button" onClick={onCancel} disabled={busy} data-testid="restore-cancel">
          {t('history.restore.cancel')}
        </button>
        <button type="button" className="fab-button fab-button--primary" onClick={() => void restore()} disabled={busy} data-testid="restore-submit">
          {busy ? t('history.restore.working') : t('history.restore.submit')}
        </button>
      </div>
    </div>
  )
}
