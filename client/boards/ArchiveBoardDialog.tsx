import { useEffect, useState } from 'react'
import type { Board } from '../../shared/lab'
import { api } from '../api/apiClient'
import { Dialog } from '../components/Dialog'
import { useI18n } from '../i18n/I18nProvider'
import { rememberBoard } from './latestBoards'

/**
 * Archives the board, or takes it out of the archives, as soon as it opens (from the board
 * menu), then says what that means. The board's state is read first: another facilitator may
 * have changed it since this page opened.
 */
export function ArchiveBoardDialog({ board, token, onClose }: { board: Board; token: string; onClose: () => void }) {
  const { t, explain } = useI18n()
  const [outcome, setOutcome] = useState<{ ok: true; board: Board } | { ok: false; reason: string } | null>(null)
  useEffect(() => {
    let live = true
    void (async () => {
      try {
        const { board: now } = await api.getBoard(board.id, token)
        const changed = await api.updateBoard(board.id, token, { archived: !now.archived })
        rememberBoard(changed)
        if (live) setOutcome({ ok: true, board: changed })
      } catch (err) {
        if (live) setOutcome({ ok: false, reason: explain(err) })
      }
    })()
    return () => {
      live = false
    }
    // Once per opening.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])
  return (
    <Dialog title={board.title} onClose={onClose} testId="archive-board-dialog">
      {outcome === null && <p role="status">{t('boards.working')}</p>}
      {outcome?.ok === true && (
        <p className="fab-notice" role="status" data-testid="archive-board-done">
          {t(outcome.board.archived ? 'boards.archived' : 'boards.unarchived', { title: outcome.board.title })}
        </p>
      )}
      {outcome?.ok === false && (
        <p className="fab-warning" role="alert">
          {outcome.reason}
        </p>
      )}
      <div className="fab-boards-form__actions">
        <button type="button" className="fab-button" onClick={onClose}>
          {t('dialog.close')}
        </button>
      </div>
    </Dialog>
  )
}
