import { useEffect, useMemo, useRef, useState } from 'react'
import { identityCredential } from '../../shared/identity'
import type { Board, Lab } from '../../shared/lab'
import { LANGS, type Lang } from '../../shared/lang'
import { PHASE_INFO, PHASES } from '../../shared/phases'
import { getLabIdentity } from '../access/labIdentity'
import { loadClientConfig } from '../api/useClientConfig'
import { Dialog } from '../components/Dialog'
import { downloadFile } from '../export/downloadFile'
import { exportFileName } from '../export/exportFileName'
import { exportText } from '../export/translator'
import { useI18n } from '../i18n/I18nProvider'
import { boardReport, type BoardReport } from './boardReport'

type Status =
  | { state: 'idle' }
  | { state: 'working'; label: string; step: number; steps: number }
  | { state: 'done'; fileName: string; problems: BoardReport[] }
  | { state: 'failed'; reason: string }

/** Boards in the order of the journey: by phase, then as they were made. */
function journeyOrder(boards: readonly Board[]): Board[] {
  return [...boards].sort((a, b) => PHASES.indexOf(a.phase) - PHASES.indexOf(b.phase) || a.createdAt.localeCompare(b.createdAt))
}

export interface ReportDialogProps {
  lab: Lab
  boards: readonly Board[]
  token: string
  onClose: () => void
}

/**
 * The lab report, from the lab page: which boards (all but archived ones at first), in French
 * or English, then one PDF made in this browser — each board read from the server as it is now
 * and drawn out of sight — with its progress shown. Any member can make it: it holds only what
 * they can already read.
 */
export function ReportDialog({ lab, boards, token, onClose }: ReportDialogProps) {
  const { t, lang, pick } = useI18n()
  const ordered = useMemo(() => journeyOrder(boards), [boards])
  const [chosen, setChosen] = useState<ReadonlySet<string>>(() => new Set(ordered.filter((b) => !b.archived).map((b) => b.id)))
  const [reportLang, setReportLang] = useState<Lang>(lang)
  const [status, setStatus] = useState<Status>({ state: 'idle' })
  const abort = useRef<AbortController | null>(null)
  useEffect(() => () => abort.current?.abort(), [])

  const toggle = (id: string, on: boolean) => {
    const next = new Set(chosen)
    if (on) next.add(id)
    else next.delete(id)
    setChosen(next)
  }

  const generate = async () => {
    const controller = new AbortController()
    abort.current = controller
    const text = exportText(reportLang)
    const picked = ordered.filter((b) => chosen.has(b.id))
    const steps = picked.length + 1
    const identity = getLabIdentity(lab.id)
    setStatus({ state: 'working', label: t('report.progress.start'), step: 0, steps })
    try {
      const [config, { labReportPdf }] = await Promise.all([loadClientConfig().catch(() => null), import('./labReportPdf')])
      const reports: BoardReport[] = []
      for (const [i, board] of picked.entries()) {
        setStatus({ state: 'working', label: t('report.progress.board', { n: i + 1, total: picked.length, title: board.title }), step: i, steps })
        reports.push(await boardReport(board, { token, identityCredential: identity ? identityCredential(identity) : null, licenseKey: config?.tldrawLicenseKey ?? null, text, signal: controller.signal }))
      }
      setStatus({ state: 'working', label: t('report.progress.pdf'), step: picked.length, steps })
      const date = new Date()
      const pdf = await labReportPdf({ lab, boards, reports, text, date })
      const fileName = exportFileName([lab.title, text.t('report.fileTitle')], date, 'pdf')
      downloadFile(pdf, fileName, 'application/pdf')
      setStatus({ state: 'done', fileName, problems: reports.filter((r) => r.problem) })
    } catch (err) {
      if (controller.signal.aborted) return
      console.error('Fabrique: lab report failed', err)
      setStatus({ state: 'failed', reason: err instanceof Error ? err.message : String(err) })
    }
  }

  const working = status.state === 'working'
  return (
    <Dialog title={t('report.title')} onClose={onClose} testId="report-dialog">
      <form
        className="fab-workshop-form fab-report"
        onSubmit={(e) => {
          e.preventDefault()
          void generate()
        }}
      >
        <p>{t('report.help')}</p>
        <fieldset className="fab-fieldset">
          <legend>{t('report.lang')}</legend>
          {LANGS.map((l) => (
            <label key={l} className="fab-radio">
              <input type="radio" name="report-lang" checked={reportLang === l} onChange={() => setReportLang(l)} disabled={working} data-testid={`report-lang-${l}`} />
              <span>{l === 'fr' ? 'Français' : 'English'}</span>
            </label>
          ))}
        </fieldset>
        <fieldset className="fab-fieldset fab-report__boards">
          <legend>{t('report.boards')}</legend>
          {ordered.length === 0 && <p>{t('report.boards.empty')}</p>}
          {ordered.length > 1 && (
            <div className="fab-report__quick">
              <button type="button" className="fab-link-button" onClick={() => setChosen(new Set(ordered.map((b) => b.id)))} disabled={working}>
                {t('report.boards.all')}
              </button>
              <button type="button" className="fab-link-button" onClick={() => setChosen(new Set())} disabled={working}>
                {t('report.boards.none')}
              </button>
            </div>
          )}
          {ordered.map((board) => (
            <label key={board.id} className="fab-check">
              <input type="checkbox" checked={chosen.has(board.id)} onChange={(e) => toggle(board.id, e.target.checked)} disabled={working} data-testid="report-board" data-board-id={board.id} />
              <span>
                {board.title}{' '}
                <span className="fab-report__board-phase">
                  — {pick(PHASE_INFO[board.phase].label)}
                  {board.archived && ` · ${t('report.boards.archived')}`}
                </span>
              </span>
            </label>
          ))}
        </fieldset>
        <div role="status" data-testid="report-status" data-state={status.state}>
          {working && (
            <>
              <progress className="fab-report__progress" max={status.steps} value={status.step} />
              <p>{status.label}</p>
            </>
          )}
          {status.state === 'done' && (
            <>
              <p>{t('report.done', { name: status.fileName })}</p>
              {status.problems.length > 0 && (
                <ul className="fab-report__problems">
                  {status.problems.map((r) => (
                    <li key={r.board.id}>
                      {r.board.title} : {t('report.boardFailed', { reason: r.problem ?? '' })}
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
          {status.state === 'failed' && <p className="fab-export__status" data-state="failed">{t('report.failed', { reason: status.reason })}</p>}
        </div>
        <div className="fab-dialog__actions">
          <button type="button" className="fab-button" onClick={onClose}>
            {t('export.cancel')}
          </button>
          <button type="submit" className="fab-button fab-button--primary" disabled={working} data-testid="report-generate">
            {t('report.generate')}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
