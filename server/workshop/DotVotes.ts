import { getRecordsMap, getSessionMap } from '../../shared/boardDoc'
import { BoardSessionKey } from '../../shared/boardSession'
import { CommandErrorCode } from '../../shared/commands'
import type { WorkshopCommand } from '../../shared/workshop/commands'
import { readVote } from '../../shared/workshop/session'
import { castProblem, dotsUsed, rankResults, voteRecordKey, type ActiveVote, type Ballot, type VoteRecord } from '../../shared/workshop/votes'
import { generateId } from '../access/tokens'
import type { Storage } from '../persistence/Storage'
import type { Connection } from '../rooms/Connection'
import type { Room } from '../rooms/Room'
import { CommandError } from '../rooms/RoomHooks'
import { noteText } from './noteText'
import { voteOptions } from './voteOptions'
import { invalid, isoNow, peopleNamed, requireFacilitator, sendToIdentity } from './workshopAccess'

export type VoteCommand = Extract<WorkshopCommand, { type: `vote.${string}` }>

/** Where ballots are kept, out of the document: `ballot/<voteId>/<identityId>`. */
export const BALLOT_PREFIX = 'ballot/'
const ballotPrefix = (voteId: string) => `${BALLOT_PREFIX}${voteId}/`
const ballotKey = (voteId: string, identityId: string) => `${ballotPrefix(voteId)}${identityId}`

function isBallot(value: unknown): value is Ballot {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  return Object.values(value).every((n) => Number.isSafeInteger(n) && (n as number) > 0)
}

/**
 * Dot voting on one board. The vote (title, options, rules, how many have voted) is public in
 * the board's session; ballots are not: they are kept in storage, never in the document, and
 * each is sent only to the connections of its own voter, until a facilitator reveals the
 * counts. One identity is one ballot, whatever its tabs and devices.
 *
 * Order of writes, so that a crash at any point leaves nothing secret behind for long: a
 * ballot is stored before its voter is answered; a reveal writes the results (and the kept
 * record) in one transaction, then deletes the ballots; on load, ballots of a vote that is no
 * longer open are deleted.
 */
export class DotVotes {
  /** The open vote's ballots that hold at least one dot, by identity (what storage holds). */
  private readonly ballots = new Map<string, Ballot>()
  /** Set while a write of the voter count is queued (see {@link updateVoters}). */
  private votersWrite: Promise<void> | null = null

  constructor(
    private readonly room: Room,
    private readonly storage: Storage,
  ) {}

  /** Reads the open vote's ballots; deletes those of votes revealed, cancelled or replaced (a crash came between). */
  async load(): Promise<void> {
    const vote = readVote(this.room.doc)
    const open = vote?.status === 'open' ? vote : null
    const stale: string[] = []
    for (const { key, value } of await this.storage.listBoardSecrets(this.room.boardId, BALLOT_PREFIX)) {
      if (open && key.startsWith(ballotPrefix(open.id)) && isBallot(value) && dotsUsed(value) > 0) this.ballots.set(key.slice(ballotPrefix(open.id).length), value)
      else stale.push(key)
    }
    if (stale.length > 0) {
      await this.storage.putBoardSecrets(
        this.room.boardId,
        stale.map((key) => ({ key, value: null })),
      )
      this.room.logger.info('ballots of a closed vote deleted on load', { count: stale.length })
    }
    if (open && open.voters !== this.ballots.size) await this.updateVoters()
  }

  /**
   * Reads the open vote's ballots again from storage: with several instances on one board,
   * voters on the others cast too (storage is what they share). Before each cast, count and
   * reveal.
   */
  private async refresh(voteId: string): Promise<void> {
    const fresh = new Map<string, Ballot>()
    for (const { key, value } of await this.storage.listBoardSecrets(this.room.boardId, ballotPrefix(voteId))) {
      if (isBallot(value) && dotsUsed(value) > 0) fresh.set(key.slice(ballotPrefix(voteId).length), value)
    }
    this.ballots.clear()
    for (const [voter, ballot] of fresh) this.ballots.set(voter, ballot)
  }

  /** Sends a connection that said hello its own dots in the open vote, if it placed any. */
  sendOwnBallot(connection: Connection): void {
    const vote = this.openVote()
    const ballot = vote && this.ballots.get(connection.identity.id)
    if (vote && ballot) connection.sendEvent({ type: 'ballot', voteId: vote.id, dots: ballot })
  }

  async run(connection: Connection, command: VoteCommand): Promise<void> {
    switch (command.type) {
      case 'vote.open':
        return this.open(connection, command)
      case 'vote.cast':
      case 'vote.uncast':
        return this.cast(connection, command)
      case 'vote.reveal':
        return this.reveal(connection, command.voteId)
      case 'vote.cancel':
        return this.cancel(connection, command.voteId)
      case 'vote.dismiss':
        return this.dismiss(connection, command.voteId)
    }
  }

  private openVote(voteId?: string): ActiveVote | null {
    const vote = readVote(this.room.doc)
    return vote?.status === 'open' && (voteId === undefined || vote.id === voteId) ? vote : null
  }

  private async open(connection: Connection, command: Extract<VoteCommand, { type: 'vote.open' }>): Promise<void> {
    requireFacilitator(connection, 'open a vote')
    if (this.openVote()) throw invalid('a vote is already open: reveal or cancel it first')
    const found = voteOptions(this.room.doc, command.scope)
    if ('problem' in found) throw invalid(found.problem)
    const { title, dotsPerPerson, onePerNote, anonymous } = command
    const vote: ActiveVote = {
      id: generateId(),
      status: 'open',
      title,
      dotsPerPerson,
      onePerNote,
      anonymous,
      options: found.options,
      by: connection.identity.id,
      openedAt: isoNow(),
      voters: 0,
    }
    await this.room.transact((doc) => getSessionMap(doc).set(BoardSessionKey.vote, vote))
    this.ballots.clear()
    this.room.logger.info('vote opened', { voteId: vote.id, options: vote.options.length, by: connection.identity.id })
  }

  private async cast(connection: Connection, command: Extract<VoteCommand, { type: 'vote.cast' | 'vote.uncast' }>): Promise<void> {
    if (!connection.canWrite) throw new CommandError(CommandErrorCode.forbidden, 'viewers do not vote')
    // A connection without identity is someone new at each reconnection: it would vote again and again.
    if (connection.identity.ephemeral) throw new CommandError(CommandErrorCode.forbidden, 'only a person with a name on this board can vote (open the board from its invitation link)')
    const vote = this.openVote(command.voteId)
    if (!vote) throw invalid('this vote is not open')
    const voter = connection.identity.id
    await this.refresh(vote.id)
    const ballot = this.ballots.get(voter) ?? {}
    const next: Ballot = { ...ballot }
    if (command.type === 'vote.cast') {
      const problem = castProblem(vote, ballot, command.noteId)
      if (problem) throw invalid(problem)
      next[command.noteId] = (ballot[command.noteId] ?? 0) + 1
    } else {
      const dots = ballot[command.noteId] ?? 0
      if (dots === 0) throw invalid('you have no dot on this note')
      if (dots === 1) delete next[command.noteId]
      else next[command.noteId] = dots - 1
    }
    const empty = dotsUsed(next) === 0
    // Durable before anyone is answered; a failure answers `failed` with nothing changed.
    await this.storage.putBoardSecrets(this.room.boardId, [{ key: ballotKey(vote.id, voter), value: empty ? null : next }])
    if (empty) this.ballots.delete(voter)
    else this.ballots.set(voter, next)
    sendToIdentity(this.room, voter, { type: 'ballot', voteId: vote.id, dots: next })
    if (this.ballots.size !== vote.voters) await this.updateVoters()
  }

  /**
   * Writes how many people have voted into the open vote. Computed when the write is applied,
   * from the ballots then, so that writes queued close together settle on the last count.
   */
  private updateVoters(): Promise<void> {
    this.votersWrite ??= this.room
      .transact((doc) => {
        this.votersWrite = null
        const vote = readVote(doc)
        if (vote?.status === 'open' && vote.voters !== this.ballots.size) getSessionMap(doc).set(BoardSessionKey.vote, { ...vote, voters: this.ballots.size })
      })
      .catch((err) => {
        this.votersWrite = null
        // The count is shown, not relied upon: the ballots are safe in storage; load counts again.
        this.room.logger.error('writing the number of voters failed', { err })
      })
    return this.votersWrite
  }

  private async reveal(connection: Connection, voteId: string): Promise<void> {
    requireFacilitator(connection, 'reveal a vote')
    const vote = this.openVote(voteId)
    if (!vote) throw invalid('this vote is not open')
    await this.refresh(vote.id)
    const counts = new Map<string, number>()
    const byNote = new Map<string, { id: string; dots: number }[]>()
    for (const [identityId, ballot] of this.ballots) {
      for (const [noteId, dots] of Object.entries(ballot)) {
        if (!vote.options.includes(noteId)) continue
        counts.set(noteId, (counts.get(noteId) ?? 0) + dots)
        byNote.set(noteId, [...(byNote.get(noteId) ?? []), { id: identityId, dots }])
      }
    }
    const names = vote.anonymous ? new Map<string, { name: string }>() : await peopleNamed(this.room, this.storage, this.ballots.keys())
    const records = getRecordsMap(this.room.doc)
    const results = rankResults(vote.options, counts, (noteId) => noteText(records.get(noteId))).map((result) => {
      if (vote.anonymous) return result
      const voters = (byNote.get(result.noteId) ?? []).map((v) => ({ id: v.id, name: names.get(v.id)?.name ?? '', dots: v.dots }))
      voters.sort((a, b) => b.dots - a.dots || a.name.localeCompare(b.name))
      return { ...result, voters }
    })
    const revealedAt = isoNow()
    const voters = this.ballots.size
    const { id, title, dotsPerPerson, onePerNote, anonymous, by, openedAt } = vote
    const kept: VoteRecord = { id, title, dotsPerPerson, onePerNote, anonymous, by, openedAt, revealedAt, voters, results }
    // The counts on the notes and the record kept on the board appear together.
    await this.room.transact((doc) => {
      getSessionMap(doc).set(BoardSessionKey.vote, { ...vote, status: 'revealed', voters, results, revealedAt } satisfies ActiveVote)
      getSessionMap(doc).set(voteRecordKey(vote.id), kept)
    })
    this.room.logger.info('vote revealed', { voteId: vote.id, voters, by: connection.identity.id })
    await this.dropBallots(vote.id)
  }

  private async cancel(connection: Connection, voteId: string): Promise<void> {
    requireFacilitator(connection, 'cancel a vote')
    if (!this.openVote(voteId)) throw invalid('this vote is not open')
    await this.room.transact((doc) => getSessionMap(doc).delete(BoardSessionKey.vote))
    this.room.logger.info('vote cancelled', { voteId, by: connection.identity.id })
    await this.dropBallots(voteId)
  }

  private async dismiss(connection: Connection, voteId: string): Promise<void> {
    requireFacilitator(connection, 'take a vote’s results off the board')
    const vote = readVote(this.room.doc)
    if (vote?.id !== voteId || vote.status !== 'revealed') throw invalid('this vote is not showing its results')
    await this.room.transact((doc) => getSessionMap(doc).delete(BoardSessionKey.vote))
  }

  /**
   * Deletes a closed vote's ballots. The vote is already closed in the document: if this
   * fails, the next load deletes them (they are never sent to anyone meanwhile).
   */
  private async dropBallots(voteId: string): Promise<void> {
    this.ballots.clear()
    try {
      await this.storage.deleteBoardSecrets(this.room.boardId, ballotPrefix(voteId))
    } catch (err) {
      this.room.logger.error('deleting the ballots of a closed vote failed: they go at the next load', { voteId, err })
    }
  }
}
