import { useState } from 'react'
import { useValue } from 'tldraw'
import { dotsUsed } from '../../../shared/workshop/votes'
import { useI18n } from '../../i18n/I18nProvider'
import { outcomeText } from '../outcomeText'
import type { Workshop } from '../Workshop'
import { WorkshopIcon } from '../WorkshopIcon'

/**
 * The vote under the bar. Open: its question, this person's dots left, how many people have voted
 * (a count only: who and where stay secret), the list of its notes; the facilitator reveals or
 * cancels. Revealed: the ranking; the facilitator takes the counts off the notes.
 */
export function VoteStatus({ workshop }: { workshop: Workshop }) {
  const { t, plural } = useI18n()
  const vote = useValue('fabrique vote', () => workshop.$vote.get(), [workshop])
  const ballot = useValue('fabrique ballot', () => workshop.$ballot.get(), [workshop])
  const [problem, setProblem] = useState<string | null>(null)
  if (!vote) return null
  const run = async (command: Parameters<Workshop['run']>[0]) => setProblem(outcomeText(await workshop.run(command), t))
  if (vote.status === 'revealed') {
    return (
      <div className="fab-strip-row fab-vote-status fab-vote-status--revealed" data-testid="vote-status" data-status="revealed">
        <WorkshopIcon name="trophy" size={16} />
        <strong className="fab-strip-row__title">{t('vote.status.revealed', { title: vote.title })}</strong>
        <span className="fab-strip-row__actions">
          <button type="button" className="fab-strip-button" data-testid="vote-ranking" onClick={() => (workshop.$readingVote.set(null), workshop.$resultsOpen.set(true))}>
            {t('vote.ranking')}
          </button>
          {workshop.isFacilitator && (
            <button type="button" className="fab-strip-button" data-testid="vote-dismiss" onClick={() => void run({ type: 'vote.dismiss', voteId: vote.id })}>
              {t('vote.dismiss')}
            </button>
          )}
        </span>
        {problem && (
          <span role="alert" className="fab-workshop-problem">
            {problem}
          </span>
        )}
      </div>
    )
  }
  const used = ballot?.voteId === vote.id ? dotsUsed(ballot.dots) : 0
  const left = vote.dotsPerPerson - used
  return (
    <div className="fab-strip-row fab-vote-status" data-testid="vote-status" data-status="open">
      <WorkshopIcon name="dot" size={16} />
      <strong className="fab-strip-row__title">{t('vote.status.open', { title: vote.title })}</strong>
      {workshop.canTakePart && (
        <span className="fab-vote-status__left" data-testid="vote-left" data-left={left}>
          <span className="fab-vote-status__long">{plural('vote.left', left, { total: vote.dotsPerPerson })}</span>
          <span className="fab-vote-status__short" aria-hidden="true">
            <WorkshopIcon name="dot" size={12} /> {t('vote.left.short', { n: left, total: vote.dotsPerPerson })}
          </span>
        </span>
      )}
      <span className="fab-vote-status__voters" data-testid="vote-voters" data-voters={vote.voters}>
        {plural('vote.voters', vote.voters)}
      </span>
      <span className="fab-strip-row__actions">
        {workshop.canTakePart && (
          <button type="button" className="fab-strip-button" data-testid="vote-list" title={t('vote.list.title')} onClick={() => workshop.$ballotListOpen.set(!workshop.$ballotListOpen.get())}>
            <WorkshopIcon name="list" size={14} /> {t('vote.list')}
          </button>
        )}
        {workshop.isFacilitator && (
          <>
            <button type="button" className="fab-strip-button fab-strip-button--primary" data-testid="vote-reveal" onClick={() => void run({ type: 'vote.reveal', voteId: vote.id })}>
              {t('vote.reveal')}
            </button>
            <button type="button" className="fab-icon-button" data-testid="vote-cancel" title={t('vote.cancel')} aria-label={t('vote.cancel')} onClick={() => window.confirm(t('vote.cancel.confirm')) && void run({ type: 'vote.cancel', voteId: vote.id })}>
              <WorkshopIcon name="close" size={16} />
            </button>
          </>
        )}
      </span>
      {problem && (
        <span role="alert" className="fab-workshop-problem">
          {problem}
        </span>
      )}
    </div>
  )
}
