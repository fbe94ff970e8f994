import { atom, type Atom, type TLStore } from 'tldraw'
import type { WebsocketProvider } from 'y-websocket'
import type * as Y from 'yjs'
import { getSessionMap } from '../../shared/boardDoc'
import { BoardSessionKey } from '../../shared/boardSession'
import type { ServerEvent } from '../../shared/commands'
import type { AgendaState } from '../../shared/workshop/agenda'
import type { WorkshopCommand, WorkshopEvent } from '../../shared/workshop/commands'
import type { FollowState } from '../../shared/workshop/follow'
import type { PrivateRoundState } from '../../shared/workshop/privateRound'
import { readAgenda, readFollow, readPrivateRound, readTimer, readVote, readVoteRecords } from '../../shared/workshop/session'
import type { TimerState } from '../../shared/workshop/timer'
import { VOTE_RECORD_PREFIX, type ActiveVote, type Ballot, type VoteRecord } from '../../shared/workshop/votes'
import { canManageLab, type Role } from '../../shared/roles'
import type { BoardChannel } from '../board/BoardChannel'
import { ClockSync } from './ClockSync'
import { PrivateWriter } from './private/PrivateWriter'

/** How long after a private round's reveal its authors' names show by default on a board opened anew. */
const AUTHORS_SHOWN_MS = 15 * 60_000

/** A reaction on its way across the screens. */
export type ReactionEvent = Extract<WorkshopEvent, { type: 'reaction' }>
/** A facilitator bringing everyone somewhere. */
export type BringEvent = Extract<WorkshopEvent, { type: 'bring' }>

/** What a command came back with: null when done, else the server's reason. */
export type CommandOutcome = { ok: true } | { ok: false; code: string; message: string }

/** Which of the facilitator's panels is open (one at a time). */
export type WorkshopPanel = 'timer' | 'vote' | 'agenda' | 'private' | 'history' | null

export interface WorkshopOptions {
  doc: Y.Doc
  store: TLStore
  provider: WebsocketProvider
  channel: BoardChannel
  boardId: string
  identityId: string
  role: Role
}

/**
 * The facilitator's workshop toolkit as this client sees it: the public state the server keeps
 * in the board's `session` map (timer, vote, agenda, follow, private round) as tldraw atoms,
 * this person's own secrets (their ballot, their private notes), the server's clock, and the
 * one-off events (bring, reactions). Components read it with `useValue`.
 */
export class Workshop {
  readonly role: Role
  readonly boardId: string
  readonly identityId: string
  readonly isFacilitator: boolean
  /** May place dots, react, write (not a viewer). */
  readonly canTakePart: boolean

  readonly $timer: Atom<TimerState | null> = atom('fabrique timer', null)
  readonly $vote: Atom<ActiveVote | null> = atom('fabrique vote', null)
  readonly $voteRecords: Atom<VoteRecord[]> = atom('fabrique vote records', [])
  readonly $agenda: Atom<AgendaState> = atom('fabrique agenda', { steps: [], current: null, startedAt: null })
  readonly $follow: Atom<FollowState | null> = atom('fabrique follow', null)
  readonly $privateRound: Atom<PrivateRoundState | null> = atom('fabrique private round', null)
  /** This person's dots in the open vote (only they receive them). */
  readonly $ballot: Atom<{ voteId: string; dots: Ballot } | null> = atom('fabrique ballot', null)
  /** Reactions floating on screen now. */
  readonly $reactions: Atom<(ReactionEvent & { key: number; at: number })[]> = atom('fabrique reactions', [])

  // What this person has open, shared by the bar, the canvas layer and the dialogs.
  readonly $panel: Atom<WorkshopPanel> = atom('fabrique workshop panel', null)
  /** The timer shown large (a projector). */
  readonly $bigTimer: Atom<boolean> = atom('fabrique big timer', false)
  /** The ranked list of the revealed vote, or of a kept record being read again. */
  readonly $resultsOpen: Atom<boolean> = atom('fabrique results open', false)
  /** A kept vote being read again, here only (its counts shown on the notes). */
  readonly $readingVote: Atom<string | null> = atom('fabrique reading vote', null)
  /** The list of the vote's notes, to vote without reaching each note. */
  readonly $ballotListOpen: Atom<boolean> = atom('fabrique ballot list', false)
  /** Names of authors shown on notes revealed by a private round. */
  readonly $showAuthors: Atom<boolean> = atom('fabrique show authors', true)
  /** This person stepped out of following the leader (or, a facilitator, never stepped in). */
  readonly $followDetached: Atom<boolean> = atom('fabrique follow detached', false)
  /** A short message shown under the bar for a few seconds (someone brought you here…). */
  readonly $notice: Atom<{ text: string; key: number } | null> = atom('fabrique workshop notice', null)

  readonly clock: ClockSync
  readonly privateWriter: PrivateWriter

  private readonly doc: Y.Doc
  private readonly provider: WebsocketProvider
  private readonly channel: BoardChannel
  private readonly bringListeners = new Set<(event: BringEvent) => void>()
  private nextKey = 0

  constructor({ doc, store, provider, channel, boardId, identityId, role }: WorkshopOptions) {
    this.doc = doc
    this.provider = provider
    this.channel = channel
    this.role = role
    this.boardId = boardId
    this.identityId = identityId
    this.isFacilitator = canManageLab(role)
    this.canTakePart = role !== 'viewer'
    this.clock = new ClockSync((command) => void this.channel.send(command))
    this.privateWriter = new PrivateWriter({
      store,
      doc,
      boardId,
      identityId,
      writesPrivately: role === 'participant',
      send: (command) => this.channel.send(command),
      isOnline: () => this.provider.wsconnected,
      isSynced: () => this.provider.synced,
    })
    this.readAll()
    getSessionMap(doc).observe(this.onSession)
    provider.on('status', this.onStatus)
    provider.on('sync', this.onSync)
    if (provider.wsconnected) this.onStatus({ status: 'connected' })
  }

  /** Sends a workshop command; resolves with what came of it. */
  async run(command: WorkshopCommand): Promise<CommandOutcome> {
    const answer = await this.channel.send(command)
    return answer.type === 'error' ? { ok: false, code: answer.code, message: answer.message } : { ok: true }
  }

  /** Hands a server event to the toolkit; false when it is not one of the toolkit's. */
  onEvent(event: ServerEvent): boolean {
    switch (event.type) {
      case 'welcome':
        this.clock.welcomed(event.serverTime)
        return false
      case 'clock':
        this.clock.answered(event.sentAt, event.serverTime)
        return true
      case 'ballot':
        this.$ballot.set({ voteId: event.voteId, dots: event.dots })
        return true
      case 'bring':
        for (const listener of this.bringListeners) listener(event)
        return true
      case 'private.records':
        this.privateWriter.received(event)
        return true
      case 'reaction': {
        const now = Date.now()
        // At most a screenful at once: older ones make room.
        const kept = this.$reactions.get().slice(-24)
        this.$reactions.set([...kept, { ...event, key: ++this.nextKey, at: now }])
        return true
      }
      default:
        return false
    }
  }

  /** Shows a short message under the bar. */
  notify(text: string): void {
    this.$notice.set({ text, key: ++this.nextKey })
  }

  /** Listens to `bring` events; returns a stop function. */
  onBring(listener: (event: BringEvent) => void): () => void {
    this.bringListeners.add(listener)
    return () => this.bringListeners.delete(listener)
  }

  /** A floating reaction finished its flight. */
  reactionDone(key: number): void {
    this.$reactions.set(this.$reactions.get().filter((r) => r.key !== key))
  }

  /** Places one dot on a note (shown at once, then as the server keeps it). */
  cast(voteId: string, noteId: string): Promise<CommandOutcome> {
    return this.changeBallot(voteId, noteId, 1)
  }

  uncast(voteId: string, noteId: string): Promise<CommandOutcome> {
    return this.changeBallot(voteId, noteId, -1)
  }

  private async changeBallot(voteId: string, noteId: string, delta: 1 | -1): Promise<CommandOutcome> {
    const before = this.$ballot.get()
    const dots = { ...(before?.voteId === voteId ? before.dots : {}) }
    const next = (dots[noteId] ?? 0) + delta
    if (next < 0) return { ok: false, code: 'invalid', message: 'no dot here' }
    if (next === 0) delete dots[noteId]
    else dots[noteId] = next
    this.$ballot.set({ voteId, dots })
    const outcome = await this.run({ type: delta > 0 ? 'vote.cast' : 'vote.uncast', voteId, noteId })
    // Refused: back to what the server holds (its `ballot` event may already have said so).
    if (!outcome.ok && this.$ballot.get()?.dots === dots) this.$ballot.set(before)
    return outcome
  }

  private readonly onSession = (event: Y.YMapEvent<unknown>) => {
    const keys = event.keysChanged
    if (keys.has(BoardSessionKey.timer)) this.$timer.set(readTimer(this.doc))
    if (keys.has(BoardSessionKey.vote)) this.readVote()
    if ([...keys].some((k) => k.startsWith(VOTE_RECORD_PREFIX))) this.$voteRecords.set(readVoteRecords(this.doc))
    if (keys.has(BoardSessionKey.agenda)) this.$agenda.set(readAgenda(this.doc))
    if (keys.has(BoardSessionKey.follow)) this.$follow.set(readFollow(this.doc))
    if (keys.has(BoardSessionKey.privateRound)) {
      this.readPrivateRound()
      this.privateWriter.reconcile()
    }
  }

  private readVote(): void {
    const vote = readVote(this.doc)
    const before = this.$vote.get()
    this.$vote.set(vote)
    // Revealed while this person watched: the ranking opens for everyone (later arrivals have the strip's button).
    if (vote?.status === 'revealed' && before?.id === vote.id && before.status === 'open') {
      this.$readingVote.set(null)
      this.$resultsOpen.set(true)
    }
    // A new vote starts with an empty ballot (until the server says otherwise).
    const ballot = this.$ballot.get()
    if (vote && ballot && ballot.voteId !== vote.id) this.$ballot.set(null)
    if (vote?.status !== 'open') this.$ballotListOpen.set(false)
  }

  /** Authors' names show on revealed notes when the reveal is recent (seen live, or a reload soon after). */
  private readPrivateRound(): void {
    const round = readPrivateRound(this.doc)
    const before = this.$privateRound.get()
    this.$privateRound.set(round)
    if (round?.status !== 'revealed' || (before?.id === round.id && before.status === 'revealed')) return
    const age = this.clock.now() - Date.parse(round.revealedAt ?? '')
    this.$showAuthors.set(before?.id === round.id || age < AUTHORS_SHOWN_MS)
  }

  private readAll(): void {
    this.$timer.set(readTimer(this.doc))
    this.readVote()
    this.$voteRecords.set(readVoteRecords(this.doc))
    this.$agenda.set(readAgenda(this.doc))
    this.$follow.set(readFollow(this.doc))
    this.readPrivateRound()
  }

  private readonly onStatus = ({ status }: { status: string }) => {
    if (status === 'connected') {
      // After the channel's hello (it listens first): events flow from here on.
      this.clock.connected()
      this.privateWriter.connected()
    } else this.clock.disconnected()
  }

  private readonly onSync = (synced: boolean) => {
    if (!synced) return
    this.readAll()
    this.privateWriter.reconcile()
  }

  /** The canvas is bound to the document. */
  attach(): void {
    this.readAll()
    this.privateWriter.attach()
  }

  destroy(): void {
    getSessionMap(this.doc).unobserve(this.onSession)
    this.provider.off('status', this.onStatus)
    this.provider.off('sync', this.onSync)
    this.clock.destroy()
    this.privateWriter.destroy()
    this.bringListeners.clear()
  }
}
