import { Icon } from '../components/Icon'
import { useI18n } from '../i18n/I18nProvider'

/** « Gérer » on a board of the lab page (facilitators): opens what can be done with it. */
export function ManageBoardButton({ title, onClick, compact = false }: { title: string; onClick: () => void; compact?: boolean }) {
  const { t } = useI18n()
  const label = t('boards.manage.label', { title })
  return (
    <button type="button" className={compact ? 'fab-icon-button fab-manage-board' : 'fab-button fab-manage-board'} onClick={onClick} title={label} aria-label={label} data-testid="board-manage">
      <Icon name="more" size={18} />
      {!compact && t('boards.manage')}
    </button>
  )
}
