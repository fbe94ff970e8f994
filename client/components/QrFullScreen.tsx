import { useEffect, useRef } from 'react'
import { useI18n } from '../i18n/I18nProvider'
import { QrCode } from './QrCode'

/**
 * A QR code filling the screen, for the projector: the room joins by pointing phones at it.
 * Escape, a click or the close button go back.
 */
export function QrFullScreen({ url, title, onClose }: { url: string; title: string; onClose: () => void }) {
  const { t } = useI18n()
  const root = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose()
    window.addEventListener('keydown', onKey)
    // The browser's own full screen when it allows it (a projector shows nothing else).
    root.current?.requestFullscreen?.().catch(() => {})
    return () => {
      window.removeEventListener('keydown', onKey)
      if (document.fullscreenElement) void document.exitFullscreen().catch(() => {})
    }
  }, [onClose])
  const size = Math.max(160, Math.min(window.innerWidth, window.innerHeight) - 200)
  return (
    <div ref={root} className="fab-qr-full" role="dialog" aria-modal="true" aria-label={title} data-testid="qr-fullscreen" onClick={onClose}>
      <h2 className="fab-qr-full__title">{title}</h2>
      <QrCode text={url} size={size} label={title} />
      <p className="fab-qr-full__help">{t('invite.projectHelp')}</p>
      <p className="fab-qr-full__url">{url.replace(/#.*$/, '')}</p>
      <button type="button" className="fab-button" onClick={onClose} autoFocus>
        {t('dialog.close')}
      </button>
    </div>
  )
}
