import { useI18n } from '../i18n/I18nProvider'

/** Shown instead of the canvas when this client must not edit the board. */
export function SchemaProblem({ problem }: { problem: 'newer' | 'failed' }) {
  const { t } = useI18n()
  return (
    <div className="fab-center" data-testid="schema-problem" data-problem={problem}>
      <div className="fab-card">
        <h2>{t(problem === 'newer' ? 'schema.newer.title' : 'schema.failed.title')}</h2>
        <p>{t('schema.newer.help')}</p>
        <button className="fab-button fab-button--primary" onClick={() => location.reload()}>
          {t('schema.reload')}
        </button>
      </div>
    </div>
  )
}
