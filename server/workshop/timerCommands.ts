import type * as Y from 'yjs'
import { getSessionMap } from '../../shared/boardDoc'
import { BoardSessionKey } from '../../shared/boardSession'
import type { WorkshopCommand } from '../../shared/workshop/commands'
import { readTimer } from '../../shared/workshop/session'
import { TIMER_MAX_MS, timerRemaining, type TimerState } from '../../shared/workshop/timer'
import type { Connection } from '../rooms/Connection'
import type { Room } from '../rooms/Room'
import { invalid, requireFacilitator } from './workshopAccess'

export type TimerCommand = Extract<WorkshopCommand, { type: 'timer.start' | 'timer.pause' | 'timer.resume' | 'timer.add' | 'timer.stop' }>

/** A timer running from `now` for `durationMs` (server time). */
export function startedTimer(durationMs: number, label: string | null, by: string, now: number): TimerState {
  return { status: 'running', endsAt: now + durationMs, durationMs, by, label }
}

/** Sets the board's timer, or removes it (null). */
export function writeTimer(doc: Y.Doc, timer: TimerState | null): void {
  if (timer) getSessionMap(doc).set(BoardSessionKey.timer, timer)
  else getSessionMap(doc).delete(BoardSessionKey.timer)
}

/**
 * What a timer command makes of `timer` at server time `now` (null: no timer), or why it
 * cannot be done. Adding or taking time never leaves less than 0 nor more than
 * {@link TIMER_MAX_MS}; adding to a timer that has rung starts it again with what was added.
 */
export function nextTimer(command: TimerCommand, timer: TimerState | null, now: number, by: string): { timer: TimerState | null } | { problem: string } {
  switch (command.type) {
    case 'timer.start':
      return { timer: startedTimer(command.durationMs, command.label ?? null, by, now) }
    case 'timer.pause':
      if (timer?.status !== 'running') return { problem: 'the timer is not running' }
      return { timer: { status: 'paused', remainingMs: timerRemaining(timer, now), durationMs: timer.durationMs, by, label: timer.label } }
    case 'timer.resume':
      if (timer?.status !== 'paused') return { problem: 'the timer is not paused' }
      return { timer: { ...startedTimer(timer.remainingMs, timer.label, by, now), durationMs: timer.durationMs } }
    case 'timer.add': {
      if (!timer) return { problem: 'there is no timer to add time to' }
      const remaining = Math.max(0, timerRemaining(timer, now) + command.ms)
      if (remaining > TIMER_MAX_MS) return { problem: `a timer runs at most ${TIMER_MAX_MS / 3_600_000} h` }
      // The length grows and shrinks with what is added, never below what is left (a progress ring stays within 100 %).
      const durationMs = Math.min(TIMER_MAX_MS, Math.max(remaining, timer.durationMs + command.ms))
      return {
        timer:
          timer.status === 'running'
            ? { status: 'running', endsAt: now + remaining, durationMs, by, label: timer.label }
            : { status: 'paused', remainingMs: remaining, durationMs, by, label: timer.label },
      }
    }
    case 'timer.stop':
      return timer ? { timer: null } : { problem: 'there is no timer to stop' }
  }
}

/** Carries out a timer command (facilitators only): the timer is written into the board's session. */
export async function runTimerCommand(room: Room, connection: Connection, command: TimerCommand, now: number): Promise<void> {
  requireFacilitator(connection, 'run the timer')
  const next = nextTimer(command, readTimer(room.doc), now, connection.identity.id)
  if ('problem' in next) throw invalid(next.problem)
  await room.transact((doc) => writeTimer(doc, next.timer))
}
