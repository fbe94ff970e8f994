import { useState } from 'react'
import type { Board, Lab } from '../../shared/lab'
import { useI18n } from '../i18n/I18nProvider'
import { ReportDialog } from './ReportDialog'

/** « Rapport PDF… » on the lab page, and the dialog it opens. */
export function ReportButton({ lab, boards, token }: { lab: Lab; boards: readonly Board[]; token: string }) {
  const { t } = useI18n()
  const [open, setOpen] = useState(false)
  return (
    <>
      <button type="button" className="fab-button" onClick={() => setOpen(true)} data-testid="open-report">
        {t('report.open')}
      </button>
      {open && <ReportDialog lab={lab} boards={boards} token={token} onClose={() => setOpen(false)} />}
    </>
  )
}
