import { useState } from 'react'
import { useValue } from 'tldraw'
import { useI18n } from '../../i18n/I18nProvider'
import { outcomeText } from '../outcomeText'
import type { Workshop } from '../Workshop'
import { WorkshopIcon } from '../WorkshopIcon'

const dismissedKey = (boardId: string) => `fabrique.privateRound.dismissed.${boardId}`

/**
 * The private round under the bar. Open: participants read that their notes stay theirs until
 * the reveal (and the prompt); the facilitator sees how many have written and reveals. Revealed:
 * everyone can show or hide the authors' names on the notes, and close the line.
 */
export function PrivateRoundBanner({ workshop }: { workshop: Workshop }) {
  const { t, plural } = useI18n()
  const round = useValue('fabrique private round', () => workshop.$privateRound.get(), [workshop])
  const unsent = useValue('fabrique private unsent', () => workshop.privateWriter.$unsent.get(), [workshop])
  const showAuthors = useValue('fabrique show authors', () => workshop.$showAuthors.get(), [workshop])
  const [dismissed, setDismissed] = useState(() => sessionStorage.getItem(dismissedKey(workshop.boardId)))
  const [problem, setProblem] = useState<string | null>(null)
  if (!round) return null
  if (round.status === 'revealed') {
    if (dismissed === round.id) return null
    return (
      <div className="fab-strip-row fab-private-banner fab-private-banner--revealed" data-testid="private-banner" data-status="revealed">
        <WorkshopIcon name="eye" size={16} />
        <strong>{t('private.revealed')}</strong>
        {round.prompt && <span className="fab-private-banner__prompt">« {round.prompt} »</span>}
        <span className="fab-strip-row__actions">
          <button type="button" className="fab-strip-button" aria-pressed={showAuthors} onClick={() => workshop.$showAuthors.set(!showAuthors)} data-testid="private-authors">
            <WorkshopIcon name={showAuthors ? 'eyeOff' : 'eye'} size={16} />
            {showAuthors ? t('private.hideAuthors') : t('private.showAuthors')}
          </button>
          <button
            type="button"
            className="fab-icon-button"
            aria-label={t('workshop.close')}
            title={t('workshop.close')}
            onClick={() => {
              sessionStorage.setItem(dismissedKey(workshop.boardId), round.id)
              setDismissed(round.id)
              workshop.$showAuthors.set(false)
            }}
          >
            <WorkshopIcon name="close" size={16} />
          </button>
        </span>
      </div>
    )
  }
  const reveal = async () => setProblem(outcomeText(await workshop.run({ type: 'private.reveal', roundId: round.id }), t))
  return (
    <div className="fab-strip-row fab-private-banner" data-testid="private-banner" data-status="open">
      {workshop.isFacilitator ? (
        <>
          <WorkshopIcon name="lock" size={16} />
          <strong>{t('private.facilitator')}</strong>
          <span data-testid="private-counts">{t('private.count', { writers: plural('private.writers', round.writers), shapes: plural('private.shapes', round.shapes) })}</span>
          <span className="fab-strip-row__actions">
            <button type="button" className="fab-strip-button fab-strip-button--primary" onClick={() => void reveal()} data-testid="private-reveal">
              {t('private.reveal')}
            </button>
          </span>
        </>
      ) : (
        <span className="fab-private-banner__text">
          <WorkshopIcon name="lock" size={14} />{' '}
          <span className="fab-private-banner__long">{t('private.banner')}</span>
          <span className="fab-private-banner__short">{t('private.banner.short')}</span>
        </span>
      )}
      {round.prompt && <span className="fab-private-banner__prompt">« {round.prompt} »</span>}
      {unsent > 0 && <span className="fab-private-banner__unsent">{plural('private.unsent', unsent)}</span>}
      {problem && (
        <span role="alert" className="fab-workshop-problem">
          {problem}
        </span>
      )}
    </div>
  )
}
