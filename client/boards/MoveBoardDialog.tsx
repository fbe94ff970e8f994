import { useState, type FormEvent } from 'react'
import type { Board } from '../../shared/lab'
import { PHASE_INFO, type Phase } from '../../shared/phases'
import { api } from '../api/apiClient'
import { Dialog } from '../components/Dialog'
import { ErrorPanel } from '../components/ErrorPanel'
import { PhaseField } from '../components/PhaseField'
import { useI18n } from '../i18n/I18nProvider'
import type { BoardChanged } from './boardActions'
import { useApiAction } from './useApiAction'

/** Moves a board to another phase of the journey. */
export function MoveBoardDialog({ board, token, onDone, onClose }: { board: Board; token: string; onDone: BoardChanged; onClose: () => void }) {
  const { t, pick } = useI18n()
  const [phase, setPhase] = useState<Phase>(board.phase)
  const { busy, error, run } = useApiAction()
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const moved = await run(() => api.updateBoard(board.id, token, { phase }))
    if (moved) onDone(moved, t('boards.moved', { title: moved.title, phase: pick(PHASE_INFO[moved.phase].label) }))
  }
  return (
    <Dialog title={t('boards.move.title')} onClose={onClose} testId="move-board-dialog">
      <form className="fab-boards-form" onSubmit={submit}>
        <p className="fab-boards-form__subject">{board.title}</p>
        <PhaseField label={t('boards.move.label')} value={phase} onChange={setPhase} testId="move-board-phase" />
        {error && <ErrorPanel message={error} />}
        <div className="fab-boards-form__actions">
          <button type="button" className="fab-button" onClick={onClose}>
            {t('boards.cancel')}
          </button>
          <button type="submit" className="fab-button fab-button--primary" disabled={busy || phase === board.phase} data-testid="move-board-submit">
            {busy ? t('boards.working') : t('boards.move.submit')}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
