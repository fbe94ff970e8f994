import { useMemo, useState } from 'react'
import type { Editor, TLShapeId } from 'tldraw'
import type * as Y from 'yjs'
import { findZones } from '../board/camera/zones'
import { Dialog } from '../components/Dialog'
import { useI18n } from '../i18n/I18nProvider'
import { downloadFile } from './downloadFile'
import type { ExportScope } from './exportRegions'
import type { CsvSeparator } from './notesCsv'
import { EXPORT_FORMATS, exportedFileName, runExport, type ExportFormat } from './runExport'
import { exportText } from './translator'

type Status = { state: 'idle' } | { state: 'working' } | { state: 'done'; fileName: string } | { state: 'failed'; reason: string }

export interface ExportDialogProps {
  editor: Editor
  doc: Y.Doc | null
  lab: string
  board: string
  /** A checkpoint's name, when the board shown is one of its past states. */
  version?: string
  /** The day of the state shown (a checkpoint's), today by default. */
  date?: Date
  onClose: () => void
}

/**
 * « Exporter… »: the board, one of its zones or the selection, as a PNG, an SVG, a PDF, or its
 * notes as CSV or Markdown, downloaded as `<lab> – <board> – <date>.<ext>`. Open to everyone
 * who can read the board (viewers too): it only reads.
 */
export function ExportDialog({ editor, doc, lab, board, version, date, onClose }: ExportDialogProps) {
  const { t, lang } = useI18n()
  // What the board holds when the dialog opens.
  const zones = useMemo(() => findZones(editor, false), [editor])
  const selectionCount = useMemo(() => editor.getSelectedShapeIds().length, [editor])
  const [kind, setKind] = useState<ExportScope['kind']>(selectionCount > 0 ? 'selection' : 'board')
  const [zoneId, setZoneId] = useState<string>(zones[0]?.id ?? '')
  const [format, setFormat] = useState<ExportFormat>('png')
  const [separator, setSeparator] = useState<CsvSeparator>(lang === 'fr' ? ';' : ',')
  const [status, setStatus] = useState<Status>({ state: 'idle' })
  const zone = zones.find((z) => z.id === zoneId)
  const zoneName = (index: number) => zones[index]?.name || t('export.pdf.frameNumber', { n: index + 1 })
  const scope: ExportScope = kind === 'zone' && zone ? { kind: 'zone', id: zone.id as TLShapeId } : kind === 'selection' ? { kind: 'selection' } : { kind: 'board' }
  const text = exportText(lang)
  const request = { scope, zone: zone ? zoneName(zones.indexOf(zone)) : undefined, text, lab, board: version ? `${board} – ${version}` : board, date: date ?? new Date(), format }
  const fileName = exportedFileName(request)

  const submit = async () => {
    setStatus({ state: 'working' })
    try {
      const file = await runExport({ ...request, editor, doc, separator })
      if (!file) return setStatus({ state: 'failed', reason: t('export.empty') })
      downloadFile(file.data, file.fileName, file.type)
      setStatus({ state: 'done', fileName: file.fileName })
    } catch (err) {
      console.error('Fabrique: export failed', err)
      setStatus({ state: 'failed', reason: err instanceof Error ? err.message : String(err) })
    }
  }

  return (
    <Dialog title={t('export.title')} onClose={onClose} testId="export-dialog">
      <form
        className="fab-workshop-form fab-export"
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <fieldset className="fab-fieldset">
          <legend>{t('export.what')}</legend>
          <label className="fab-radio">
            <input type="radio" name="export-what" checked={kind === 'board'} onChange={() => setKind('board')} data-testid="export-what-board" />
            <span>{t('export.what.board')}</span>
          </label>
          <label className="fab-radio">
            <input type="radio" name="export-what" checked={kind === 'zone'} onChange={() => setKind('zone')} disabled={zones.length === 0} data-testid="export-what-zone" />
            <span>
              {t('export.what.zone')} {zones.length === 0 && <span className="fab-muted">— {t('export.what.noZone')}</span>}
            </span>
          </label>
          {kind === 'zone' && zones.length > 0 && (
            <label className="fab-field fab-radio__sub">
              {t('export.zone')}
              <select value={zoneId} onChange={(e) => setZoneId(e.target.value)} data-testid="export-zone">
                {zones.map((z, i) => (
                  <option key={z.id} value={z.id}>
                    {zoneName(i)}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label className="fab-radio">
            <input type="radio" name="export-what" checked={kind === 'selection'} onChange={() => setKind('selection')} disabled={selectionCount === 0} data-testid="export-what-selection" />
            <span>
              {t('export.what.selection')} {selectionCount === 0 && <span className="fab-muted">— {t('export.what.noSelection')}</span>}
            </span>
          </label>
        </fieldset>
        <fieldset className="fab-fieldset">
          <legend>{t('export.format')}</legend>
          {EXPORT_FORMATS.map((f) => (
            <label key={f} className="fab-radio">
              <input type="radio" name="export-format" checked={format === f} onChange={() => setFormat(f)} data-testid={`export-format-${f}`} />
              <span>
                {t(`export.format.${f}`)}
                {f === 'pdf' && format === 'pdf' && <span className="fab-export__help">{t('export.format.pdf.help')}</span>}
                {f === 'csv' && format === 'csv' && <span className="fab-export__help">{t('export.format.csv.help')}</span>}
              </span>
            </label>
          ))}
          {format === 'csv' && (
            <label className="fab-field fab-radio__sub">
              {t('export.separator')}
              <select value={separator} onChange={(e) => setSeparator(e.target.value as CsvSeparator)} data-testid="export-separator">
                <option value=";">{t('export.separator.semicolon')}</option>
                <option value=",">{t('export.separator.comma')}</option>
              </select>
            </label>
          )}
        </fieldset>
        <p className="fab-export__file" data-testid="export-file-name">
          {t('export.fileName', { name: fileName })}
        </p>
        <p className="fab-export__status" role="status" data-testid="export-status" data-state={status.state}>
          {status.state === 'working' && t('export.working')}
          {status.state === 'done' && t('export.done', { name: status.fileName })}
          {status.state === 'failed' && t('export.failed', { reason: status.reason })}
        </p>
        <div className="fab-dialog__actions">
          <button type="button" className="fab-button" onClick={onClose}>
            {t('export.cancel')}
          </button>
          <button type="submit" className="fab-button fab-button--primary" disabled={status.state === 'working'} data-testid="export-submit">
            {status.state === 'working' ? t('export.working') : t('export.submit')}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
