import { PHASE_INFO, PHASES, type Phase } from '../../shared/phases'
import { useI18n } from '../i18n/I18nProvider'

/** A labelled choice of one of the four phases. */
export function PhaseField({ label, value, onChange, testId }: { label: string; value: Phase; onChange: (phase: Phase) => void; testId: string }) {
  const { pick } = useI18n()
  return (
    <label className="fab-field">
      <span>{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value as Phase)} data-testid={testId}>
        {PHASES.map((p) => (
          <option key={p} value={p}>
            {pick(PHASE_INFO[p].label)}
          </option>
        ))}
      </select>
    </label>
  )
}
