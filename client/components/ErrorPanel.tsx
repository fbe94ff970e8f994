import { useI18n } from '../i18n/I18nProvider'

export function ErrorPanel({ message, onRetry }: { message: string; onRetry?: () => void }) {
  const { t } = useI18n()
  return (
    <div className="fab-card fab-error" role="alert" data-testid="error">
      <strong>{t('error.generic')}</strong>
      <p>{message}</p>
      {onRetry && (
        <button className="fab-button" onClick={onRetry}>
          {t('error.retry')}
        </button>
      )}
    </div>
  )
}
