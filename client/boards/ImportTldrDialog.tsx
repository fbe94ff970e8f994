import { useState, type FormEvent } from 'react'
import type { Board, TldrImport } from '../../shared/lab'
import type { Phase } from '../../shared/phases'
import { LIMITS, TLDR_IMPORT_MAX_BYTES } from '../../shared/validation'
import { api } from '../api/apiClient'
import { Dialog } from '../components/Dialog'
import { ErrorPanel } from '../components/ErrorPanel'
import { PhaseField } from '../components/PhaseField'
import { useI18n } from '../i18n/I18nProvider'
import { useApiAction } from './useApiAction'

export interface ImportTldrDialogProps {
  labId: string
  token: string
  initialPhase: Phase
  boardHref: (board: Board) => string
  /** The new board (the lab page shows it at once). */
  onImported: (result: TldrImport) => void
  onClose: () => void
}

/** A title from a file's name: without its extension, underscores as spaces. */
function titleOf(fileName: string): string {
  return fileName
    .replace(/\.(tldr|json)$/i, '')
    .replace(/[_]+/g, ' ')
    .trim()
    .slice(0, LIMITS.title)
}

/**
 * « Importer un fichier .tldr »: a file saved by tldraw becomes a new board of the lab; what
 * the server refuses (not a tldraw file, cut short, from a newer tldraw…) is said in the
 * person's words, and nothing is created then.
 */
export function ImportTldrDialog({ labId, token, initialPhase, boardHref, onImported, onClose }: ImportTldrDialogProps) {
  const { t, plural, lang } = useI18n()
  const [file, setFile] = useState<File | null>(null)
  const [title, setTitle] = useState('')
  const [phase, setPhase] = useState<Phase>(initialPhase)
  const [result, setResult] = useState<TldrImport | null>(null)
  const { busy, error, setError, run } = useApiAction()

  const choose = (chosen: File | null) => {
    setFile(chosen)
    setError(null)
    if (chosen) setTitle(titleOf(chosen.name))
    if (chosen && chosen.size > TLDR_IMPORT_MAX_BYTES) setError(t('boards.import.tooLarge', { size: `${Math.round(TLDR_IMPORT_MAX_BYTES / 1024 / 1024)} ${lang === 'fr' ? 'Mo' : 'MB'}` }))
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!file || file.size > TLDR_IMPORT_MAX_BYTES) return
    const imported = await run(() => api.importTldr(labId, token, file, { ...(title.trim() && { title: title.trim() }), phase }))
    if (!imported) return
    setResult(imported)
    onImported(imported)
  }

  return (
    <Dialog title={t('boards.import.title')} onClose={onClose} testId="import-tldr-dialog">
      {result ? (
        <div className="fab-boards-form">
          <p className="fab-notice" role="status" data-testid="import-tldr-done">
            {plural('boards.import.done', result.shapes, { title: result.board.title })}
          </p>
          {result.images.dropped > 0 && (
            <p className="fab-warning" data-testid="import-tldr-dropped">
              {plural('boards.import.dropped', result.images.dropped)}
            </p>
          )}
          <div className="fab-boards-form__actions">
            <button type="button" className="fab-button" onClick={onClose}>
              {t('dialog.close')}
            </button>
            <a className="fab-button fab-button--primary" href={boardHref(result.board)} data-testid="import-tldr-open">
              {t('boards.open')}
            </a>
          </div>
        </div>
      ) : (
        <form className="fab-boards-form" onSubmit={submit}>
          <p className="fab-boards-form__text fab-muted">{t('boards.import.help')}</p>
          <label className="fab-field">
            <span>{t('boards.import.file')}</span>
            <input type="file" accept=".tldr,.json,application/json,application/vnd.tldraw+json" className="fab-file-input" required onChange={(e) => choose(e.target.files?.[0] ?? null)} data-testid="import-tldr-file" />
          </label>
          <label className="fab-field">
            <span>{t('boards.import.titleLabel')}</span>
            <input value={title} maxLength={LIMITS.title} onChange={(e) => setTitle(e.target.value)} data-testid="import-tldr-title" />
          </label>
          <PhaseField label={t('boards.import.phase')} value={phase} onChange={setPhase} testId="import-tldr-phase" />
          {error && <ErrorPanel message={error} />}
          <div className="fab-boards-form__actions">
            <button type="button" className="fab-button" onClick={onClose}>
              {t('boards.cancel')}
            </button>
            <button type="submit" className="fab-button fab-button--primary" disabled={busy || !file || file.size > TLDR_IMPORT_MAX_BYTES} data-testid="import-tldr-submit">
              {busy ? t('boards.working') : t('boards.import.submit')}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  )
}
