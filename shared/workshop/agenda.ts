/**
 * The workshop's agenda (`session.agenda`): ordered steps, each with a duration and a part of
 * the board. Presenting a step brings everyone to its part and starts its timer.
 */

/** Where a step takes place on the board. */
export type AgendaTarget = { kind: 'shape'; shapeId: string } | { kind: 'bounds'; x: number; y: number; w: number; h: number }

export interface AgendaStep {
  id: string
  title: string
  /** Length of the step (its timer), or null for an untimed step. */
  durationMs: number | null
  target: AgendaTarget | null
}

export interface AgendaState {
  steps: AgendaStep[]
  /** Index of the step being presented, or null when not presenting. */
  current: number | null
  /** When the current step started (ISO), if presenting. */
  startedAt: string | null
}

export const AGENDA_STEPS_MAX = 50
export const AGENDA_TITLE_MAX = 120
export const AGENDA_STEP_MAX_MS = 4 * 60 * 60_000

export const EMPTY_AGENDA: AgendaState = { steps: [], current: null, startedAt: null }
