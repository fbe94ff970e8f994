import { useState } from 'react'
import { useValue } from 'tldraw'
import type { TimerState } from '../../../shared/workshop/timer'
import { useI18n } from '../../i18n/I18nProvider'
import { outcomeText } from '../outcomeText'
import type { Workshop } from '../Workshop'
import { WorkshopIcon } from '../WorkshopIcon'
import { setTimerMuted, timerMuted } from './timerSound'

/** The facilitator's buttons on a running or paused timer: pause / resume, +1 min, stop. */
export function TimerControls({ workshop, timer, large = false }: { workshop: Workshop; timer: TimerState; large?: boolean }) {
  const { t } = useI18n()
  const [problem, setProblem] = useState<string | null>(null)
  const run = async (command: Parameters<Workshop['run']>[0]) => setProblem(outcomeText(await workshop.run(command), t))
  const size = large ? 28 : 16
  return (
    <span className="fab-timer__controls">
      {timer.status === 'running' ? (
        <button type="button" className="fab-icon-button" data-testid="timer-pause" title={t('timer.pause')} aria-label={t('timer.pause')} onClick={() => void run({ type: 'timer.pause' })}>
          <WorkshopIcon name="pause" size={size} />
        </button>
      ) : (
        <button type="button" className="fab-icon-button" data-testid="timer-resume" title={t('timer.resume')} aria-label={t('timer.resume')} onClick={() => void run({ type: 'timer.resume' })}>
          <WorkshopIcon name="play" size={size} />
        </button>
      )}
      <button type="button" className="fab-icon-button fab-icon-button--text" data-testid="timer-add" title={t('timer.addMinute.label')} aria-label={t('timer.addMinute.label')} onClick={() => void run({ type: 'timer.add', ms: 60_000 })}>
        {t('timer.addMinute')}
      </button>
      <button type="button" className="fab-icon-button" data-testid="timer-stop" title={t('timer.stop')} aria-label={t('timer.stop')} onClick={() => void run({ type: 'timer.stop' })}>
        <WorkshopIcon name="stop" size={size} />
      </button>
      {problem && (
        <span role="alert" className="fab-workshop-problem">
          {problem}
        </span>
      )}
    </span>
  )
}

/** Mutes or unmutes the timer's end on this device (remembered). */
export function MuteButton({ workshop, size = 16 }: { workshop: Workshop; size?: number }) {
  const { t } = useI18n()
  const muted = useValue('fabrique timer muted', () => timerMuted(workshop.role === 'participant').get(), [workshop])
  return (
    <button
      type="button"
      className="fab-icon-button"
      data-testid="timer-mute"
      aria-pressed={muted}
      title={muted ? t('timer.unmute') : t('timer.mute')}
      aria-label={muted ? t('timer.unmute') : t('timer.mute')}
      onClick={() => setTimerMuted(!muted)}
    >
      <WorkshopIcon name={muted ? 'mute' : 'sound'} size={size} />
    </button>
  )
}
