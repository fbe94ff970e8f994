import { useEffect, type ReactNode } from 'react'
import { useI18n } from '../i18n/I18nProvider'

/** A modal dialog: Escape or the close button dismisses it. */
export function Dialog({ title, onClose, children, wide = false, testId }: { title: string; onClose: () => void; children: ReactNode; wide?: boolean; testId?: string }) {
  const { t } = useI18n()
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose()
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [onClose])
  return (
    <div className="fab-dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className={`fab-dialog${wide ? ' fab-dialog--wide' : ''}`} role="dialog" aria-modal="true" aria-label={title} data-testid={testId}>
        <header className="fab-dialog__head">
          <h2>{title}</h2>
          <button type="button" className="fab-link-button" onClick={onClose} aria-label={t('dialog.close')}>
            ✕
          </button>
        </header>
        {children}
      </div>
    </div>
  )
}
