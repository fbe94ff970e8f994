import { useEffect, useState } from 'react'
import type { Editor } from 'tldraw'
import { Dialog } from '../components/Dialog'
import { downloadFile } from '../export/downloadFile'
import { exportFileName } from '../export/exportFileName'
import { useI18n } from '../i18n/I18nProvider'
import { buildTldrFile, TLDR_MIME_TYPE } from './tldrFile'

export interface ExportTldrDialogProps {
  editor: Editor
  /** Parts of the file's name: the lab, the board (and the version shown, if one is). */
  nameParts: readonly string[]
  /** The date in the name: today, or the version's. */
  date?: Date
  onClose: () => void
}

/**
 * Makes the board's `.tldr` file and hands it to the browser as `<lab> – <board> – <date>.tldr`;
 * stays open only to say what went wrong (an image that could not be put in it, an error).
 */
export function ExportTldrDialog({ editor, nameParts, date, onClose }: ExportTldrDialogProps) {
  const { t, plural, explain } = useI18n()
  const [state, setState] = useState<{ kind: 'working' } | { kind: 'missing'; n: number } | { kind: 'failed'; reason: string }>({ kind: 'working' })
  useEffect(() => {
    let live = true
    buildTldrFile(editor).then(
      ({ json, missingImages }) => {
        if (!live) return
        downloadFile(json, exportFileName(nameParts, date ?? new Date(), 'tldr'), TLDR_MIME_TYPE)
        if (missingImages > 0) setState({ kind: 'missing', n: missingImages })
        else onClose()
      },
      (err: unknown) => live && setState({ kind: 'failed', reason: explain(err) }),
    )
    return () => {
      live = false
    }
    // Once per opening: the file is made of the board as it is when asked.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])
  return (
    <Dialog title={t('boards.exportTldr')} onClose={onClose} testId="export-tldr-dialog">
      {state.kind === 'working' && (
        <p role="status" data-testid="export-tldr-working">
          {t('boards.exportTldr.working')}
        </p>
      )}
      {state.kind === 'missing' && (
        <p className="fab-warning" role="status" data-testid="export-tldr-missing">
          {plural('boards.exportTldr.missing', state.n)}
        </p>
      )}
      {state.kind === 'failed' && (
        <p className="fab-warning" role="alert">
          {t('boards.exportTldr.failed', { reason: state.reason })}
        </p>
      )}
      {state.kind !== 'working' && (
        <div className="fab-boards-form__actions">
          <button type="button" className="fab-button" onClick={onClose}>
            {t('dialog.close')}
          </button>
        </div>
      )}
    </Dialog>
  )
}
