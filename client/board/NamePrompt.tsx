import { useState, type FormEvent } from 'react'
import { useI18n } from '../i18n/I18nProvider'

/** Asked once per device: the name others see next to this person's cursor. */
export function NamePrompt({ initial, onSubmit }: { initial: string; onSubmit: (name: string) => void }) {
  const { t } = useI18n()
  const [name, setName] = useState(initial)
  const submit = (e: FormEvent) => {
    e.preventDefault()
    const trimmed = name.trim()
    if (trimmed) onSubmit(trimmed.slice(0, 40))
  }
  return (
    <div className="fab-dialog-backdrop">
      <form className="fab-dialog" onSubmit={submit} aria-labelledby="name-title">
        <h2 id="name-title">{t('name.title')}</h2>
        <p>{t('name.help')}</p>
        <label className="fab-field">
          <span>{t('name.label')}</span>
          <input autoFocus value={name} maxLength={40} onChange={(e) => setName(e.target.value)} data-testid="name-input" autoComplete="nickname" />
        </label>
        <button type="submit" className="fab-button fab-button--primary" disabled={!name.trim()} data-testid="name-submit">
          {t('name.submit')}
        </button>
      </form>
    </div>
  )
}
