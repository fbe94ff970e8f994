import type { ReactNode } from 'react'
import { useI18n } from '../i18n/I18nProvider'
import { navigate } from '../router'
import { LanguageSwitch } from './LanguageSwitch'

/** The header of the non-canvas pages. */
export function PageHeader({ children }: { children?: ReactNode }) {
  const { t } = useI18n()
  return (
    <header className="fab-header">
      <a
        className="fab-logo"
        href="/"
        onClick={(e) => {
          e.preventDefault()
          navigate('/')
        }}
      >
        <img src="/favicon.svg" alt="" width={28} height={28} />
        {t('app.name')}
      </a>
      <div className="fab-header__middle">{children}</div>
      <LanguageSwitch />
    </header>
  )
}
