import { useI18n } from '../i18n/I18nProvider'

export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n()
  return (
    <button type="button" className="fab-link-button" onClick={() => setLang(lang === 'fr' ? 'en' : 'fr')} data-testid="lang-switch" lang={lang === 'fr' ? 'en' : 'fr'}>
      {t('lang.switch')}
    </button>
  )
}
