/**
 * Dot voting. The vote itself (title, options, rules, how many have voted) is public, in the
 * board's `session` map; **ballots are not**: the server keeps them out of the document and
 * sends each voter only their own, until the facilitator reveals the counts.
 */

/** Which notes a vote is on, as the facilitator chose them. */
export type VoteScope = { kind: 'board' } | { kind: 'frame'; frameId: string } | { kind: 'selection'; ids: string[] }

export interface VoteSettings {
  title: string
  /** Dots each person places. */
  dotsPerPerson: number
  /** At most one dot per note and person. */
  onePerNote: boolean
  /** Named: after the reveal, everyone sees who put dots where. */
  anonymous: boolean
}

export const VOTE_TITLE_MAX = 120
export const VOTE_DOTS_MAX = 20
/** Notes a vote may be on. */
export const VOTE_OPTIONS_MAX = 500

/** One note's result. */
export interface VoteOptionResult {
  noteId: string
  /** The note's text when the vote was revealed (notes may change or go later). */
  text: string
  count: number
  /** Who put dots on it (named votes only), with how many each. */
  voters?: { id: string; name: string; dots: number }[]
}

/** The vote in progress (`session.vote`), open or revealed. */
export interface ActiveVote extends VoteSettings {
  id: string
  status: 'open' | 'revealed'
  /** Note ids people may vote on, fixed when it opened. */
  options: string[]
  /** Identity of the facilitator who opened it, and when (ISO). */
  by: string
  openedAt: string
  /** People who placed at least one dot (a count only: who and where stay secret). */
  voters: number
  /** Once revealed: every option with its count, ranked (most dots first). */
  results?: VoteOptionResult[]
  revealedAt?: string
}

/** A revealed vote kept on the board as a record (`session["votes/<id>"]`). */
export interface VoteRecord extends VoteSettings {
  id: string
  by: string
  openedAt: string
  revealedAt: string
  voters: number
  results: VoteOptionResult[]
}

/** Session key of a kept vote record. */
export const voteRecordKey = (voteId: string) => `votes/${voteId}`
export const VOTE_RECORD_PREFIX = 'votes/'

/** One person's dots: note id → dots on it. */
export type Ballot = Record<string, number>

export function dotsUsed(ballot: Ballot): number {
  let n = 0
  for (const k in ballot) n += ballot[k]!
  return n
}

/** Why placing one more dot on `noteId` is not allowed, or null when it is. */
export function castProblem(vote: Pick<ActiveVote, 'status' | 'options' | 'dotsPerPerson' | 'onePerNote'>, ballot: Ballot, noteId: string): string | null {
  if (vote.status !== 'open') return 'the vote is closed'
  if (!vote.options.includes(noteId)) return 'this note is not part of the vote'
  if (dotsUsed(ballot) >= vote.dotsPerPerson) return `no dots left (${vote.dotsPerPerson} each)`
  if (vote.onePerNote && (ballot[noteId] ?? 0) >= 1) return 'one dot per note'
  return null
}

/** Ranks results: most dots first, then in the order of the options. */
export function rankResults(options: readonly string[], counts: ReadonlyMap<string, number>, text: (noteId: string) => string): VoteOptionResult[] {
  return options
    .map((noteId, order) => ({ noteId, text: text(noteId), count: counts.get(noteId) ?? 0, order }))
    .sort((a, b) => b.count - a.count || a.order - b.order)
    .map(({ order: _order, ...result }) => result)
}
