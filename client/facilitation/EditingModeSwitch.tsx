import { EDITING_MODES, isEditingMode, type EditingMode } from '../../shared/boardSession'
import { Icon } from '../components/Icon'
import { useI18n } from '../i18n/I18nProvider'

/** The facilitator's switch: everyone edits, each their own notes, or the board is frozen. */
export function EditingModeSwitch({ mode, onChange }: { mode: EditingMode; onChange: (mode: EditingMode) => void }) {
  const { t } = useI18n()
  return (
    <label className={`fab-mode-switch fab-mode-switch--${mode}`} title={t('mode.label')}>
      <Icon name={mode === 'frozen' ? 'snow' : mode === 'own' ? 'lock' : 'pen'} />
      <select
        value={mode}
        aria-label={t('mode.label')}
        data-testid="editing-mode"
        onChange={(e) => isEditingMode(e.target.value) && e.target.value !== mode && onChange(e.target.value)}
      >
        {EDITING_MODES.map((m) => (
          <option key={m} value={m}>
            {t(`mode.${m}`)}
          </option>
        ))}
      </select>
    </label>
  )
}

/** What a participant sees of the mode: nothing when open, a badge otherwise. */
export function EditingModeBadge({ mode }: { mode: EditingMode }) {
  const { t } = useI18n()
  if (mode === 'open') return null
  return (
    <span className={`fab-mode-badge fab-mode-badge--${mode}`} data-testid="editing-mode-badge" data-mode={mode}>
      <Icon name={mode === 'frozen' ? 'snow' : 'lock'} size={12} /> {t(mode === 'frozen' ? 'mode.badge.frozen' : 'mode.badge.own')}
    </span>
  )
}
