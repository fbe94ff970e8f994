import { useI18n } from '../i18n/I18nProvider'
import type { LiveState } from './useLabEvents'

/** A small badge: whether the lab page is following the lab live. */
export function LiveIndicator({ state }: { state: LiveState }) {
  const { t } = useI18n()
  const help = state === 'live' ? t('labLive.live.help') : state === 'retrying' ? t('labLive.retrying.help') : undefined
  return (
    <span className={`fab-live fab-live--${state}`} data-testid="lab-live" data-state={state} title={help} role="status">
      <span className="fab-live__dot" aria-hidden="true" />
      {t(`labLive.${state === 'stopped' ? 'stopped' : state}`)}
    </span>
  )
}
