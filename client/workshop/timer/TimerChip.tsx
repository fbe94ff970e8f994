import { useValue } from 'tldraw'
import { formatRemaining, timerEnded, timerRemaining } from '../../../shared/workshop/timer'
import { useI18n } from '../../i18n/I18nProvider'
import type { Workshop } from '../Workshop'
import { WorkshopIcon } from '../WorkshopIcon'
import { MuteButton, TimerControls } from './TimerControls'
import { useServerNow } from './useServerNow'

/**
 * The timer as everyone sees it under the board bar: the time left (the server's deadline less
 * this device's clock offset, so every screen agrees), red and pulsing with « Temps écoulé » at
 * the end; the facilitator's controls beside it; a button to show it large.
 */
export function TimerChip({ workshop, embedded = false }: { workshop: Workshop; embedded?: boolean }) {
  const { t } = useI18n()
  const timer = useValue('fabrique timer', () => workshop.$timer.get(), [workshop])
  const now = useServerNow(workshop, timer?.status === 'running')
  if (!timer) return null
  const remaining = timerRemaining(timer, now)
  const ended = timerEnded(timer, now)
  const state = ended ? 'ended' : timer.status
  const time = formatRemaining(remaining)
  return (
    <div className={`fab-timer fab-timer--${state}${embedded ? ' fab-timer--embedded' : ''}`} data-testid="timer" data-state={state} data-remaining-ms={Math.round(remaining)}>
      <WorkshopIcon name="timer" size={16} />
      {timer.label && !embedded && <span className="fab-timer__label">{timer.label}</span>}
      <span className="fab-timer__time" data-testid="timer-time" role="timer" aria-label={t('timer.remaining', { time })}>
        {time}
      </span>
      {ended && (
        <span className="fab-timer__ended" role="status">
          {t('timer.ended')}
        </span>
      )}
      {timer.status === 'paused' && <span className="fab-timer__paused">{t('timer.paused')}</span>}
      {workshop.isFacilitator && <TimerControls workshop={workshop} timer={timer} />}
      <button type="button" className="fab-icon-button" data-testid="timer-big" title={t('timer.big')} aria-label={t('timer.big')} onClick={() => workshop.$bigTimer.set(true)}>
        <WorkshopIcon name="expand" size={16} />
      </button>
      <MuteButton workshop={workshop} />
    </div>
  )
}
