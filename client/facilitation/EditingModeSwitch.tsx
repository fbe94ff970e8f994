import { EDITING_MODES, type EditingMode } from '../../shared/boardSession'
import { useI18n } from '../i18n/I18nProvider'

/** The facilitator's switch: everyone edits, each their own notes, or the board is frozen. */
export function EditingModeSwitch({ mode, onChange }: { mode: EditingMode; onChange: (mode: EditingMode) => void }) {
  const { t } = useI18n()
  return (
    <div className="fab-mode-switch" role="radiogroup" aria-label={t('mode.label')} title={t('mode.label')} data-testid="editing-mode">
      {EDITING_MODES.map((m) => (
        <button
          key={m}
          type="button"
          role="radio"
          aria-checked={mode === m}
          className={`fab-mode-switch__option${mode === m ? ' fab-mode-switch__option--on' : ''}`}
          onClick={() => mode !== m && onChange(m)}
          data-testid={`editing-mode-${m}`}
        >
          <span aria-hidden="true">{m === 'open' ? '✎' : m === 'own' ? '👤' : '❄'}</span>
          <span className="fab-mode-switch__label">{t(`mode.${m}`)}</span>
        </button>
      ))}
    </div>
  )
}

/** What a participant sees of the mode: nothing when open, a badge otherwise. */
export function EditingModeBadge({ mode }: { mode: EditingMode }) {
  const { t } = useI18n()
  if (mode === 'open') return null
  return (
    <span className={`fab-mode-badge fab-mode-badge--${mode}`} data-testid="editing-mode-badge" data-mode={mode}>
      {t(mode === 'frozen' ? 'mode.badge.frozen' : 'mode.badge.own')}
    </span>
  )
}
