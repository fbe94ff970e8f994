import { useI18n } from '../i18n/I18nProvider'
import { navigate } from '../router'

/** A problem, said in the person's words, with a way forward: try again, or go home. */
export function ErrorPanel({ message, onRetry, home = false }: { message: string; onRetry?: () => void; home?: boolean }) {
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
      {home && (
        <a className="fab-button" href="/" onClick={(e) => { e.preventDefault(); navigate('/') }} data-testid="error-home">
          {t('error.home')}
        </a>
      )}
    </div>
  )
}
