import { useMemo, useState } from 'react'
import { useValue, type Editor } from 'tldraw'
import { AGENDA_STEP_MAX_MS, AGENDA_STEPS_MAX, AGENDA_TITLE_MAX, type AgendaStep, type AgendaTarget } from '../../../shared/workshop/agenda'
import { freeArea } from '../../board/camera/framing'
import { Dialog } from '../../components/Dialog'
import { useI18n } from '../../i18n/I18nProvider'
import { pickableZones, visiblePageBounds } from '../boardShapes'
import { outcomeText } from '../outcomeText'
import type { Workshop } from '../Workshop'
import { WorkshopIcon } from '../WorkshopIcon'

/** A step as edited: minutes as typed. */
interface DraftStep {
  id: string
  title: string
  minutes: string
  target: AgendaTarget | null
}

const newId = () => `s${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`

function toDraft(step: AgendaStep): DraftStep {
  return { id: step.id, title: step.title, minutes: step.durationMs === null ? '' : String(Math.round((step.durationMs / 60_000) * 100) / 100), target: step.target }
}

function toStep(draft: DraftStep, fallbackTitle: string): AgendaStep {
  const minutes = Number(draft.minutes.replace(',', '.'))
  const durationMs = draft.minutes.trim() && minutes > 0 ? Math.min(AGENDA_STEP_MAX_MS, Math.max(1_000, Math.round(minutes * 60_000))) : null
  return { id: draft.id, title: draft.title.trim().slice(0, AGENDA_TITLE_MAX) || fallbackTitle, durationMs, target: draft.target }
}

/**
 * The facilitator's agenda: ordered steps, each with a title, a length (its timer) and where it
 * happens on the board (a zone, or the view saved when chosen). « Présenter » goes to a step:
 * everyone is brought there and its timer starts.
 */
export function AgendaDialog({ workshop, editor, onClose }: { workshop: Workshop; editor: Editor; onClose: () => void }) {
  const { t } = useI18n()
  const agenda = useValue('fabrique agenda', () => workshop.$agenda.get(), [workshop])
  const zones = useMemo(() => pickableZones(editor), [editor])
  const [drafts, setDrafts] = useState<DraftStep[]>(() => agenda.steps.map(toDraft))
  const [dirty, setDirty] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const [saved, setSaved] = useState(false)

  const change = (next: DraftStep[]) => {
    setDrafts(next)
    setDirty(true)
    setSaved(false)
  }
  const update = (index: number, patch: Partial<DraftStep>) => change(drafts.map((d, i) => (i === index ? { ...d, ...patch } : d)))
  const move = (index: number, delta: -1 | 1) => {
    const next = [...drafts]
    const [step] = next.splice(index, 1)
    next.splice(index + delta, 0, step!)
    change(next)
  }
  const steps = () => drafts.map((d, i) => toStep(d, t('agenda.stepNumber', { n: i + 1 })))
  const save = async (): Promise<boolean> => {
    const failure = outcomeText(await workshop.run({ type: 'agenda.set', steps: steps() }), t)
    setProblem(failure)
    if (failure) return false
    setDirty(false)
    setSaved(true)
    return true
  }
  const present = async (index: number) => {
    if (dirty && !(await save())) return
    const failure = outcomeText(await workshop.run({ type: 'agenda.go', index }), t)
    setProblem(failure)
    if (!failure) onClose()
  }
  const targetValue = (target: AgendaTarget | null) => (target === null ? '' : target.kind === 'bounds' ? 'view' : target.shapeId)
  const setTarget = (index: number, value: string) => {
    if (value === '') return update(index, { target: null })
    if (value === 'view') {
      const b = visiblePageBounds(editor, freeArea(editor))
      return update(index, { target: { kind: 'bounds', x: b.x, y: b.y, w: b.w, h: b.h } })
    }
    update(index, { target: { kind: 'shape', shapeId: value } })
  }
  return (
    <Dialog title={t('agenda.title')} onClose={onClose} testId="agenda-dialog" wide>
      {drafts.length === 0 && <p>{t('agenda.empty')}</p>}
      <ol className="fab-agenda-edit">
        {drafts.map((draft, i) => (
          <li key={draft.id} className={`fab-agenda-edit__step${agenda.current === i && !dirty ? ' fab-agenda-edit__step--current' : ''}`} data-testid="agenda-step">
            <span className="fab-agenda-edit__number">{i + 1}</span>
            <label className="fab-field fab-agenda-edit__title">
              {t('agenda.stepTitle')}
              <input value={draft.title} maxLength={AGENDA_TITLE_MAX} placeholder={t('agenda.stepTitle.placeholder')} onChange={(e) => update(i, { title: e.target.value })} data-testid="agenda-step-title" />
            </label>
            <label className="fab-field fab-agenda-edit__minutes">
              {t('agenda.duration')}
              <input type="number" min={0} max={240} step="any" inputMode="decimal" value={draft.minutes} placeholder={t('agenda.duration.none')} onChange={(e) => update(i, { minutes: e.target.value })} data-testid="agenda-step-minutes" />
            </label>
            <label className="fab-field fab-agenda-edit__target">
              {t('agenda.target')}
              <select value={targetValue(draft.target)} onChange={(e) => setTarget(i, e.target.value)} data-testid="agenda-step-target">
                <option value="">{t('agenda.target.none')}</option>
                <option value="view">{draft.target?.kind === 'bounds' ? t('agenda.target.savedView') : t('agenda.target.view')}</option>
                {zones.map((z, n) => (
                  <option key={z.id} value={z.id}>
                    {z.name || t('agenda.stepNumber', { n: n + 1 })}
                  </option>
                ))}
                {draft.target?.kind === 'shape' && !zones.some((z) => z.id === (draft.target as { shapeId: string }).shapeId) && <option value={draft.target.shapeId}>{draft.target.shapeId}</option>}
              </select>
            </label>
            <span className="fab-agenda-edit__actions">
              <button type="button" className="fab-icon-button" onClick={() => move(i, -1)} disabled={i === 0} aria-label={t('agenda.up')} title={t('agenda.up')}>
                <WorkshopIcon name="up" />
              </button>
              <button type="button" className="fab-icon-button" onClick={() => move(i, 1)} disabled={i === drafts.length - 1} aria-label={t('agenda.down')} title={t('agenda.down')}>
                <WorkshopIcon name="down" />
              </button>
              <button type="button" className="fab-icon-button" onClick={() => change(drafts.filter((_, n) => n !== i))} aria-label={t('agenda.remove')} title={t('agenda.remove')} data-testid="agenda-step-remove">
                <WorkshopIcon name="trash" />
              </button>
              <button type="button" className="fab-icon-button" onClick={() => void present(i)} aria-label={t('agenda.presentFrom')} title={t('agenda.presentFrom')} data-testid="agenda-step-present">
                <WorkshopIcon name="play" />
              </button>
            </span>
          </li>
        ))}
      </ol>
      <div className="fab-dialog__actions fab-dialog__actions--split">
        <button type="button" className="fab-button" disabled={drafts.length >= AGENDA_STEPS_MAX} onClick={() => change([...drafts, { id: newId(), title: '', minutes: '5', target: null }])} data-testid="agenda-add">
          <WorkshopIcon name="plus" /> {t('agenda.add')}
        </button>
        <span className="fab-dialog__actions">
          {dirty && <span className="fab-muted">{t('agenda.unsaved')}</span>}
          {saved && !dirty && (
            <span className="fab-muted" role="status">
              {t('agenda.saved')}
            </span>
          )}
          <button type="button" className="fab-button" disabled={!dirty} onClick={() => void save()} data-testid="agenda-save">
            {t('agenda.save')}
          </button>
          <button type="button" className="fab-button fab-button--primary" disabled={drafts.length === 0} onClick={() => void present(agenda.current ?? 0)} data-testid="agenda-present">
            <WorkshopIcon name="play" /> {t('agenda.present')}
          </button>
        </span>
      </div>
      {problem && (
        <p role="alert" className="fab-workshop-problem">
          {problem}
        </p>
      )}
    </Dialog>
  )
}
