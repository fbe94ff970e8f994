import { useI18n } from '../i18n/I18nProvider'

/** Shown instead of the canvas to someone a facilitator removed from the board. */
export function RemovedNotice({ labLink }: { labLink: string }) {
  const { t } = useI18n()
  return (
    <div className="fab-center" data-testid="removed-notice">
      <div className="fab-card">
        <h2>{t('removed.title')}</h2>
        <p>{t('removed.help')}</p>
        <a className="fab-button fab-button--primary" href={labLink}>
          {t('board.back')}
        </a>
      </div>
    </div>
  )
}
