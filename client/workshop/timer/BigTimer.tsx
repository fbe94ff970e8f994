import { useEffect, useState } from 'react'
import { createPortal } from 'react-dom'
import { useValue } from 'tldraw'
import { formatRemaining, timerEnded, timerRemaining } from '../../../shared/workshop/timer'
import { useI18n } from '../../i18n/I18nProvider'
import type { Workshop } from '../Workshop'
import { WorkshopIcon } from '../WorkshopIcon'
import { MuteButton, TimerControls } from './TimerControls'
import { useServerNow } from './useServerNow'

/**
 * The timer large enough to read from the back of a room (a projector): digits as wide as the
 * screen allows, the step it times, the end in red. Full screen on request; Escape or the
 * button makes it small again.
 */
export function BigTimer({ workshop }: { workshop: Workshop }) {
  const { t } = useI18n()
  const open = useValue('fabrique big timer', () => workshop.$bigTimer.get(), [workshop])
  const timer = useValue('fabrique timer', () => workshop.$timer.get(), [workshop])
  const now = useServerNow(workshop, open && timer?.status === 'running')
  const [fullScreen, setFullScreen] = useState(false)
  useEffect(() => {
    const onChange = () => setFullScreen(document.fullscreenElement !== null)
    document.addEventListener('fullscreenchange', onChange)
    return () => document.removeEventListener('fullscreenchange', onChange)
  }, [])
  useEffect(() => {
    if (!open) return
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && workshop.$bigTimer.set(false)
    addEventListener('keydown', onKey)
    return () => removeEventListener('keydown', onKey)
  }, [open, workshop])
  // Nothing left to show: the facilitator stopped it.
  useEffect(() => {
    if (open && !timer) workshop.$bigTimer.set(false)
  }, [open, timer, workshop])
  if (!open || !timer) return null
  const remaining = timerRemaining(timer, now)
  const ended = timerEnded(timer, now)
  const state = ended ? 'ended' : timer.status
  const toggleFullScreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => {})
    else void document.documentElement.requestFullscreen?.().catch(() => {})
  }
  return createPortal(
    <div className={`fab-big-timer fab-big-timer--${state}`} data-testid="big-timer" data-state={state} role="dialog" aria-label={t('timer.title')}>
      {timer.label && <div className="fab-big-timer__label">{timer.label}</div>}
      <div className="fab-big-timer__time" role="timer">
        {formatRemaining(remaining)}
      </div>
      <div className="fab-big-timer__state" role="status">
        {ended ? t('timer.ended') : timer.status === 'paused' ? t('timer.paused') : ''}
      </div>
      <div className="fab-big-timer__bar">
        {workshop.isFacilitator && <TimerControls workshop={workshop} timer={timer} large />}
        <MuteButton workshop={workshop} size={28} />
        {document.fullscreenEnabled && (
          <button type="button" className="fab-icon-button" onClick={toggleFullScreen} title={fullScreen ? t('timer.exitFullScreen') : t('timer.fullScreen')} aria-label={fullScreen ? t('timer.exitFullScreen') : t('timer.fullScreen')}>
            <WorkshopIcon name={fullScreen ? 'shrink' : 'expand'} size={28} />
          </button>
        )}
        <button type="button" className="fab-icon-button" data-testid="timer-small" onClick={() => workshop.$bigTimer.set(false)} title={t('timer.small')} aria-label={t('timer.small')}>
          <WorkshopIcon name="close" size={28} />
        </button>
      </div>
    </div>,
    document.body,
  )
}
