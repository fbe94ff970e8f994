import type * as Y from 'yjs'
import { getSessionMap } from './boardDoc'

/**
 * Live workshop state kept in the board document's `session` map. Only the server writes it
 * (from facilitators' commands); every client reads it and follows.
 */
export const BoardSessionKey = {
  /** {@link EditingState}: who may change what on the board right now. */
  editing: 'editing',
  /** {@link RemovedPeople}: identities a facilitator removed from this board. */
  removed: 'removed',
  /** The workshop timer (`shared/workshop/timer.ts`). */
  timer: 'timer',
  /** The vote in progress (`shared/workshop/votes.ts`); revealed ones are also kept under `votes/<id>`. */
  vote: 'vote',
  /** The agenda (`shared/workshop/agenda.ts`). */
  agenda: 'agenda',
  /** "Follow me" (`shared/workshop/follow.ts`). */
  follow: 'follow',
  /** The private writing round (`shared/workshop/privateRound.ts`). */
  privateRound: 'privateRound',
} as const

/**
 * What participants may do on the board (facilitators may always do everything):
 * - `open`: write anywhere outside locked shapes; delete only their own shapes;
 * - `own`: change and delete only their own shapes (they can still add new ones);
 * - `frozen`: nothing — the board is read-only for them (a talk, or after the workshop).
 */
export const EDITING_MODES = ['open', 'own', 'frozen'] as const
export type EditingMode = (typeof EDITING_MODES)[number]

export function isEditingMode(value: unknown): value is EditingMode {
  return typeof value === 'string' && (EDITING_MODES as readonly string[]).includes(value)
}

export interface EditingState {
  mode: EditingMode
  /** Identity of the facilitator who set it, and when (ISO time). */
  by: string
  at: string
}

/** Identity id → who removed them and when; they are refused on this board until readmitted. */
export type RemovedPeople = Record<string, { name: string; by: string; at: string }>

/** The editing mode an `editing` session value holds (`open` when absent or unreadable). */
export function editingModeOf(value: unknown): EditingMode {
  const mode = (value as Partial<EditingState> | null | undefined)?.mode
  return isEditingMode(mode) ? mode : 'open'
}

/** The board's editing mode (`open` when never set or unreadable). */
export function readEditingMode(doc: Y.Doc): EditingMode {
  return editingModeOf(getSessionMap(doc).get(BoardSessionKey.editing))
}

/** The identities removed from the board. */
export function readRemovedPeople(doc: Y.Doc): RemovedPeople {
  const value = getSessionMap(doc).get(BoardSessionKey.removed)
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as RemovedPeople) : {}
}
