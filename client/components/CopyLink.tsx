import { useState, type ReactNode } from 'react'
import { useI18n } from '../i18n/I18nProvider'
import { QrFullScreen } from './QrFullScreen'

/** A link shown in full with a copy button, a full-screen QR code to project, and extra actions. */
export function CopyLink({ label, url, testId, qrTitle, children }: { label: string; url: string; testId?: string; qrTitle?: string; children?: ReactNode }) {
  const { t } = useI18n()
  const [copied, setCopied] = useState(false)
  const [projecting, setProjecting] = useState(false)
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url)
    } catch {
      // Clipboard API needs a secure context (plain http on a LAN is not): fall back.
      const input = document.createElement('textarea')
      input.value = url
      document.body.append(input)
      input.select()
      document.execCommand('copy')
      input.remove()
    }
    setCopied(true)
    setTimeout(() => setCopied(false), 1500)
  }
  return (
    <div className="fab-copy-link" data-testid={testId}>
      <span className="fab-copy-link__label">{label}</span>
      <input readOnly value={url} onFocus={(e) => e.target.select()} aria-label={label} />
      <span className="fab-copy-link__actions">
        <button type="button" className="fab-button" onClick={copy}>
          {copied ? t('lab.share.copied') : t('lab.share.copy')}
        </button>
        <button type="button" className="fab-button" onClick={() => setProjecting(true)} data-testid={testId && `${testId}-project`}>
          {t('invite.project')}
        </button>
        {children}
      </span>
      {projecting && <QrFullScreen url={url} title={qrTitle ?? label} onClose={() => setProjecting(false)} />}
    </div>
  )
}
