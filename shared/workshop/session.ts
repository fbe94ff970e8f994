import type * as Y from 'yjs'
import { getSessionMap } from '../boardDoc'
import { BoardSessionKey } from '../boardSession'
import { EMPTY_AGENDA, type AgendaState } from './agenda'
import type { FollowState } from './follow'
import type { PrivateRoundState } from './privateRound'
import { isTimerState, type TimerState } from './timer'
import { VOTE_RECORD_PREFIX, type ActiveVote, type VoteRecord } from './votes'

/**
 * Readers of the workshop state the server writes into a board's `session` map. Both sides
 * use them: the server to carry out commands, clients to show the state. A value that is
 * missing or unreadable reads as "nothing going on".
 */

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

export function readTimer(doc: Y.Doc): TimerState | null {
  const value = getSessionMap(doc).get(BoardSessionKey.timer)
  return isTimerState(value) ? value : null
}

export function readVote(doc: Y.Doc): ActiveVote | null {
  const value = getSessionMap(doc).get(BoardSessionKey.vote)
  return isObject(value) && typeof value.id === 'string' && Array.isArray(value.options) ? (value as unknown as ActiveVote) : null
}

/** Revealed votes kept on the board, newest first. */
export function readVoteRecords(doc: Y.Doc): VoteRecord[] {
  const records: VoteRecord[] = []
  getSessionMap(doc).forEach((value, key) => {
    if (key.startsWith(VOTE_RECORD_PREFIX) && isObject(value) && Array.isArray(value.results)) records.push(value as unknown as VoteRecord)
  })
  return records.sort((a, b) => b.revealedAt.localeCompare(a.revealedAt))
}

export function readAgenda(doc: Y.Doc): AgendaState {
  const value = getSessionMap(doc).get(BoardSessionKey.agenda)
  return isObject(value) && Array.isArray(value.steps) ? (value as unknown as AgendaState) : EMPTY_AGENDA
}

export function readFollow(doc: Y.Doc): FollowState | null {
  const value = getSessionMap(doc).get(BoardSessionKey.follow)
  return isObject(value) && typeof value.leaderId === 'string' ? (value as unknown as FollowState) : null
}

export function readPrivateRound(doc: Y.Doc): PrivateRoundState | null {
  const value = getSessionMap(doc).get(BoardSessionKey.privateRound)
  return isObject(value) && typeof value.id === 'string' && (value.status === 'open' || value.status === 'revealed') ? (value as unknown as PrivateRoundState) : null
}
