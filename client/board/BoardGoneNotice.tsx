import { useI18n } from '../i18n/I18nProvider'

/**
 * Shown instead of the canvas when the board was deleted (put in the lab's bin by a
 * facilitator) while it was open here: the server closed the connection with 4404.
 */
export function BoardGoneNotice({ labLink }: { labLink: string }) {
  const { t } = useI18n()
  return (
    <div className="fab-center" data-testid="board-gone-notice">
      <div className="fab-card" role="alert">
        <h2>{t('boardGone.title')}</h2>
        <p>{t('boardGone.help')}</p>
        <a className="fab-button fab-button--primary" href={labLink}>
          {t('board.back')}
        </a>
      </div>
    </div>
  )
}
