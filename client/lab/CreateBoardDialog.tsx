import { useState, type FormEvent } from 'react'
import type { Board } from '../../shared/lab'
import type { Phase } from '../../shared/phases'
import { getTemplate } from '../../shared/templates'
import { LIMITS } from '../../shared/validation'
import { api } from '../api/apiClient'
import { Dialog } from '../components/Dialog'
import { ErrorPanel } from '../components/ErrorPanel'
import { PhaseField } from '../components/PhaseField'
import { useI18n } from '../i18n/I18nProvider'
import { TemplatePicker } from '../templates/TemplatePicker'

export interface CreateBoardDialogProps {
  labId: string
  token: string
  initialPhase: Phase
  initialTemplate: string | null
  /** Templates to offer first (the tools of the activity the facilitator came from). */
  highlight?: readonly string[]
  onCreated: (board: Board) => void
  onClose: () => void
}

/** Title, phase and template of a new board. */
export function CreateBoardDialog({ labId, token, initialPhase, initialTemplate, highlight, onCreated, onClose }: CreateBoardDialogProps) {
  const { t, pick, lang, explain } = useI18n()
  const [template, setTemplate] = useState<string | null>(initialTemplate)
  const defaultTitle = (id: string | null) => (id ? pick(getTemplate(id)!.title) : '')
  const [title, setTitle] = useState(defaultTitle(initialTemplate))
  const [titleEdited, setTitleEdited] = useState(false)
  const [phase, setPhase] = useState<Phase>(initialPhase)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const choose = (id: string | null) => {
    setTemplate(id)
    if (!titleEdited) setTitle(defaultTitle(id))
    const def = id ? getTemplate(id) : null
    if (def) setPhase(def.phase)
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!title.trim() || busy) return
    setBusy(true)
    setError(null)
    try {
      const board = await api.createBoard(labId, token, { title: title.trim(), phase, lang, ...(template && { template }) })
      onCreated(board)
    } catch (err) {
      setError(explain(err))
      setBusy(false)
    }
  }

  return (
    <Dialog title={t('board.create.title')} onClose={onClose} wide testId="create-board-dialog">
      <form onSubmit={submit} className="fab-create-board">
        <div className="fab-form-row">
          <label className="fab-field fab-grow">
            <span>{t('lab.createBoard.title')}</span>
            <input
              value={title}
              maxLength={LIMITS.title}
              required
              onChange={(e) => {
                setTitle(e.target.value)
                setTitleEdited(true)
              }}
              data-testid="board-title-input"
            />
          </label>
          <PhaseField label={t('lab.createBoard.phase')} value={phase} onChange={setPhase} testId="board-phase-select" />
          <button type="submit" className="fab-button fab-button--primary" disabled={busy || !title.trim()} data-testid="create-board">
            {t('board.create.submit')}
          </button>
        </div>
        {error && <ErrorPanel message={error} />}
        <TemplatePicker selected={template} onSelect={choose} highlight={highlight} />
      </form>
    </Dialog>
  )
}
