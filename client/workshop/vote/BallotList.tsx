import { useValue, type Editor } from 'tldraw'
import { castProblem, dotsUsed } from '../../../shared/workshop/votes'
import { useI18n } from '../../i18n/I18nProvider'
import { noteText } from '../boardShapes'
import { showShape } from '../cameraMoves'
import { SidePanel } from '../SidePanel'
import type { Workshop } from '../Workshop'
import { WorkshopIcon } from '../WorkshopIcon'

/**
 * The open vote's notes as a list, with this person's dots and buttons beside each: to vote on a
 * phone without zooming to every note, or with the keyboard alone.
 */
export function BallotList({ workshop, editor }: { workshop: Workshop; editor: Editor }) {
  const { t, plural } = useI18n()
  const open = useValue('fabrique ballot list', () => workshop.$ballotListOpen.get(), [workshop])
  const vote = useValue('fabrique vote', () => workshop.$vote.get(), [workshop])
  const ballot = useValue('fabrique ballot', () => workshop.$ballot.get(), [workshop])
  const texts = useValue('fabrique vote note texts', () => (vote ? vote.options.map((id) => ({ id, text: noteText(editor, id), present: !!editor.getShape(id as never) })) : []), [editor, vote])
  if (!open || !vote || vote.status !== 'open' || !workshop.canTakePart) return null
  const dots = ballot?.voteId === vote.id ? ballot.dots : {}
  const left = vote.dotsPerPerson - dotsUsed(dots)
  return (
    <SidePanel
      title={t('vote.status.open', { title: vote.title })}
      onClose={() => workshop.$ballotListOpen.set(false)}
      testId="ballot-list"
      footer={<strong data-testid="ballot-left">{plural('vote.left', left, { total: vote.dotsPerPerson })}</strong>}
    >
      <ul className="fab-ballot-list">
        {texts
          .filter((n) => n.present)
          .map(({ id, text }) => {
            const mine = dots[id] ?? 0
            const problem = castProblem(vote, dots, id)
            return (
              <li key={id} className="fab-ballot-list__item" data-note-id={id}>
                <button type="button" className="fab-ballot-list__text" onClick={() => showShape(editor, id)} title={t('vote.results.show')}>
                  {text || t('vote.results.untitled')}
                </button>
                <span className="fab-ballot-list__controls">
                  <button type="button" className="fab-ballot__button" aria-label={t('vote.remove')} title={t('vote.remove')} disabled={mine === 0} onClick={() => void workshop.uncast(vote.id, id)}>
                    <WorkshopIcon name="minus" size={16} />
                  </button>
                  <span className="fab-ballot-list__mine" aria-label={plural('vote.mine', mine)}>
                    {mine}
                  </span>
                  <button type="button" className="fab-ballot__button fab-ballot__button--add" aria-label={problem ? t('vote.noneLeft') : t('vote.add')} title={problem ? t('vote.noneLeft') : t('vote.add')} disabled={problem !== null} onClick={() => void workshop.cast(vote.id, id)}>
                    <WorkshopIcon name="plus" size={16} />
                  </button>
                </span>
              </li>
            )
          })}
      </ul>
    </SidePanel>
  )
}
