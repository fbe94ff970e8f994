import { useI18n } from '../i18n/I18nProvider'
import { navigate } from '../router'

/** Shown instead of the canvas when a facilitator replaced the secret this page used. */
export function RevokedNotice() {
  const { t } = useI18n()
  return (
    <div className="fab-center" data-testid="revoked-notice">
      <div className="fab-card" role="alert">
        <h2>{t('revoked.title')}</h2>
        <p>{t('revoked.help')}</p>
        <a className="fab-button fab-button--primary" href="/" onClick={(e) => { e.preventDefault(); navigate('/') }}>
          {t('error.home')}
        </a>
      </div>
    </div>
  )
}
