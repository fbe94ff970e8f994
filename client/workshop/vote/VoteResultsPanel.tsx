import { useValue, type Editor } from 'tldraw'
import { useI18n } from '../../i18n/I18nProvider'
import { showShape } from '../cameraMoves'
import { SidePanel } from '../SidePanel'
import type { Workshop } from '../Workshop'
import { shownResults } from './shownResults'

/**
 * The ranked list of a revealed vote (or of a past one read again): most dots first, each note's
 * text as it was at the reveal, who voted for it in a named vote; a note still on the board can
 * be shown.
 */
export function VoteResultsPanel({ workshop, editor }: { workshop: Workshop; editor: Editor }) {
  const { t, plural, lang } = useI18n()
  const open = useValue('fabrique results open', () => workshop.$resultsOpen.get(), [workshop])
  const shown = useValue('fabrique shown results', () => shownResults(workshop), [workshop])
  const onBoard = useValue('fabrique result notes on board', () => new Set((shown?.results ?? []).filter((r) => editor.getShape(r.noteId as never)).map((r) => r.noteId)), [editor, shown])
  if (!open || !shown) return null
  const close = () => {
    workshop.$resultsOpen.set(false)
    workshop.$readingVote.set(null)
  }
  const date = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short' }).format(new Date(shown.revealedAt))
  const max = Math.max(1, ...shown.results.map((r) => r.count))
  let rank = 0
  let previous = -1
  return (
    <SidePanel title={t('vote.results.title', { title: shown.title })} onClose={close} testId="vote-results">
      <p className="fab-side-panel__meta">
        {t('vote.results.when', { date })} · {plural('vote.voters', shown.voters)}
      </p>
      {shown.reading && <p className="fab-side-panel__note">{t('vote.results.reading')}</p>}
      {shown.results.every((r) => r.count === 0) && <p className="fab-muted">{t('vote.results.empty')}</p>}
      <ol className="fab-results">
        {shown.results.map((result, i) => {
          // Ties share their rank.
          if (result.count !== previous) rank = i + 1
          previous = result.count
          const present = onBoard.has(result.noteId)
          return (
            <li key={result.noteId} className="fab-results__item" data-testid="vote-result" data-note-id={result.noteId} data-count={result.count}>
              <span className="fab-results__rank">{rank}</span>
              <div className="fab-results__main">
                <span className="fab-results__text">{result.text || t('vote.results.untitled')}</span>
                <span className="fab-results__bar" aria-hidden="true">
                  <span style={{ width: `${(result.count / max) * 100}%` }} />
                </span>
                {!shown.anonymous && result.voters && result.voters.length > 0 && (
                  <span className="fab-results__voters" data-testid="vote-result-voters">
                    {result.voters.map((v) => (v.dots > 1 ? `${v.name} (${v.dots})` : v.name)).join(', ')}
                  </span>
                )}
                {!present && <span className="fab-muted fab-results__gone">{t('vote.results.gone')}</span>}
              </div>
              <span className="fab-results__count" aria-label={plural('vote.count', result.count)}>
                {result.count}
              </span>
              {present && (
                <button type="button" className="fab-link-button fab-results__show" onClick={() => showShape(editor, result.noteId)}>
                  {t('vote.results.show')}
                </button>
              )}
            </li>
          )
        })}
      </ol>
    </SidePanel>
  )
}
