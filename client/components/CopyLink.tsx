import { useState } from 'react'
import { useI18n } from '../i18n/I18nProvider'

/** A link shown in full with a copy button (clipboard may be unavailable on plain http). */
export function CopyLink({ label, url, testId }: { label: string; url: string; testId?: string }) {
  const { t } = useI18n()
  const [copied, setCopied] = useState(false)
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url)
    } catch {
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
      <button type="button" className="fab-button" onClick={copy}>
        {copied ? t('lab.share.copied') : t('lab.share.copy')}
      </button>
    </div>
  )
}
