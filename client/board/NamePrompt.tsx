import { useState, type FormEvent } from 'react'
import { useI18n } from '../i18n/I18nProvider'

export interface NamePromptProps {
  /** The name offered: the last one used on this device, or a friendly made-up one. */
  initial: string
  /** The board being joined, named in the title, and its lab. */
  boardTitle?: string
  labTitle?: string
  /** While the server issues the identity: the button waits (a second tap would make a second person). */
  busy?: boolean
  onSubmit: (name: string) => void
}

/**
 * Asked once per lab and device: the name others see next to this person's cursor. It comes
 * filled in, so joining from a QR code is one tap on « Rejoindre »; the name can be typed over
 * now or changed later from the board's menu. On a touch screen the field is not focused at
 * once: the keyboard would cover the button.
 */
export function NamePrompt({ initial, boardTitle, labTitle, busy = false, onSubmit }: NamePromptProps) {
  const { t } = useI18n()
  const [name, setName] = useState(initial)
  const [touchScreen] = useState(() => window.matchMedia?.('(pointer: coarse)').matches ?? false)
  const submit = (e: FormEvent) => {
    e.preventDefault()
    const trimmed = name.trim()
    if (trimmed && !busy) onSubmit(trimmed.slice(0, 40))
  }
  return (
    <div className="fab-dialog-backdrop fab-join">
      <form className="fab-dialog fab-join__form" onSubmit={submit} aria-labelledby="name-title" data-testid="name-prompt">
        {labTitle && (
          <p className="fab-join__lab">
            <img src="/favicon.svg" alt="" width={22} height={22} />
            {labTitle}
          </p>
        )}
        <h2 id="name-title">{boardTitle ? t('labLive.join.title', { title: boardTitle }) : t('name.title')}</h2>
        <label className="fab-field">
          <span>{t('name.label')}</span>
          <input
            autoFocus={!touchScreen}
            value={name}
            maxLength={40}
            onChange={(e) => setName(e.target.value)}
            onFocus={(e) => e.target.select()}
            data-testid="name-input"
            autoComplete="nickname"
            enterKeyHint="go"
          />
        </label>
        <p className="fab-small">{t('labLive.join.help')}</p>
        <button type="submit" className="fab-button fab-button--primary fab-join__submit" disabled={!name.trim() || busy} aria-busy={busy} data-testid="name-submit">
          {busy ? t('labLive.join.busy') : t('name.submit')}
        </button>
      </form>
    </div>
  )
}
