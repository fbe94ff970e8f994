import { useMemo, useState } from 'react'
import type { Editor } from 'tldraw'
import { VOTE_DOTS_MAX, VOTE_OPTIONS_MAX, VOTE_TITLE_MAX, type VoteScope } from '../../../shared/workshop/votes'
import { Dialog } from '../../components/Dialog'
import { useI18n } from '../../i18n/I18nProvider'
import { notesInZone, notesOnPage, pickableZones, selectedNotes } from '../boardShapes'
import { outcomeText } from '../outcomeText'
import type { Workshop } from '../Workshop'

type ScopeChoice = 'board' | 'frame' | 'selection'

/**
 * The facilitator opens a dot vote: a question, which notes (the whole board, a zone, the
 * selection), dots per person, at most one per note or not, anonymous or named.
 */
export function VoteOpenDialog({ workshop, editor, onClose }: { workshop: Workshop; editor: Editor; onClose: () => void }) {
  const { t, plural } = useI18n()
  // What the board holds when the dialog opens (a vote is on what is there now).
  const zones = useMemo(() => pickableZones(editor), [editor])
  const selection = useMemo(() => selectedNotes(editor), [editor])
  const boardNotes = useMemo(() => notesOnPage(editor), [editor])
  const [title, setTitle] = useState(() => t('vote.open.defaultName'))
  const [choice, setChoice] = useState<ScopeChoice>(selection.length > 0 ? 'selection' : 'board')
  const [zoneId, setZoneId] = useState<string>(zones[0]?.id ?? '')
  const [dots, setDots] = useState(3)
  const [onePerNote, setOnePerNote] = useState(false)
  const [anonymous, setAnonymous] = useState(true)
  const [problem, setProblem] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const zone = zones.find((z) => z.id === zoneId) ?? null
  const zoneNotes = useMemo(() => (zone ? notesInZone(editor, zone) : []), [editor, zone])
  const count = choice === 'board' ? boardNotes.length : choice === 'selection' ? selection.length : zoneNotes.length
  const scope = (): VoteScope | null => {
    if (choice === 'board') return { kind: 'board' }
    if (choice === 'selection') return selection.length ? { kind: 'selection', ids: selection.slice(0, VOTE_OPTIONS_MAX) } : null
    if (!zone) return null
    // A tldraw frame holds its notes; a template zone only lies under them: its notes are named.
    return zone.frame ? { kind: 'frame', frameId: zone.id } : zoneNotes.length ? { kind: 'selection', ids: zoneNotes.slice(0, VOTE_OPTIONS_MAX) } : null
  }
  const submit = async () => {
    const chosen = scope()
    if (!chosen || count === 0) return setProblem(t('vote.open.noNotes'))
    setBusy(true)
    const outcome = await workshop.run({ type: 'vote.open', title: title.trim() || t('vote.open.defaultName'), scope: chosen, dotsPerPerson: dots, onePerNote, anonymous })
    setBusy(false)
    const failure = outcomeText(outcome, t)
    setProblem(failure)
    if (!failure) onClose()
  }
  const alreadyOpen = workshop.$vote.get()?.status === 'open'
  return (
    <Dialog title={t('vote.open.title')} onClose={onClose} testId="vote-open-dialog">
      <form
        className="fab-workshop-form"
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <label className="fab-field">
          {t('vote.open.name')}
          <input value={title} maxLength={VOTE_TITLE_MAX} onChange={(e) => setTitle(e.target.value)} data-testid="vote-title" required />
        </label>
        <fieldset className="fab-fieldset">
          <legend>{t('vote.open.scope')}</legend>
          <label className="fab-radio">
            <input type="radio" name="scope" checked={choice === 'board'} onChange={() => setChoice('board')} data-testid="vote-scope-board" />
            <span>
              {t('vote.open.scope.board')} <span className="fab-muted">({plural('vote.notes', boardNotes.length)})</span>
            </span>
          </label>
          <label className="fab-radio">
            <input type="radio" name="scope" checked={choice === 'frame'} onChange={() => setChoice('frame')} disabled={zones.length === 0} data-testid="vote-scope-frame" />
            <span>{t('vote.open.scope.frame')}</span>
          </label>
          {choice === 'frame' && (
            <label className="fab-field fab-radio__sub">
              {t('vote.open.frame')}
              <select value={zoneId} onChange={(e) => setZoneId(e.target.value)} data-testid="vote-frame">
                {zones.map((z, i) => (
                  <option key={z.id} value={z.id}>
                    {z.name || t('agenda.stepNumber', { n: i + 1 })} ({plural('vote.notes', notesInZone(editor, z).length)})
                  </option>
                ))}
              </select>
            </label>
          )}
          {zones.length === 0 && <span className="fab-muted fab-radio__sub">{t('vote.open.noFrame')}</span>}
          <label className="fab-radio">
            <input type="radio" name="scope" checked={choice === 'selection'} onChange={() => setChoice('selection')} disabled={selection.length === 0} data-testid="vote-scope-selection" />
            <span>
              {t('vote.open.scope.selection')} {selection.length > 0 ? <span className="fab-muted">({plural('vote.notes', selection.length)})</span> : <span className="fab-muted">— {t('vote.open.scope.noSelection')}</span>}
            </span>
          </label>
        </fieldset>
        <div className="fab-form-row">
          <label className="fab-field">
            {t('vote.open.dots')}
            <input type="number" min={1} max={VOTE_DOTS_MAX} value={dots} onChange={(e) => setDots(Math.max(1, Math.min(VOTE_DOTS_MAX, Math.round(Number(e.target.value) || 1))))} data-testid="vote-dots" />
          </label>
        </div>
        <label className="fab-check">
          <input type="checkbox" checked={onePerNote} onChange={(e) => setOnePerNote(e.target.checked)} data-testid="vote-one-per-note" />
          {t('vote.open.onePerNote')}
        </label>
        <label className="fab-check">
          <input type="checkbox" checked={anonymous} onChange={(e) => setAnonymous(e.target.checked)} data-testid="vote-anonymous" />
          {t('vote.open.anonymous')}
        </label>
        {alreadyOpen && <p className="fab-workshop-problem">{t('vote.open.alreadyOpen')}</p>}
        {problem && (
          <p role="alert" className="fab-workshop-problem">
            {problem}
          </p>
        )}
        <div className="fab-dialog__actions">
          <button type="button" className="fab-button" onClick={onClose}>
            {t('workshop.cancel')}
          </button>
          <button type="submit" className="fab-button fab-button--primary" disabled={busy || count === 0 || alreadyOpen} data-testid="vote-open-submit">
            {t('vote.open.submit')} ({plural('vote.notes', count)})
          </button>
        </div>
      </form>
    </Dialog>
  )
}
