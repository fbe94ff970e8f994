import { useState } from 'react'
import { useValue } from 'tldraw'
import { formatRemaining, TIMER_MAX_MS, TIMER_MIN_MS, timerRemaining } from '../../../shared/workshop/timer'
import { Dialog } from '../../components/Dialog'
import { useI18n } from '../../i18n/I18nProvider'
import { outcomeText } from '../outcomeText'
import type { Workshop } from '../Workshop'
import { TimerControls } from './TimerControls'
import { useServerNow } from './useServerNow'

const QUICK_MINUTES = [1, 3, 5, 10, 15] as const

/** The facilitator starts a timer: a quick pick or a length of their own; or steers the one running. */
export function TimerDialog({ workshop, onClose }: { workshop: Workshop; onClose: () => void }) {
  const { t } = useI18n()
  const timer = useValue('fabrique timer', () => workshop.$timer.get(), [workshop])
  const now = useServerNow(workshop, timer?.status === 'running')
  const [custom, setCustom] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const start = async (minutes: number) => {
    const durationMs = Math.round(minutes * 60_000)
    if (!(durationMs >= TIMER_MIN_MS && durationMs <= TIMER_MAX_MS)) return setProblem(t('timer.customInvalid'))
    const outcome = await workshop.run({ type: 'timer.start', durationMs })
    const failure = outcomeText(outcome, t)
    setProblem(failure)
    if (!failure) onClose()
  }
  return (
    <Dialog title={t('timer.title')} onClose={onClose} testId="timer-dialog">
      {timer && (
        <div className="fab-timer-dialog__current">
          <span className="fab-timer-dialog__time">{formatRemaining(timerRemaining(timer, now))}</span>
          <TimerControls workshop={workshop} timer={timer} />
        </div>
      )}
      <fieldset className="fab-fieldset">
        <legend>{t('timer.quick')}</legend>
        <div className="fab-quick-picks">
          {QUICK_MINUTES.map((m) => (
            <button key={m} type="button" className="fab-button" data-testid={`timer-quick-${m}`} onClick={() => void start(m)}>
              {t('timer.quickPick', { n: m })}
            </button>
          ))}
        </div>
      </fieldset>
      <form
        className="fab-form-row"
        onSubmit={(e) => {
          e.preventDefault()
          void start(Number(custom.replace(',', '.')))
        }}
      >
        <label className="fab-field fab-grow">
          {t('timer.custom')}
          <input type="number" inputMode="decimal" min={0.1} max={240} step="any" value={custom} onChange={(e) => setCustom(e.target.value)} data-testid="timer-custom" />
        </label>
        <button type="submit" className="fab-button fab-button--primary" disabled={!custom} data-testid="timer-start">
          {t('timer.start')}
        </button>
      </form>
      {problem && (
        <p role="alert" className="fab-workshop-problem">
          {problem}
        </p>
      )}
    </Dialog>
  )
}
