import type { VoteOptionResult } from '../../../shared/workshop/votes'
import type { Workshop } from '../Workshop'

/** Counts shown on the notes and in the ranked list. */
export interface ShownResults {
  voteId: string
  title: string
  results: VoteOptionResult[]
  voters: number
  anonymous: boolean
  revealedAt: string
  /** A past vote this person is reading again (here only), not the board's revealed vote. */
  reading: boolean
}

/**
 * Which results to show: a past vote this person chose to read again, else the board's vote
 * once revealed. Reactive (reads the workshop's atoms): call it inside `useValue`.
 */
export function shownResults(workshop: Workshop): ShownResults | null {
  const reading = workshop.$readingVote.get()
  if (reading) {
    const record = workshop.$voteRecords.get().find((r) => r.id === reading)
    if (record) return { voteId: record.id, title: record.title, results: record.results, voters: record.voters, anonymous: record.anonymous, revealedAt: record.revealedAt, reading: true }
  }
  const vote = workshop.$vote.get()
  if (vote?.status === 'revealed' && vote.results) {
    return { voteId: vote.id, title: vote.title, results: vote.results, voters: vote.voters, anonymous: vote.anonymous, revealedAt: vote.revealedAt ?? vote.openedAt, reading: false }
  }
  return null
}
