import { useState, type ReactNode } from 'react'
import { useValue } from 'tldraw'
import { useI18n } from '../../i18n/I18nProvider'
import { outcomeText } from '../outcomeText'
import type { Workshop } from '../Workshop'
import { WorkshopIcon } from '../WorkshopIcon'

/**
 * While presenting: the current step and what comes next, for everyone (one compact line that
 * fits a phone); the facilitator steps back and forth or stops.
 */
export function AgendaStrip({ workshop, children }: { workshop: Workshop; children?: ReactNode }) {
  const { t } = useI18n()
  const agenda = useValue('fabrique agenda', () => workshop.$agenda.get(), [workshop])
  const [problem, setProblem] = useState<string | null>(null)
  const current = agenda.current
  if (current === null || !agenda.steps[current]) return null
  const step = agenda.steps[current]!
  const next = agenda.steps[current + 1]
  const go = async (index: number | null) => setProblem(outcomeText(await workshop.run({ type: 'agenda.go', index }), t))
  return (
    <div className="fab-strip-row fab-agenda-strip" data-testid="agenda-strip" data-current={current}>
      <WorkshopIcon name="agenda" size={16} />
      <span className="fab-agenda-strip__position">{t('agenda.step', { n: current + 1, total: agenda.steps.length })}</span>
      <strong className="fab-agenda-strip__title" data-testid="agenda-current">
        {step.title}
      </strong>
      {children}
      <span className="fab-agenda-strip__next" data-testid="agenda-next">
        {next ? t('agenda.then', { title: next.title }) : t('agenda.last')}
      </span>
      {workshop.isFacilitator && (
        <span className="fab-strip-row__actions">
          <button type="button" className="fab-icon-button" disabled={current === 0} onClick={() => void go(current - 1)} aria-label={t('agenda.previous')} title={t('agenda.previous')} data-testid="agenda-previous">
            <WorkshopIcon name="prev" size={16} />
          </button>
          <button type="button" className="fab-icon-button" disabled={!next} onClick={() => void go(current + 1)} aria-label={t('agenda.next')} title={t('agenda.next')} data-testid="agenda-next-step">
            <WorkshopIcon name="next" size={16} />
          </button>
          <button type="button" className="fab-strip-button" onClick={() => void go(null)} title={t('agenda.stop')} data-testid="agenda-stop">
            {t('agenda.stop.short')}
          </button>
        </span>
      )}
      {problem && (
        <span role="alert" className="fab-workshop-problem">
          {problem}
        </span>
      )}
    </div>
  )
}
