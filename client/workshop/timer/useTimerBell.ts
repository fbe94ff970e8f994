import { useEffect } from 'react'
import { useValue } from 'tldraw'
import type { Workshop } from '../Workshop'
import { playEndTone, timerMuted, unlockAudioOnGesture } from './timerSound'

/** An end that happened longer ago than this (a board opened late) is not rung. */
const LATE_MS = 3_000

/** Rings the timer's end on this device (unless muted): once per deadline. */
export function useTimerBell(workshop: Workshop): void {
  const timer = useValue('fabrique timer', () => workshop.$timer.get(), [workshop])
  useEffect(() => unlockAudioOnGesture(), [])
  const endsAt = timer?.status === 'running' ? timer.endsAt : null
  useEffect(() => {
    if (endsAt === null) return
    const wait = endsAt - workshop.clock.now()
    if (wait < -LATE_MS) return
    const ring = setTimeout(
      () => {
        // The deadline may have moved meanwhile (a minute added): this effect is then gone.
        if (!timerMuted(workshop.role === 'participant').get()) playEndTone()
      },
      Math.max(0, wait),
    )
    return () => clearTimeout(ring)
  }, [endsAt, workshop])
}
