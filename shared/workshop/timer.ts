/**
 * The workshop timer, as the server keeps it in the board's `session` map. Times are the
 * server's (ms since the epoch): each client corrects them by its clock offset (see
 * `clock.ts`), so everyone sees the same remaining time.
 */
export type TimerState =
  | {
      status: 'running'
      /** Server time at which it rings. */
      endsAt: number
      /** Length it was started with (plus minutes added), for a progress ring. */
      durationMs: number
      /** Identity of the facilitator who last changed it. */
      by: string
      /** What it times (an agenda step's title), if anything. */
      label: string | null
    }
  | {
      status: 'paused'
      remainingMs: number
      durationMs: number
      by: string
      label: string | null
    }

/** Shortest and longest timer a facilitator can start. */
export const TIMER_MIN_MS = 5_000
export const TIMER_MAX_MS = 4 * 60 * 60_000
/** Largest change in one `timer.add` (either way). */
export const TIMER_ADD_MAX_MS = 60 * 60_000

/** Milliseconds left at server time `serverNow` (0 once it has rung). */
export function timerRemaining(timer: TimerState, serverNow: number): number {
  return timer.status === 'paused' ? timer.remainingMs : Math.max(0, timer.endsAt - serverNow)
}

/** Whether the timer has rung (a running timer whose end has passed). */
export function timerEnded(timer: TimerState, serverNow: number): boolean {
  return timer.status === 'running' && serverNow >= timer.endsAt
}

/** `m:ss` (or `h:mm:ss`), rounding up so that 0:00 shows only at the end. */
export function formatRemaining(ms: number): string {
  const total = Math.ceil(Math.max(0, ms) / 1000)
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  const ss = String(s).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`
}

export function isTimerState(value: unknown): value is TimerState {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  if (typeof v.durationMs !== 'number' || typeof v.by !== 'string') return false
  if (v.status === 'running') return typeof v.endsAt === 'number'
  if (v.status === 'paused') return typeof v.remainingMs === 'number'
  return false
}
