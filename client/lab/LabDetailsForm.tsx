import { useState, type FormEvent } from 'react'
import type { Lab } from '../../shared/lab'
import type { Phase } from '../../shared/phases'
import type { UpdateLabInput } from '../../shared/validation'
import { LIMITS } from '../../shared/validation'
import { ErrorPanel } from '../components/ErrorPanel'
import { PhaseField } from '../components/PhaseField'
import { useI18n } from '../i18n/I18nProvider'

/** A facilitator edits the lab's title, problem, territory, start date and current phase. */
export function LabDetailsForm({ lab, onSave, onDone }: { lab: Lab; onSave: (patch: UpdateLabInput) => Promise<unknown>; onDone: () => void }) {
  const { t, explain } = useI18n()
  const [title, setTitle] = useState(lab.title)
  const [theme, setTheme] = useState(lab.theme)
  const [territory, setTerritory] = useState(lab.territory)
  const [startDate, setStartDate] = useState(lab.startDate ?? '')
  const [phase, setPhase] = useState<Phase>(lab.phase)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await onSave({ title, theme, territory, startDate: startDate || null, phase })
      onDone()
    } catch (err) {
      setError(explain(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="fab-card fab-lab-form" onSubmit={submit} data-testid="lab-form">
      <label className="fab-field">
        <span>{t('home.create.label')}</span>
        <input value={title} maxLength={LIMITS.title} required onChange={(e) => setTitle(e.target.value)} data-testid="lab-form-title" />
      </label>
      <label className="fab-field">
        <span>{t('lab.theme')}</span>
        <textarea value={theme} maxLength={LIMITS.theme} rows={3} onChange={(e) => setTheme(e.target.value)} data-testid="lab-form-theme" />
      </label>
      <div className="fab-form-row">
        <label className="fab-field fab-grow">
          <span>{t('lab.territory')}</span>
          <input value={territory} maxLength={LIMITS.territory} onChange={(e) => setTerritory(e.target.value)} data-testid="lab-form-territory" />
        </label>
        <label className="fab-field">
          <span>{t('lab.startDate')}</span>
          <input type="date" value={startDate} onChange={(e) => setStartDate(e.target.value)} data-testid="lab-form-start" />
        </label>
        <PhaseField label={t('lab.edit.phase')} value={phase} onChange={setPhase} testId="lab-form-phase" />
      </div>
      {error && <ErrorPanel message={error} />}
      <div className="fab-form-row">
        <button type="submit" className="fab-button fab-button--primary" disabled={busy || !title.trim()} data-testid="lab-form-save">
          {t('lab.edit.save')}
        </button>
        <button type="button" className="fab-button" onClick={onDone}>
          {t('lab.edit.cancel')}
        </button>
      </div>
    </form>
  )
}
