import { useEffect, type ReactNode } from 'react'
import { createPortal } from 'react-dom'
import { useI18n } from '../i18n/I18nProvider'
import { WorkshopIcon } from './WorkshopIcon'

/**
 * A panel beside the canvas (on the right on wide screens, a sheet at the bottom on phones) that
 * leaves the board usable: the ranked results, the list of a vote's notes.
 */
export function SidePanel({ title, onClose, children, testId, footer }: { title: string; onClose: () => void; children: ReactNode; testId: string; footer?: ReactNode }) {
  const { t } = useI18n()
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose()
    addEventListener('keydown', onKey)
    return () => removeEventListener('keydown', onKey)
  }, [onClose])
  return createPortal(
    <section className="fab-side-panel" role="dialog" aria-label={title} data-testid={testId}>
      <header className="fab-side-panel__head">
        <h2>{title}</h2>
        <button type="button" className="fab-icon-button" onClick={onClose} aria-label={t('workshop.close')} title={t('workshop.close')} data-testid={`${testId}-close`}>
          <WorkshopIcon name="close" size={18} />
        </button>
      </header>
      <div className="fab-side-panel__body">{children}</div>
      {footer && <footer className="fab-side-panel__foot">{footer}</footer>}
    </section>,
    document.body,
  )
}
