import type { StoredRecord } from '../boardDoc'

/**
 * A private writing round (`session.privateRound`): while open, what each participant creates
 * is kept by the server outside the document and sent to its author only; on reveal the
 * server writes all of it into the board at once, attributed, where each author put it.
 */
export interface PrivateRoundState {
  id: string
  status: 'open' | 'revealed'
  /** What the facilitator asked (shown to everyone), may be empty. */
  prompt: string
  by: string
  openedAt: string
  /** How many people have written, and how many shapes in all (counts only). */
  writers: number
  shapes: number
  revealedAt?: string
  /** Once revealed: who wrote (identity → name and colour), to show authors on the board. */
  authors?: Record<string, { name: string; color: string }>
}

export const PRIVATE_PROMPT_MAX = 200
/** Records one person may keep in one round. */
export const PRIVATE_RECORDS_MAX = 500
/** Records in one `private.put`. */
export const PRIVATE_PUT_MAX = 200

/** Key of a revealed shape's `meta` naming the round it was written in (set by the server at the reveal). */
export const PRIVATE_ROUND_META = 'privateRound'

/** Private records one person holds in a round, by id. */
export type PrivateRecords = Record<string, StoredRecord>
