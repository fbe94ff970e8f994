import { useMemo } from 'react'
import { useValue, type Editor } from 'tldraw'
import { castProblem, type ActiveVote, type Ballot } from '../../../shared/workshop/votes'
import { useI18n } from '../../i18n/I18nProvider'
import { shapeOnScreen, type ScreenBox } from '../boardShapes'
import type { Workshop } from '../Workshop'
import { WorkshopIcon } from '../WorkshopIcon'
import { shownResults } from './shownResults'

/** Below this width on screen, a note's controls are the smallest that a finger still hits (32 px). */
const SMALL_NOTE_PX = 80

interface Placed {
  id: string
  box: ScreenBox
}

/** The vote's notes that are on screen now, where they are (follows the camera). */
function usePlacedNotes(editor: Editor, ids: readonly string[] | null): Placed[] {
  return useValue(
    'fabrique vote notes on screen',
    () => {
      if (!ids) return []
      const viewport = editor.getViewportPageBounds()
      const placed: Placed[] = []
      for (const id of ids) {
        const box = shapeOnScreen(editor, id, viewport)
        if (box) placed.push({ id, box })
      }
      return placed
    },
    [editor, ids],
  )
}

/** Astride the note's lower edge, mostly below it: the note's text stays readable. */
const anchor = (box: ScreenBox) => ({ left: box.x + box.w / 2, top: box.y + box.h, transform: 'translate(-50%, -35%)' })
const compact = (box: ScreenBox) => (box.w < SMALL_NOTE_PX ? ' fab-ballot--compact' : '')

/**
 * Dots on the notes of a vote, in front of the canvas. While the vote is open, each option note
 * carries this person's own dots and buttons to place or take one (at least 36 px, whatever the
 * zoom); nobody sees anyone else's. Once revealed — or while this person reads a past vote —
 * each note shows its count.
 */
export function VoteDots({ workshop, editor }: { workshop: Workshop; editor: Editor }) {
  const vote = useValue('fabrique vote', () => workshop.$vote.get(), [workshop])
  const results = useValue('fabrique shown results', () => shownResults(workshop), [workshop])
  const balloting = vote?.status === 'open' && workshop.canTakePart ? vote : null
  const ids = useMemo(() => (balloting ? balloting.options : results ? results.results.map((r) => r.noteId) : null), [balloting, results])
  const placed = usePlacedNotes(editor, ids)
  const ballot = useValue('fabrique ballot', () => {
    const b = workshop.$ballot.get()
    return balloting && b?.voteId === balloting.id ? b.dots : {}
  }, [workshop, balloting?.id])
  if (!ids) return null
  if (balloting) {
    return (
      <div className="fab-vote-layer" data-testid="vote-layer" data-mode="ballot">
        {placed.map(({ id, box }) => (
          <BallotDots key={id} workshop={workshop} vote={balloting} ballot={ballot} noteId={id} box={box} />
        ))}
      </div>
    )
  }
  const counts = new Map(results!.results.map((r, i) => [r.noteId, { count: r.count, first: i === 0 && r.count > 0 }]))
  return (
    <div className="fab-vote-layer" data-testid="vote-layer" data-mode="results">
      {placed.map(({ id, box }) => {
        const { count, first } = counts.get(id) ?? { count: 0, first: false }
        return <CountBadge key={id} noteId={id} count={count} first={first} box={box} />
      })}
    </div>
  )
}

function CountBadge({ noteId, count, first, box }: { noteId: string; count: number; first: boolean; box: ScreenBox }) {
  const { plural } = useI18n()
  const label = plural('vote.count', count)
  return (
    <div
      className={`fab-vote-count${count === 0 ? ' fab-vote-count--zero' : ''}${first ? ' fab-vote-count--first' : ''}`}
      style={{ left: box.x + box.w + 6, top: box.y }}
      data-testid="vote-count"
      data-note-id={noteId}
      data-count={count}
      title={label}
      aria-label={label}
    >
      <WorkshopIcon name="dot" size={14} />
      {count}
    </div>
  )
}

function BallotDots({ workshop, vote, ballot, noteId, box }: { workshop: Workshop; vote: ActiveVote; ballot: Ballot; noteId: string; box: ScreenBox }) {
  const { t, plural } = useI18n()
  const mine = ballot[noteId] ?? 0
  const problem = castProblem(vote, ballot, noteId)
  const cast = () => void workshop.cast(vote.id, noteId)
  const uncast = () => void workshop.uncast(vote.id, noteId)
  if (vote.onePerNote) {
    const label = mine > 0 ? t('vote.toggle.off') : problem ? t('vote.noneLeft') : t('vote.toggle.on')
    return (
      <div className={`fab-ballot${compact(box)}`} style={anchor(box)} data-note-id={noteId} data-mine={mine}>
        <button
          type="button"
          className={`fab-ballot__toggle${mine > 0 ? ' fab-ballot__toggle--on' : ''}`}
          data-testid={mine > 0 ? 'vote-remove' : 'vote-add'}
          data-note-id={noteId}
          aria-pressed={mine > 0}
          aria-disabled={mine === 0 && problem !== null ? true : undefined}
          title={label}
          aria-label={label}
          onClick={() => (mine > 0 ? uncast() : problem === null && cast())}
        >
          <WorkshopIcon name="dot" size={20} />
        </button>
      </div>
    )
  }
  return (
    <div className={`fab-ballot${compact(box)}`} style={anchor(box)} data-note-id={noteId} data-mine={mine}>
      {mine > 0 && (
        <button type="button" className="fab-ballot__button" data-testid="vote-remove" data-note-id={noteId} title={t('vote.remove')} aria-label={t('vote.remove')} onClick={uncast}>
          <WorkshopIcon name="minus" size={16} />
        </button>
      )}
      {mine > 0 && (
        <span className="fab-ballot__mine" aria-label={plural('vote.mine', mine)} title={plural('vote.mine', mine)}>
          {mine <= 3 ? Array.from({ length: mine }, (_, i) => <span key={i} className="fab-ballot__dot" />) : <><span className="fab-ballot__dot" />×{mine}</>}
        </span>
      )}
      <button
        type="button"
        className="fab-ballot__button fab-ballot__button--add"
        data-testid="vote-add"
        data-note-id={noteId}
        aria-disabled={problem !== null || undefined}
        title={problem ? t('vote.noneLeft') : t('vote.add')}
        aria-label={problem ? t('vote.noneLeft') : t('vote.add')}
        onClick={() => problem === null && cast()}
      >
        <WorkshopIcon name="plus" size={16} />
      </button>
    </div>
  )
}
