import { PageHeader } from '../components/PageHeader'
import { useI18n } from '../i18n/I18nProvider'

export function NotFoundPage() {
  const { t } = useI18n()
  return (
    <div className="fab-page">
      <PageHeader />
      <main className="fab-main">
        <p>{t('error.notFound')}</p>
      </main>
    </div>
  )
}
