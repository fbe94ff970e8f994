import { useState } from 'react'
import { useValue } from 'tldraw'
import { useI18n } from '../../i18n/I18nProvider'
import { outcomeText } from '../outcomeText'
import type { Workshop } from '../Workshop'
import { WorkshopIcon } from '../WorkshopIcon'
import { chooseFollow } from './useFollowLeader'

/**
 * "Follow me" under the bar: the leader can stop leading; the others read whom they follow and
 * step out (« Me détacher ») or back in (« Suivre à nouveau »).
 */
export function FollowBanner({ workshop }: { workshop: Workshop }) {
  const { t } = useI18n()
  const follow = useValue('fabrique follow', () => workshop.$follow.get(), [workshop])
  const detached = useValue('fabrique follow detached', () => workshop.$followDetached.get(), [workshop])
  const [problem, setProblem] = useState<string | null>(null)
  if (!follow) return null
  const leading = follow.leaderId === workshop.identityId
  const dot = <span className="fab-follow__dot" style={{ background: follow.color }} aria-hidden="true" />
  if (leading) {
    return (
      <div className="fab-strip-row fab-follow fab-follow--leading" data-testid="follow-banner" data-state="leading">
        {dot}
        <span className="fab-follow__long">{t('follow.leading')}</span>
        <span className="fab-follow__short">{t('follow.leading.short')}</span>
        <span className="fab-strip-row__actions">
          <button type="button" className="fab-strip-button" data-testid="follow-stop" onClick={async () => setProblem(outcomeText(await workshop.run({ type: 'follow.stop' }), t))}>
            <WorkshopIcon name="stop" size={14} /> {t('follow.stop')}
          </button>
        </span>
        {problem && (
          <span role="alert" className="fab-workshop-problem">
            {problem}
          </span>
        )}
      </div>
    )
  }
  return (
    <div className="fab-strip-row fab-follow" data-testid="follow-banner" data-state={detached ? 'detached' : 'following'} style={{ borderColor: follow.color }}>
      {dot}
      <WorkshopIcon name="follow" size={16} />
      <span data-testid="follow-text">{detached ? t('follow.detached', { name: follow.name }) : t('follow.following', { name: follow.name })}</span>
      <span className="fab-strip-row__actions">
        {detached ? (
          <button type="button" className="fab-strip-button fab-strip-button--primary" data-testid="follow-again" onClick={() => chooseFollow(workshop, false)}>
            {workshop.isFacilitator ? t('follow.join') : t('follow.again')}
          </button>
        ) : (
          <button type="button" className="fab-strip-button" data-testid="follow-detach" onClick={() => chooseFollow(workshop, true)}>
            {t('follow.detach')}
          </button>
        )}
      </span>
    </div>
  )
}
