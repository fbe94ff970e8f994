import { useValue } from 'tldraw'
import { Dialog } from '../../components/Dialog'
import { useI18n } from '../../i18n/I18nProvider'
import type { Workshop } from '../Workshop'

/** The votes revealed on this board, newest first: any of them can be read again (here only). */
export function VoteHistoryDialog({ workshop, onClose }: { workshop: Workshop; onClose: () => void }) {
  const { t, plural, lang } = useI18n()
  const records = useValue('fabrique vote records', () => workshop.$voteRecords.get(), [workshop])
  const format = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' })
  return (
    <Dialog title={t('vote.history.title')} onClose={onClose} testId="vote-history">
      {records.length === 0 && <p>{t('vote.history.empty')}</p>}
      <ul className="fab-list">
        {records.map((record) => {
          const top = record.results[0]
          return (
            <li key={record.id} className="fab-list__item fab-history__item" data-testid="vote-history-item">
              <div className="fab-history__main">
                <strong>{record.title}</strong>
                <span className="fab-muted">
                  {format.format(new Date(record.revealedAt))} · {plural('vote.voters', record.voters)}
                </span>
                {top && top.count > 0 && <span className="fab-history__top">{t('vote.history.top', { text: top.text || t('vote.results.untitled'), count: top.count })}</span>}
              </div>
              <button
                type="button"
                className="fab-button"
                data-testid="vote-history-read"
                onClick={() => {
                  workshop.$readingVote.set(record.id)
                  workshop.$resultsOpen.set(true)
                  onClose()
                }}
              >
                {t('vote.history.read')}
              </button>
            </li>
          )
        })}
      </ul>
    </Dialog>
  )
}
